import type { TemplateMessage } from './types.js'

/** The JSON body Meta expects for a template send; no components at all when there are no body parameters. */
export function templatePayload (message: TemplateMessage): Record<string, unknown> {
  const template: Record<string, unknown> = { name: message.templateName, language: { code: message.language } }
  if (message.bodyParameters.length > 0) {
    template.components = [{ type: 'body', parameters: message.bodyParameters.map(text => ({ type: 'text', text })) }]
  }
  const payload: Record<string, unknown> = { messaging_product: 'whatsapp', recipient_type: 'individual', to: message.to, type: 'template', template }
  if (message.callbackData !== undefined) payload.biz_opaque_callback_data = message.callbackData
  return payload
}
