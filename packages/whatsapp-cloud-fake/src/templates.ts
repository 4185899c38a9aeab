import { createHash } from 'node:crypto'
import type { GraphErrorSpec } from './graph-error.js'
import { templateKey, type TemplateComponent, type TemplateDefinition } from './options.js'
import type { TemplateSend } from './validate.js'

const variable = /\{\{\s*([^{}\s]+)\s*\}\}/g

/** The distinct `{{…}}` variables of a text. */
function variableCount (text: string | undefined): number {
  return text === undefined ? 0 : new Set([...text.matchAll(variable)].map(match => match[1])).size
}

/** The body parameters a send must carry: `bodyParameters`, else the BODY's variables, else unchecked. */
function expectedBodyParameters (template: TemplateDefinition): number | undefined {
  if (template.bodyParameters !== undefined) return template.bodyParameters
  const body = template.components?.find(component => component.type === 'BODY')
  return body === undefined ? undefined : variableCount(body.text)
}

/** Meta's answers for a send against its approved templates; undefined when the send may go on. */
export function checkTemplate (templates: Map<string, TemplateDefinition>, send: TemplateSend): GraphErrorSpec | undefined {
  const template = templates.get(templateKey(send.name, send.language)) ?? templates.get(templateKey(send.name, undefined))
  const status = template?.status ?? 'APPROVED'
  // Meta answers an unapproved template (pending, rejected) exactly like a missing one.
  if (template === undefined || status === 'PENDING' || status === 'REJECTED') {
    return { code: 132001, details: `template name (${send.name}) does not exist in ${send.language}` }
  }
  if (status === 'PAUSED') {
    return { code: 132015, details: 'Template is paused due to low quality so it cannot be sent in a template message' }
  }
  if (status === 'DISABLED') {
    return { code: 132016, details: 'Template has been paused too many times due to low quality and is now permanently disabled' }
  }
  const expected = expectedBodyParameters(template)
  if (expected !== undefined && expected !== send.bodyParameterCount) {
    return {
      code: 132000,
      details: `body: number of localizable_params (${send.bodyParameterCount}) does not match the expected number of params (${expected})`
    }
  }
  return undefined
}

/** Graph's id of a template: 16 digits, stable per name and language. */
export function templateIdOf (template: TemplateDefinition): string {
  if (template.id !== undefined) return template.id
  const hash = createHash('sha256').update(`${template.name}\u0000${template.language ?? ''}`).digest()
  return String(1_000_000_000_000_000 + Number(hash.readBigUInt64BE(0) % 8_000_000_000_000_000n))
}

/** The components as listed: the given ones, or a BODY derived from `bodyParameters`. */
function componentsOf (template: TemplateDefinition): TemplateComponent[] {
  if (template.components !== undefined) return template.components
  const count = template.bodyParameters ?? 0
  const values = Array.from({ length: count }, (_, i) => `value ${i + 1}`)
  const text = count === 0 ? `Message ${template.name}` : `Message ${template.name}: ${values.map((_, i) => `{{${i + 1}}}`).join(', ')}`
  return [count === 0 ? { type: 'BODY', text } : { type: 'BODY', text, example: { body_text: [values] } }]
}

/** One item of `message_templates`, keys in Meta's order. */
export function listedTemplate (template: TemplateDefinition & { language: string }): Record<string, unknown> {
  const components = componentsOf(template)
  const body = components.find(component => component.type === 'BODY')
  const named = [...(body?.text ?? '').matchAll(variable)].some(match => !/^\d+$/.test(match[1]))
  return {
    name: template.name,
    parameter_format: named ? 'NAMED' : 'POSITIONAL',
    components,
    language: template.language,
    status: template.status ?? 'APPROVED',
    category: template.category ?? 'MARKETING',
    id: templateIdOf(template)
  }
}

/** The templates a listing shows, in definition order: those with a language (one without has no single language to list). */
export function listableTemplates (templates: Map<string, TemplateDefinition> | undefined): Array<TemplateDefinition & { language: string }> {
  return [...(templates?.values() ?? [])].filter((t): t is TemplateDefinition & { language: string } => t.language !== undefined)
}
