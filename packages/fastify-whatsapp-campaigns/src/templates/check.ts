import type { Template } from '../schemas/templates.js'

/** The codes of a refused template, each also an error of errors.ts. */
export type TemplateCheckCode = 'WAC_TEMPLATE_NOT_FOUND' | 'WAC_TEMPLATE_NOT_APPROVED' | 'WAC_TEMPLATE_PARAMETERS' | 'WAC_TEMPLATE_COMPONENTS'

/** A recipient as the check sees it: what `bodyParametersFor` reads. */
export interface TemplateRecipient {
  name?: string | null
  parameters?: readonly string[] | null
}

/** What a campaign (saved or not) asks of its template. */
export interface CampaignTemplateUse {
  templateName: string
  language: string
  /** The campaign-wide body parameters, `{{name}}` and `{{phone}}` placeholders included. */
  parameters: readonly string[]
  /** Its contacts, whose own parameters (or name) may give another count; absent: judged on `parameters` alone. */
  contacts?: Iterable<TemplateRecipient>
}

export type TemplateVerdict =
  | { ok: true }
  | { ok: false, statusCode: 409 | 422, code: TemplateCheckCode, message: string }

/**
 * How many body parameters one recipient's message carries, by the rule of `bodyParametersFor`
 * (campaigns/parameters.ts), counted without building the values: the contact's own, else the
 * campaign's, else one for a contact with a name.
 */
export function bodyParameterCount (recipient: TemplateRecipient, campaignParameters: readonly string[]): number {
  if (recipient.parameters != null && recipient.parameters.length > 0) return recipient.parameters.length
  if (campaignParameters.length > 0) return campaignParameters.length
  return recipient.name != null ? 1 : 0
}

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`

/**
 * Whether a campaign may be sent with `template` (undefined: the business account has no template of
 * that name in that language). 409 when the template's status is the obstacle (it may change on its
 * own), 422 when the campaign does not fit the template. Campaigns send body parameters only, as
 * positional text, so a template that needs a header or button parameter, or named ones, is refused
 * before Meta would refuse every message (132000, 132012).
 */
export function checkTemplate (template: Template | undefined, campaign: CampaignTemplateUse): TemplateVerdict {
  const label = `template ${campaign.templateName} (${campaign.language})`
  if (template === undefined) {
    return refuse(422, 'WAC_TEMPLATE_NOT_FOUND', `${label} does not exist in the WhatsApp business account: create it in this language, or choose one of GET /templates`)
  }
  if (template.status !== 'APPROVED') {
    return refuse(409, 'WAC_TEMPLATE_NOT_APPROVED', `${label} is ${template.status}: Meta sends only APPROVED templates; ${statusHint(template.status)}`)
  }
  const header = template.header
  if (header !== null && header.format !== 'TEXT') {
    return refuse(422, 'WAC_TEMPLATE_COMPONENTS', `${label} has a ${header.format} header, which needs a media or location parameter; campaigns send body parameters only: choose a template without one`)
  }
  if (header !== null && header.parameters > 0) {
    return refuse(422, 'WAC_TEMPLATE_COMPONENTS', `${label} needs ${plural(header.parameters, 'header parameter')}; campaigns send body parameters only: choose a template whose header has no variable`)
  }
  const button = template.buttons.find(b => b.parameters > 0)
  if (button !== undefined) {
    return refuse(422, 'WAC_TEMPLATE_COMPONENTS', `${label} has a ${button.type} button that needs a parameter; campaigns send body parameters only: choose a template whose buttons have no variable`)
  }
  const body = template.body
  if (body !== null && body.parameters > 0 && template.parameterFormat === 'NAMED') {
    const names = body.names.map(name => `{{${name}}}`).join(', ')
    return refuse(422, 'WAC_TEMPLATE_COMPONENTS', `${label} takes named body parameters (${names}); campaigns send positional ones ({{1}}, {{2}}…): choose a positional template`)
  }
  return checkBodyCount(label, body?.parameters ?? 0, campaign)
}

function checkBodyCount (label: string, needed: number, campaign: CampaignTemplateUse): TemplateVerdict {
  const needs = `${label} needs ${plural(needed, 'body parameter')}`
  if (campaign.contacts === undefined) {
    const given = campaign.parameters.length
    return given === needed ? { ok: true } : refuse(422, 'WAC_TEMPLATE_PARAMETERS', `${needs}; the campaign gives ${given}`)
  }
  // Contacts that get another count, by count: the first position of each, and how many.
  const wrong = new Map<number, { first: number, count: number }>()
  let total = 0
  for (const contact of campaign.contacts) {
    const given = bodyParameterCount(contact, campaign.parameters)
    if (given !== needed) {
      const group = wrong.get(given)
      if (group === undefined) wrong.set(given, { first: total, count: 1 })
      else group.count++
    }
    total++
  }
  if (wrong.size === 0) return { ok: true }
  const [given, group] = [...wrong.entries()].sort((a, b) => b[1].count - a[1].count)[0]
  if (group.count === total && wrong.size === 1) return refuse(422, 'WAC_TEMPLATE_PARAMETERS', `${needs}; the campaign gives ${given}`)
  const others = [...wrong.values()].reduce((sum, g) => sum + g.count, 0) - group.count
  const more = others > 0 ? `, and ${plural(others, 'other contact')} another wrong count` : ''
  return refuse(422, 'WAC_TEMPLATE_PARAMETERS',
    `${needs}; ${group.count} of ${plural(total, 'contact')} get ${given} (the first at position ${group.first}, from its own parameters or, with none given anywhere, its name)${more}`)
}

function statusHint (status: string): string {
  if (status === 'PAUSED') return 'Meta paused it for low quality; try again once it is APPROVED again, or choose another template'
  if (status === 'DISABLED') return 'Meta disabled it for low quality for good: choose another template'
  if (status === 'PENDING' || status === 'IN_APPEAL') return 'wait for its review, or choose another template'
  return 'choose another template'
}

function refuse (statusCode: 409 | 422, code: TemplateCheckCode, message: string): TemplateVerdict {
  return { ok: false, statusCode, code, message }
}
