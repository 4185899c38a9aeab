import type { Campaign, Contact, CreateCampaignBody, UpdateCampaignBody } from 'fastify-whatsapp-campaigns'
import { isoToSchedule, scheduleToIso } from './schedule.js'

/** What the form holds: a campaign's editable fields, the schedule as the datetime-local field shows it. */
export interface CampaignDraft {
  name: string
  templateName: string
  language: string
  parameters: string[]
  contacts: Contact[]
  schedule: string
}

export const emptyDraft: CampaignDraft = { name: '', templateName: '', language: 'en', parameters: [], contacts: [], schedule: '' }

export function draftOf (campaign: Campaign, contacts: Contact[]): CampaignDraft {
  return {
    name: campaign.name,
    templateName: campaign.templateName,
    language: campaign.language,
    parameters: [...campaign.parameters],
    contacts,
    schedule: isoToSchedule(campaign.scheduledAt)
  }
}

/** A sentence saying what must change before the draft can go to the server, or null when it can. */
export function problemOf (draft: CampaignDraft, needsContacts: boolean): string | null {
  const empty = draft.parameters.findIndex(value => value.trim() === '')
  if (empty !== -1) return `Parameter {{${empty + 1}}} is empty: fill it in or remove it.`
  if (needsContacts && draft.contacts.length === 0) return 'Add contacts first: choose a file, paste lines or add one by one.'
  if (scheduleToIso(draft.schedule) === undefined) return 'The schedule is not a date and time.'
  return null
}

export function createBody (draft: CampaignDraft, scheduled: boolean): CreateCampaignBody {
  const body: CreateCampaignBody = {
    name: draft.name.trim(),
    templateName: draft.templateName.trim(),
    language: draft.language.trim(),
    parameters: draft.parameters,
    contacts: draft.contacts
  }
  if (scheduled) body.scheduledAt = scheduleToIso(draft.schedule) ?? null
  return body
}

/** Only what changed: a paused campaign refuses changes to anything but its name, and a long list is sent only when edited. */
export function updateBody (draft: CampaignDraft, initial: CampaignDraft, contactsChanged: boolean): UpdateCampaignBody {
  const body: UpdateCampaignBody = {}
  if (draft.name.trim() !== initial.name) body.name = draft.name.trim()
  if (draft.templateName.trim() !== initial.templateName) body.templateName = draft.templateName.trim()
  if (draft.language.trim() !== initial.language) body.language = draft.language.trim()
  if (draft.parameters.join('\u0000') !== initial.parameters.join('\u0000') || draft.parameters.length !== initial.parameters.length) body.parameters = draft.parameters
  if (contactsChanged) body.contacts = draft.contacts
  if (draft.schedule !== initial.schedule) body.scheduledAt = scheduleToIso(draft.schedule) ?? null
  return body
}

export function isDirty (draft: CampaignDraft, initial: CampaignDraft, contactsChanged: boolean): boolean {
  return contactsChanged || Object.keys(updateBody(draft, initial, false)).length > 0
}
