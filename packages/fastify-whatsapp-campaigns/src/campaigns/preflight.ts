import type { Contact } from '../schemas/campaign.js'
import type { CheckedContact, ContactCheck } from '../schemas/contacts-check.js'
import type { CampaignPreflightBody, DraftPreflightBody, Preflight, PreflightContacts, PricingCategory, SendingNumber, TemplateVerdict } from '../schemas/preflight.js'
import type { CampaignAnalytics, CampaignRepository, OptOutList, Tenant } from '../store/types.js'
import type { StandingResult } from '../whatsapp/number-standing.js'
import { CampaignNotFoundError } from '../errors.js'
import { checkContacts, optedOutReason } from './contacts-check.js'
import type { ContactRules } from './contacts.js'
import { estimateCost, type Pricing } from './preflight-cost.js'

/** What a template check is given: the campaign as a run would send it. */
export interface PreflightCampaign {
  templateName: string
  language: string
  parameters: string[]
  contacts: Contact[]
}

/** The template's verdict, and its category when a catalogue knows it. */
export type TemplateJudge = (tenant: Tenant, campaign: PreflightCampaign) => Promise<{ verdict: TemplateVerdict, category?: PricingCategory }>

export interface PreflightSettings {
  /** The pace a run sends at (sending.messagesPerSecond). */
  messagesPerSecond: number
  /** Rows that are not valid shown at most (the plugin's inlineLimit). */
  rowsLimit: number
  pricing: Pricing
  /** The phone number id a tenant sends from, and what Meta says of it (cached briefly). */
  numberOf: (tenant: Tenant) => Promise<{ phoneNumberId: string, standing: () => Promise<StandingResult> }>
  /** Absent: the template is not checked (no catalogue configured). */
  judgeTemplate?: TemplateJudge
}

export interface PreflightService {
  /** What a run of every contact of the saved campaign would do; nothing is sent or stored. */
  preflight (tenant: Tenant, id: number, body?: CampaignPreflightBody): Promise<Preflight>
  /** The same for an unsaved draft (a body like create's). */
  preflightDraft (tenant: Tenant, body: DraftPreflightBody): Promise<Preflight>
}

/** Meta's messaging limit counts the unique users a number reached in a moving 24 h. */
const dayMs = 24 * 3_600_000

const notConfigured: Awaited<ReturnType<TemplateJudge>> = { verdict: { checked: false, reason: 'not configured' } }

const units: Array<[string, number]> = [['d', 86_400], ['h', 3_600], ['min', 60], ['s', 1]]

/** Seconds in words, the largest unit and the next (the rest left out): "45 s", "20 min 50 s", "2 h 5 min", "1 d 3 h". */
export function durationText (seconds: number): string {
  const first = units.findIndex(([, size]) => seconds >= size)
  if (first === -1) return '0 s'
  const [unit, size] = units[first]
  const count = Math.floor(seconds / size)
  const next = units[first + 1]
  const nextCount = next === undefined ? 0 : Math.floor((seconds - count * size) / next[1])
  return nextCount > 0 ? `${count} ${unit} ${nextCount} ${next[0]}` : `${count} ${unit}`
}

function plural (count: number, word: string): string {
  return `${count.toLocaleString('en')} ${word}${count === 1 ? '' : 's'}`
}

export function createPreflightService (
  store: Pick<CampaignRepository, 'get' | 'contacts'> & Pick<OptOutList, 'optedOutAmong'> & Pick<CampaignAnalytics, 'uniqueRecipients'>,
  rules: ContactRules,
  settings: PreflightSettings
): PreflightService {
  /** The rows that are not valid, up to the limit. */
  function shownContacts (check: ContactCheck): PreflightContacts {
    const rows: CheckedContact[] = []
    let more = false
    for (const row of check.rows) {
      if (row.verdict === 'valid') continue
      if (rows.length === settings.rowsLimit) {
        more = true
        break
      }
      rows.push(row)
    }
    return more ? { counts: check.counts, rows, rowsTruncated: true } : { counts: check.counts, rows }
  }

  async function sendingNumber (tenant: Tenant, phones: string[]): Promise<SendingNumber> {
    const { phoneNumberId, standing } = await settings.numberOf(tenant)
    const [known, reach] = await Promise.all([
      standing(),
      store.uniqueRecipients(tenant, { sender: phoneNumberId, since: new Date(Date.now() - dayMs), phones })
    ])
    const newRecipients = phones.length - reach.among
    const counts = { reachedLast24h: reach.reached, alreadyReached: reach.among, newRecipients }
    if (!known.ok) return { phoneNumberId, checked: false, reason: known.reason, ...counts, fits: null, refused: null }
    const { tier, limit, qualityRating, throughput } = known.standing
    const number: SendingNumber = { phoneNumberId, checked: true, tier, limit: limit ?? null, qualityRating, ...counts, fits: null, refused: null }
    if (throughput !== undefined) number.throughput = throughput
    if (limit === undefined) {
      number.reason = `the tier ${tier} is not one this plugin knows the limit of`
      delete number.limit
    } else {
      const over = limit === null ? 0 : Math.max(0, reach.reached + newRecipients - limit)
      number.fits = over === 0
      number.refused = over
    }
    return number
  }

  function warningsOf (result: Omit<Preflight, 'warnings'>): string[] {
    const warnings: string[] = []
    const { counts } = result.contacts
    if (counts.invalid > 0) warnings.push(`${plural(counts.invalid, 'row')} ${counts.invalid === 1 ? 'is not a valid phone number' : 'are not valid phone numbers'}: a campaign is not saved with them; fix or remove them`)
    if (counts.duplicate > 0) warnings.push(`${plural(counts.duplicate, 'row')} repeat${counts.duplicate === 1 ? 's' : ''} an earlier phone: each phone is messaged once`)
    if (counts.optedOut > 0) warnings.push(`${plural(counts.optedOut, 'recipient')} ${counts.optedOut === 1 ? 'is' : 'are'} on the opt-out list: the run skips them`)
    if (result.toSend === 0) warnings.push('No recipient to send to')
    const { template, number } = result
    if (template.checked && !template.ok && template.message !== undefined) warnings.push(`The run would be refused: ${template.message}`)
    if (!number.checked) warnings.push(`The number's messaging limit is not known (${number.reason ?? 'not checked'}): whether the run fits it is not known`)
    if (number.fits === false && number.refused !== null) {
      warnings.push(`The run does not fit the number's messaging limit: ${number.tier ?? ''} allows ${plural(number.limit ?? 0, 'unique recipient')} in 24 h, ` +
        `${number.reachedLast24h.toLocaleString('en')} were reached in the last 24 h and this run adds ${number.newRecipients.toLocaleString('en')}: Meta would not deliver about ${number.refused.toLocaleString('en')}`)
    }
    if (number.qualityRating === 'RED') warnings.push("The number's quality rating is RED: Meta may lower its limit or restrict it; sending more now risks that")
    else if (number.qualityRating === 'YELLOW') warnings.push("The number's quality rating is YELLOW: recipients have been blocking or reporting it")
    return warnings
  }

  async function assess (tenant: Tenant, campaign: PreflightCampaign, check: ContactCheck, category: PricingCategory | undefined): Promise<Preflight> {
    const toSend = check.rows.flatMap(row => row.verdict === 'valid' ? [row.phone] : [])
    const [judged, number] = await Promise.all([
      settings.judgeTemplate?.(tenant, campaign) ?? notConfigured,
      sendingNumber(tenant, toSend)
    ])
    const seconds = Math.ceil(toSend.length / settings.messagesPerSecond)
    const categoryOf = judged.category !== undefined
      ? { value: judged.category, from: 'template' as const }
      : category !== undefined ? { value: category, from: 'request' as const } : { value: null, from: 'unknown' as const }
    const result = {
      recipients: check.counts.valid + check.counts.optedOut,
      toSend: toSend.length,
      contacts: shownContacts(check),
      template: judged.verdict,
      number,
      duration: { recipients: toSend.length, messagesPerSecond: settings.messagesPerSecond, seconds, text: durationText(seconds) },
      cost: estimateCost(toSend, categoryOf, settings.pricing)
    }
    return { ...result, warnings: warningsOf(result) }
  }

  return {
    async preflight (tenant, id, body) {
      const stored = await store.get(tenant, id)
      if (stored === null) throw new CampaignNotFoundError(id)
      const contacts = await store.contacts(tenant, id)
      if (contacts === null) throw new CampaignNotFoundError(id)
      // A saved list is normalised and each phone once already: only the opt-outs are left to find.
      const optedOut = await store.optedOutAmong(tenant, contacts.map(contact => contact.phone))
      const rows = contacts.map((contact, index): CheckedContact => {
        const name = contact.name ?? null
        return optedOut.has(contact.phone)
          ? { index, phone: contact.phone, name, verdict: 'optedOut', reason: optedOutReason }
          : { index, phone: contact.phone, name, verdict: 'valid' }
      })
      const check: ContactCheck = { rows, counts: { valid: contacts.length - optedOut.size, invalid: 0, duplicate: 0, optedOut: optedOut.size } }
      const campaign = { templateName: stored.templateName, language: stored.language, parameters: stored.parameters, contacts }
      return await assess(tenant, campaign, check, body?.category)
    },

    async preflightDraft (tenant, body) {
      const contacts = body.contacts ?? []
      const check = await checkContacts(store, tenant, contacts, rules)
      const campaign = { templateName: body.templateName, language: body.language ?? 'en', parameters: body.parameters ?? [], contacts }
      return await assess(tenant, campaign, check, body.category)
    }
  }
}
