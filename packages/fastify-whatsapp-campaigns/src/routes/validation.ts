import { Ajv, type Options } from 'ajv'
import type { FastifySchemaCompiler } from 'fastify'

const common: Options = { useDefaults: true, removeAdditional: false, allErrors: false, strict: false, addUsedSchema: false }
// A body is taken as typed: `"name": 5` is a 400, never silently the string "5".
const bodies = new Ajv({ ...common, coerceTypes: false })
// Query strings and path parameters are text by nature: `?limit=10` is the number 10.
const textual = new Ajv({ ...common, coerceTypes: 'array' })

/** Fastify coerces bodies by default; the campaign routes do not, whatever the host configured. */
export const validatorCompiler: FastifySchemaCompiler<any> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? bodies : textual).compile(schema)
