import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv'
import type { FastifySchemaCompiler } from 'fastify'
import { InvalidTextError } from '../errors.js'
import { untextualWords } from './text-check.js'
import { unknownFieldsWords, type TopLevelFields } from './unknown-fields.js'
import { validationWords } from './validation-words.js'

// `verbose` gives each error its schema, where the words of a rule (`x-rule`) live.
const common: Options = { useDefaults: true, removeAdditional: false, allErrors: false, strict: false, addUsedSchema: false, verbose: true }
// A body is taken as typed: `"name": 5` is a 400, never silently the string "5".
const bodies = new Ajv({ ...common, coerceTypes: false })
// Query strings and path parameters are text by nature: `?limit=10` is the number 10.
const textual = new Ajv({ ...common, coerceTypes: 'array' })

type Schema = Record<string, any>

/** The object a body schema describes at its top (a union with null, as for run, has one object branch). */
function topLevelFields (schema: Schema): TopLevelFields | undefined {
  const object = schema.type === 'object' ? schema : (schema.anyOf as Schema[] | undefined)?.find(branch => branch.type === 'object')
  if (object?.additionalProperties !== false) return undefined
  return { known: Object.keys(object.properties ?? {}), ignored: object['x-ignored-fields'] ?? [] }
}

function refusal (message: string, errors: ErrorObject[] | null | undefined): { error: Error } {
  return { error: Object.assign(new Error(message), { validation: errors ?? [] }) }
}

/**
 * Fastify coerces bodies by default; the campaign routes do not, whatever the host configured. A
 * refused value gets one sentence in words, and an unknown top-level field of a body is named before
 * anything else is checked: `contact` is more likely a typo than a campaign without contacts. What
 * passes the schema must still be text PostgreSQL can store (WAC_INVALID_TEXT), whatever the field.
 */
export const validatorCompiler: FastifySchemaCompiler<any> = ({ schema, httpPart }) => {
  const part = httpPart ?? 'body'
  const validate: ValidateFunction = (part === 'body' ? bodies : textual).compile(schema)
  const fields = part === 'body' ? topLevelFields(schema as Schema) : undefined
  const check = (data: unknown, context?: unknown): true | { error: Error } => {
    if (fields !== undefined && data !== null && typeof data === 'object' && !Array.isArray(data)) {
      const unknown = unknownFieldsWords(data as Record<string, unknown>, fields)
      if (unknown !== undefined) return refusal(unknown, [])
    }
    if (!(validate(data, context as any) as boolean)) return refusal(validationWords(validate.errors ?? [], part), validate.errors)
    const untextual = untextualWords(data, part)
    return untextual === undefined ? true : { error: new InvalidTextError(untextual) }
  }
  // Fastify hands Ajv's functions the request as the parent, so defaults can be set on a root value.
  return Object.assign(check, { schemaEnv: validate.schemaEnv })
}
