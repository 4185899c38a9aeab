import type { GraphErrorSpec } from './graph-error.js'
import { templateKey, type TemplateDefinition } from './options.js'
import type { TemplateSend } from './validate.js'

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
  if (template.bodyParameters !== undefined && template.bodyParameters !== send.bodyParameterCount) {
    return {
      code: 132000,
      details: `body: number of localizable_params (${send.bodyParameterCount}) does not match the expected number of params (${template.bodyParameters})`
    }
  }
  return undefined
}
