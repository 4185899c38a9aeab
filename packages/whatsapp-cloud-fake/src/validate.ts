import type { GraphErrorSpec } from './graph-error.js'
import { digitsOf } from './options.js'

/** A template send that passed Meta's request checks. */
export interface TemplateSend {
  /** `to` as sent, echoed in `contacts[0].input`. */
  input: string
  /** The digits: `wa_id`, and the key of failures and counts. */
  to: string
  name: string
  language: string
  components: unknown[]
  /** Parameters of the body component, compared with a template's `bodyParameters`. */
  bodyParameterCount: number
  /** `biz_opaque_callback_data`, echoed on the message's status webhooks. */
  callbackData?: string
}

export type Checked = { ok: true, send: TemplateSend } | { ok: false, error: GraphErrorSpec }

type Json = Record<string, unknown>

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== ''

const required = (path: string): GraphErrorSpec => ({ code: 131008, details: `The parameter ${path} is required.` })
const invalid = (details: string): GraphErrorSpec => ({ code: 100, details })

/** Graph's own answer for a missing top-level parameter: code 100, no error_data. */
const topLevelRequired = (name: string): GraphErrorSpec =>
  ({ code: 100, message: `(#100) The parameter ${name} is required.` })

const PHONE = /^\+?[\d\s\-().]+$/

/** The field each parameter type carries its value in, and whether a plain string is expected there. */
const PARAMETER_FIELDS: Record<string, { field: string, string: boolean }> = {
  text: { field: 'text', string: true },
  currency: { field: 'currency', string: false },
  date_time: { field: 'date_time', string: false },
  image: { field: 'image', string: false },
  video: { field: 'video', string: false },
  document: { field: 'document', string: false },
  location: { field: 'location', string: false },
  payload: { field: 'payload', string: true },
  coupon_code: { field: 'coupon_code', string: true },
  action: { field: 'action', string: false }
}

const COMPONENT_TYPES = new Set(['header', 'body', 'button'])

/** Meta refuses body text parameters with new lines, tabs or more than 4 spaces in a row. */
const BAD_TEXT = /[\n\t]| {5}/

export function checkTemplateSend (body: unknown): Checked {
  if (!isObject(body)) return { ok: false, error: invalid('Request body must be a JSON object') }
  if (body.messaging_product === undefined) return { ok: false, error: topLevelRequired('messaging_product') }
  if (body.messaging_product !== 'whatsapp') {
    return { ok: false, error: invalid(`Param messaging_product must be "whatsapp", got ${JSON.stringify(body.messaging_product)}`) }
  }
  if (body.recipient_type !== undefined && body.recipient_type !== 'individual' && body.recipient_type !== 'group') {
    return { ok: false, error: invalid('Param recipient_type must be one of {individual, group}') }
  }
  if (body.to === undefined || body.to === '') return { ok: false, error: topLevelRequired('to') }
  const digits = typeof body.to === 'string' && PHONE.test(body.to) ? digitsOf(body.to) : ''
  if (digits.length < 5 || digits.length > 15) {
    return { ok: false, error: invalid(`Param to is not a valid phone number: ${JSON.stringify(body.to)}`) }
  }
  if (body.type === undefined) return { ok: false, error: required('type') }
  if (body.type !== 'template') {
    return { ok: false, error: { code: 131051, details: `Message type ${JSON.stringify(body.type)} is not supported by this fake; send type "template"` } }
  }
  const callbackData = body.biz_opaque_callback_data
  if (callbackData !== undefined && (typeof callbackData !== 'string' || callbackData.length > 512)) {
    return { ok: false, error: invalid('Param biz_opaque_callback_data must be a string of at most 512 characters') }
  }
  const template = body.template
  if (!isObject(template)) return { ok: false, error: required('template') }
  if (!nonEmpty(template.name)) return { ok: false, error: required("template['name']") }
  const language = template.language
  if (!isObject(language) || !nonEmpty(language.code)) return { ok: false, error: required("template['language']['code']") }
  if (language.policy !== undefined && language.policy !== 'deterministic') {
    return { ok: false, error: invalid('Param template[\'language\'][\'policy\'] must be "deterministic"') }
  }
  const components = template.components ?? []
  if (!Array.isArray(components)) return { ok: false, error: invalid("Param template['components'] must be an array") }
  let bodyParameterCount = 0
  for (let i = 0; i < components.length; i++) {
    const problem = checkComponent(components[i], i)
    if (problem) return { ok: false, error: problem }
    if (components[i].type === 'body') bodyParameterCount += (components[i].parameters ?? []).length
  }
  return {
    ok: true,
    send: { input: body.to as string, to: digits, name: template.name, language: language.code, components, bodyParameterCount, callbackData }
  }
}

function checkComponent (component: unknown, index: number): GraphErrorSpec | undefined {
  const at = `template['components'][${index}]`
  if (!isObject(component)) return invalid(`Param ${at} must be an object`)
  if (component.type === undefined) return required(`${at}['type']`)
  if (typeof component.type !== 'string' || !COMPONENT_TYPES.has(component.type)) {
    return invalid(`Param ${at}['type'] must be one of {header, body, button}, got ${JSON.stringify(component.type)}`)
  }
  if (component.type === 'button') {
    if (!nonEmpty(component.sub_type)) return required(`${at}['sub_type']`)
    if (component.index === undefined) return required(`${at}['index']`)
  }
  const parameters = component.parameters ?? []
  if (!Array.isArray(parameters)) return invalid(`Param ${at}['parameters'] must be an array`)
  for (const parameter of parameters) {
    const problem = checkParameter(parameter, at)
    if (problem) return problem
  }
  return undefined
}

function checkParameter (parameter: unknown, at: string): GraphErrorSpec | undefined {
  if (!isObject(parameter)) return invalid(`Param ${at}['parameters'] must hold objects`)
  const kind = typeof parameter.type === 'string' ? PARAMETER_FIELDS[parameter.type] : undefined
  if (kind === undefined) return invalid(`Invalid parameter type ${JSON.stringify(parameter.type)}`)
  const value = parameter[kind.field]
  if (value === undefined || value === null || value === '') {
    return { code: 131008, details: `Parameter of type ${parameter.type as string} is missing ${kind.field} value` }
  }
  if (kind.string ? typeof value !== 'string' : !isObject(value)) {
    return invalid(`Parameter of type ${parameter.type as string} has an invalid ${kind.field} value`)
  }
  if (parameter.type === 'text' && BAD_TEXT.test(value as string)) {
    return { code: 132018, details: 'Param text cannot have new-line/tab characters or more than 4 consecutive spaces' }
  }
  return undefined
}
