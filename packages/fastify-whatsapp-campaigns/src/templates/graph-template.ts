import type { Template } from '../schemas/templates.js'

type Json = Record<string, unknown>

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)
const text = (value: unknown): string | undefined => typeof value === 'string' ? value : undefined

const variable = /\{\{\s*([^{}\s]+)\s*\}\}/g

/** The distinct variables of a text (`{{1}}`, `{{first_name}}`), in first-use order. */
export function variablesOf (value: string | undefined): string[] {
  if (value === undefined) return []
  return [...new Set([...value.matchAll(variable)].map(match => match[1]))]
}

/**
 * One item of Graph's `message_templates` list as the plugin reads it; null when it lacks what
 * identifies a template (name, language, status). Unknown component types are left out; an id given as
 * a number (Meta's are 16 digits) is kept as the digits it was written with as far as JSON allows.
 */
export function templateFromGraph (item: unknown): Template | null {
  if (!isObject(item)) return null
  const name = text(item.name)
  const language = text(item.language)
  const status = text(item.status)
  if (name === undefined || language === undefined || status === undefined) return null
  const components = Array.isArray(item.components) ? item.components.filter(isObject) : []
  const bodyComponent = components.find(c => c.type === 'BODY')
  const headerComponent = components.find(c => c.type === 'HEADER')
  const buttonsComponent = components.find(c => c.type === 'BUTTONS')

  const bodyText = text(bodyComponent?.text)
  const bodyNames = variablesOf(bodyText)
  const positional = bodyNames.every(n => /^\d+$/.test(n))
  const format = item.parameter_format === 'NAMED' || item.parameter_format === 'POSITIONAL'
    ? item.parameter_format
    : positional ? 'POSITIONAL' : 'NAMED'

  let header: Template['header'] = null
  if (headerComponent !== undefined) {
    const headerFormat = text(headerComponent.format) ?? 'TEXT'
    const headerText = text(headerComponent.text)
    const names = variablesOf(headerText)
    header = { format: headerFormat, ...(headerText === undefined ? {} : { text: headerText }), parameters: names.length, names }
  }

  const buttons: Template['buttons'] = (Array.isArray(buttonsComponent?.buttons) ? buttonsComponent.buttons : [])
    .filter(isObject)
    .map(button => {
      const url = text(button.url)
      const buttonText = text(button.text)
      // Only a URL button's variable is filled by a send; a quick reply's text is fixed.
      const names = button.type === 'URL' ? variablesOf(url) : []
      return {
        type: text(button.type) ?? 'UNKNOWN',
        ...(buttonText === undefined ? {} : { text: buttonText }),
        ...(url === undefined ? {} : { url }),
        parameters: names.length,
        names
      }
    })

  return {
    id: typeof item.id === 'string' || typeof item.id === 'number' ? String(item.id) : '',
    name,
    language,
    status,
    category: text(item.category) ?? 'UNKNOWN',
    parameterFormat: format,
    body: bodyText === undefined ? null : { text: bodyText, parameters: bodyNames.length, names: bodyNames },
    header,
    buttons
  }
}
