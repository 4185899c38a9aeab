/** The campaign side of the memory adapter: what the API reads and edits. */
import type { CampaignStatus, Contact } from '../../schemas/campaign.js'
import { campaignStatuses } from '../../schemas/campaign.js'
import type { CampaignChanges, ContactQuery, Guarded, ListQuery, MessageQuery, NameSearch, NewCampaign, PositionedContact, StatusCounts, StoredCampaign, StoredMessage, StoredRunHistory, Tenant } from '../types.js'
import { storedStatuses } from '../codes.js'
import { nameMatches } from '../name-search.js'
import { copyContact, storedCampaignRun, toStoredMessage, type CampaignRecord, type MemoryState } from './state.js'

export function create (state: MemoryState, tenant: Tenant, campaign: NewCampaign): StoredCampaign {
  const now = new Date()
  const scheduledAt = campaign.scheduledAt ?? null
  const record: CampaignRecord = {
    id: ++state.lastCampaignId,
    tenant,
    name: campaign.name,
    templateName: campaign.templateName,
    language: campaign.language,
    parameters: [...campaign.parameters],
    status: scheduledAt === null ? 'draft' : 'scheduled',
    scheduledAt: scheduledAt === null ? null : new Date(scheduledAt),
    contacts: campaign.contacts.map(copyContact),
    latestRunId: null,
    createdAt: now,
    updatedAt: now
  }
  state.campaigns.set(record.id, record)
  return state.stored(record)
}

export function list (state: MemoryState, tenant: Tenant, query: ListQuery): { items: StoredCampaign[], total: number } {
  const matches = [...state.campaigns.values()]
    .filter(c => c.tenant === tenant && (query.status === undefined || c.status === query.status) && nameMatches(c.name, query.q))
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id)
  return { items: matches.slice(query.offset, query.offset + query.limit).map(c => state.stored(c)), total: matches.length }
}

export function statusCounts (state: MemoryState, tenant: Tenant, query: NameSearch): StatusCounts {
  const counts = Object.fromEntries(campaignStatuses.map(status => [status, 0])) as StatusCounts
  for (const campaign of state.campaigns.values()) {
    if (campaign.tenant === tenant && nameMatches(campaign.name, query.q)) counts[campaign.status]++
  }
  return counts
}

export function get (state: MemoryState, tenant: Tenant, id: number): StoredCampaign | null {
  const campaign = state.campaignOf(tenant, id)
  return campaign === undefined ? null : state.stored(campaign)
}

export function contacts (state: MemoryState, tenant: Tenant, id: number): Contact[] | null {
  return state.campaignOf(tenant, id)?.contacts.map(copyContact) ?? null
}

export function contactPage (state: MemoryState, tenant: Tenant, id: number, query: ContactQuery): PositionedContact[] | null {
  const campaign = state.campaignOf(tenant, id)
  if (campaign === undefined) return null
  // Positions are 1…n in array order, so the page starts right after the cursor.
  const from = Math.max(0, Math.floor(query.after ?? 0))
  return campaign.contacts.slice(from, from + query.limit).map((contact, i) => ({ position: from + i + 1, ...copyContact(contact) }))
}

export function messages (state: MemoryState, tenant: Tenant, id: number, query: MessageQuery): StoredMessage[] | null {
  const campaign = state.campaignOf(tenant, id)
  if (campaign === undefined) return null
  if (query.run !== undefined) {
    const chosen = state.runs.get(query.run)
    // Another campaign's run, even this tenant's, is not one of this campaign's.
    if (chosen?.campaignId !== campaign.id) return null
  }
  const run = query.run === undefined ? state.latestRun(campaign) : state.runs.get(query.run)
  if (run === undefined) return []
  const statuses = query.status === undefined ? null : storedStatuses(query.status)
  const after = query.after ?? 0
  const page: StoredMessage[] = []
  // Positions are 1…n in array order, so the page starts right after the cursor.
  for (let i = Math.max(0, Math.min(Math.floor(after), run.messages.length)); i < run.messages.length && page.length < query.limit; i++) {
    const message = run.messages[i]
    if (message.position > after && (statuses === null || statuses.includes(message.status))) page.push(toStoredMessage(message))
  }
  return page
}

export function runs (state: MemoryState, tenant: Tenant, id: number): StoredRunHistory | null {
  const campaign = state.campaignOf(tenant, id)
  if (campaign === undefined) return null
  return { runs: state.runsOf(campaign).map(storedCampaignRun), readAt: new Date() }
}

export function update (state: MemoryState, tenant: Tenant, id: number, changes: CampaignChanges, allowed: readonly CampaignStatus[]): Guarded<StoredCampaign> {
  const campaign = state.guard(tenant, id, allowed)
  if ('ok' in campaign) return campaign
  if (changes.name !== undefined) campaign.name = changes.name
  if (changes.templateName !== undefined) campaign.templateName = changes.templateName
  if (changes.language !== undefined) campaign.language = changes.language
  if (changes.parameters !== undefined) campaign.parameters = [...changes.parameters]
  if (changes.contacts !== undefined) campaign.contacts = changes.contacts.map(copyContact)
  if (changes.scheduledAt !== undefined) schedule(campaign, changes.scheduledAt)
  campaign.updatedAt = new Date()
  return { ok: true, value: state.stored(campaign) }
}

/** A time schedules the campaign, null unschedules it; one with a run under way keeps the status its run gives it. */
function schedule (campaign: CampaignRecord, at: Date | null): void {
  campaign.scheduledAt = at === null ? null : new Date(at)
  if (campaign.status === 'running' || campaign.status === 'paused') return
  if (at !== null) campaign.status = 'scheduled'
  else if (campaign.status === 'scheduled') campaign.status = 'draft'
}

export function remove (state: MemoryState, tenant: Tenant, id: number, allowed: readonly CampaignStatus[]): Guarded<null> {
  const campaign = state.guard(tenant, id, allowed)
  if ('ok' in campaign) return campaign
  state.removeRuns(id)
  state.campaigns.delete(id)
  return { ok: true, value: null }
}
