/**
 * Which of an edit's fields change what a run fixed at its start (its plan). The original frontend
 * sends a campaign back whole to rename it, so a field given with the value the campaign already has
 * changes nothing and must not count as a change of the plan.
 */
import type { Contact } from '../schemas/campaign.js'
import type { CampaignChanges, StoredCampaign, StoredContact } from '../store/types.js'

const planFields = ['templateName', 'language', 'parameters', 'contacts'] as const

/** Whether the changes give any field of the plan. */
export function givesPlan (changes: CampaignChanges): boolean {
  return planFields.some(field => changes[field] !== undefined)
}

/** The changes without the plan fields whose value is the campaign's already (`contacts`: the list as stored, when read). */
export function withoutSamePlan (changes: CampaignChanges, campaign: StoredCampaign, contacts: Contact[] | null): CampaignChanges {
  const kept: CampaignChanges = { ...changes }
  if (kept.templateName === campaign.templateName) delete kept.templateName
  if (kept.language === campaign.language) delete kept.language
  if (kept.parameters !== undefined && sameList(kept.parameters, campaign.parameters)) delete kept.parameters
  if (kept.contacts !== undefined && contacts !== null && sameContacts(kept.contacts, contacts)) delete kept.contacts
  return kept
}

function sameList (a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i])
}

function sameContacts (given: StoredContact[], stored: Contact[]): boolean {
  return given.length === stored.length && given.every((contact, i) => {
    const other = stored[i]
    const parameters = contact.parameters ?? null
    const otherParameters = other.parameters ?? null
    return contact.phone === other.phone && (contact.name ?? null) === (other.name ?? null) &&
      (parameters === null || otherParameters === null ? parameters === otherParameters : sameList(parameters, otherParameters))
  })
}
