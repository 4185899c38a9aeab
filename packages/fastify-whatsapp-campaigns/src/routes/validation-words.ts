import type { ErrorObject } from 'ajv'
import { scheduleExample } from '../campaigns/schedule.js'

/** `/contacts/3/phone` as a reader writes it: `contacts[3].phone`. */
export function fieldName (path: string, part: string): string {
  if (path === '') return `the ${part}`
  return path.slice(1).split('/').map(step => step.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((name, step, index) => /^\d+$/.test(step) ? `${name}[${step}]` : index === 0 ? step : `${name}.${step}`, '')
}

const typeWords: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  object: 'a JSON object',
  array: 'an array',
  null: 'null'
}

const isNullType = (error: ErrorObject): boolean => error.keyword === 'type' && error.params.type === 'null'
const rule = (schema: unknown): string | undefined => (schema as Record<string, unknown> | undefined)?.['x-rule'] as string | undefined
const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`

function keywordWords (error: ErrorObject, field: string): string {
  const { params } = error
  switch (error.keyword) {
    case 'required': return `${error.instancePath === '' ? '' : `${field}.`}${params.missingProperty as string} is required`
    case 'type': return `${field} must be ${(String(params.type)).split(',').map(type => typeWords[type] ?? type).join(' or ')}`
    case 'minLength': return params.limit === 1 ? `${field} must not be empty` : `${field} must be at least ${plural(params.limit, 'character')}`
    case 'maxLength': return `${field} must be at most ${plural(params.limit, 'character')}`
    case 'minItems': return `${field} must hold at least ${plural(params.limit, 'item')}`
    case 'maxItems': return `${field} must hold at most ${plural(params.limit, 'item')}`
    case 'minimum': return `${field} must be at least ${params.limit as number}`
    case 'maximum': return `${field} must be at most ${params.limit as number}`
    case 'const': return `${field} must be ${JSON.stringify(params.allowedValue)}`
    case 'additionalProperties': return `${field} has an unknown field "${params.additionalProperty as string}"`
    case 'pattern': return `${field} ${rule(error.parentSchema) ?? `must match ${params.pattern as string}`}`
    default: return `${field} ${error.message ?? 'is not valid'}`
  }
}

/**
 * One sentence for the problem Ajv found (it stops at the first one): the field, and what it must be.
 * A union fails with the errors of each of its branches and then its own; the sentence is about the
 * deepest field that went wrong, in the words of its schema's `x-rule` when it has one.
 */
export function validationWords (errors: ErrorObject[], part: string): string {
  return explain(errors, part).replace('{example}', scheduleExample())
}

function explain (errors: ErrorObject[], part: string): string {
  const error = errors[errors.length - 1]
  const field = fieldName(error.instancePath, part)
  if (error.keyword !== 'anyOf') return keywordWords(error, field)

  const branches = (error.parentSchema as { anyOf: Array<Record<string, unknown>> }).anyOf
  const inner = errors.slice(0, -1).filter(e => !isNullType(e))
  const deepest = inner[inner.length - 1]
  if (deepest !== undefined && deepest.instancePath.length > error.instancePath.length) return explain(inner, part)
  const own = rule(error.parentSchema)
  if (own !== undefined) return `${field} ${own}`
  if (branches.every(branch => 'const' in branch)) {
    return `${field} must be one of ${branches.map(branch => String(branch.const)).join(', ')}`
  }
  if (deepest === undefined) return `${field} ${error.message ?? 'is not valid'}`
  const words = explain(inner, part)
  const nullable = branches.some(branch => branch.type === 'null')
  return nullable && deepest.keyword === 'type' ? `${words} or null` : words
}
