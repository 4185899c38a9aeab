/**
 * The in-memory reference adapter: the semantics every store must have, with nothing in the way.
 * Each method does all its work synchronously before its promise settles, so every call is atomic
 * against every other, as a transaction would make it. Values are copied in and out: a caller can
 * never change what is stored by mutating an argument or a result.
 */
import type { CampaignStatus, CampaignSummary, Contact, MessageError, RunError } from '../schemas/campaign.js'
import type {
  CampaignChanges, CampaignStore, ClaimedMessage, Guarded, ListQuery, MessageOutcome, MessageQuery,
  NewCampaign, RunPlan, RunProgress, RunRef, StoredContact, StoredMessage, Tenant
} from './types.js'
import { notSent, publicMessageStatus, storedStatuses, unknownOutcome, type StoredMessageStatus } from './codes.js'

interface CampaignRecord {
  id: number
  tenant: Tenant
  name: string
  templateName: string
  language: string
  parameters: string[]
  status: CampaignStatus
  contacts: StoredContact[]
  latestRunId: number | null
  createdAt: Date
  updatedAt: Date
}

interface RunRecord {
  id: number
  tenant: Tenant
  campaignId: number
  status: 'running' | 'completed' | 'failed'
  templateName: string
  language: string
  parameters: string[]
  successCount: number
  failedCount: number
  error: RunError | null
  messages: MessageRecord[]
  /** Every message before this index is final: claims and progress start their scan here. */
  unsettledFrom: number
}

interface MessageRecord {
  id: number
  runId: number
  position: number
  phone: string
  name: string | null
  parameters: string[] | null
  status: StoredMessageStatus
  wamid: string | null
  attempts: number
  /** Epoch ms; -Infinity until a retry sets a time. */
  nextAttemptAt: number
  leaseUntil: number | null
  error: MessageError | null
  updatedAt: Date
}

type Refusal = { ok: false, reason: 'not_found' } | { ok: false, reason: 'status', status: CampaignStatus }

export function memoryStore (): CampaignStore {
  const campaigns = new Map<number, CampaignRecord>()
  const runs = new Map<number, RunRecord>()
  const messagesById = new Map<number, MessageRecord>()
  let lastCampaignId = 0
  let lastRunId = 0
  let lastMessageId = 0

  function campaignOf (tenant: Tenant, id: number): CampaignRecord | undefined {
    const campaign = campaigns.get(id)
    return campaign?.tenant === tenant ? campaign : undefined
  }

  function runOf (ref: RunRef): RunRecord | undefined {
    const run = runs.get(ref.runId)
    return run?.tenant === ref.tenant ? run : undefined
  }

  function refusal (tenant: Tenant, id: number): Refusal {
    const campaign = campaignOf(tenant, id)
    return campaign === undefined ? { ok: false, reason: 'not_found' } : { ok: false, reason: 'status', status: campaign.status }
  }

  function summary (campaign: CampaignRecord): CampaignSummary {
    const run = campaign.latestRunId === null ? undefined : runs.get(campaign.latestRunId)
    const result: CampaignSummary = {
      id: campaign.id,
      name: campaign.name,
      templateName: campaign.templateName,
      language: campaign.language,
      parameters: [...campaign.parameters],
      status: campaign.status,
      totalCount: run === undefined ? campaign.contacts.length : run.messages.length,
      successCount: run?.successCount ?? 0,
      failedCount: run?.failedCount ?? 0,
      createdAt: campaign.createdAt.toISOString(),
      updatedAt: campaign.updatedAt.toISOString()
    }
    if (run?.status === 'failed' && run.error !== null) result.error = { ...run.error }
    return result
  }

  function plan (run: RunRecord): RunPlan {
    return {
      tenant: run.tenant,
      campaignId: run.campaignId,
      runId: run.id,
      templateName: run.templateName,
      language: run.language,
      parameters: [...run.parameters],
      totalCount: run.messages.length
    }
  }

  /** The messages from the first one not final yet (later ones may be final too). */
  function * unsettled (run: RunRecord): Generator<MessageRecord> {
    while (run.unsettledFrom < run.messages.length && !isUnsettled(run.messages[run.unsettledFrom])) run.unsettledFrom++
    for (let i = run.unsettledFrom; i < run.messages.length; i++) yield run.messages[i]
  }

  function fail (run: RunRecord, message: MessageRecord, error: MessageError): void {
    message.status = 'failed'
    message.error = { ...error }
    message.leaseUntil = null
    message.updatedAt = new Date()
    run.failedCount++
  }

  function removeRuns (campaignId: number): void {
    for (const run of runs.values()) {
      if (run.campaignId !== campaignId) continue
      for (const message of run.messages) messagesById.delete(message.id)
      runs.delete(run.id)
    }
  }

  return {
    async create (tenant: Tenant, campaign: NewCampaign): Promise<CampaignSummary> {
      const now = new Date()
      const record: CampaignRecord = {
        id: ++lastCampaignId,
        tenant,
        name: campaign.name,
        templateName: campaign.templateName,
        language: campaign.language,
        parameters: [...campaign.parameters],
        status: 'draft',
        contacts: campaign.contacts.map(copyContact),
        latestRunId: null,
        createdAt: now,
        updatedAt: now
      }
      campaigns.set(record.id, record)
      return summary(record)
    },

    async list (tenant: Tenant, query: ListQuery): Promise<{ items: CampaignSummary[], total: number }> {
      const matches = [...campaigns.values()]
        .filter(c => c.tenant === tenant && (query.status === undefined || c.status === query.status))
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id)
      return { items: matches.slice(query.offset, query.offset + query.limit).map(summary), total: matches.length }
    },

    async get (tenant: Tenant, id: number): Promise<CampaignSummary | null> {
      const campaign = campaignOf(tenant, id)
      return campaign === undefined ? null : summary(campaign)
    },

    async contacts (tenant: Tenant, id: number): Promise<Contact[] | null> {
      return campaignOf(tenant, id)?.contacts.map(copyContact) ?? null
    },

    async messages (tenant: Tenant, id: number, query: MessageQuery): Promise<StoredMessage[] | null> {
      const campaign = campaignOf(tenant, id)
      if (campaign === undefined) return null
      const run = campaign.latestRunId === null ? undefined : runs.get(campaign.latestRunId)
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
    },

    async update (tenant: Tenant, id: number, changes: CampaignChanges, allowed: readonly CampaignStatus[]): Promise<Guarded<CampaignSummary>> {
      const campaign = campaignOf(tenant, id)
      if (campaign === undefined || !allowed.includes(campaign.status)) return refusal(tenant, id)
      if (changes.name !== undefined) campaign.name = changes.name
      if (changes.templateName !== undefined) campaign.templateName = changes.templateName
      if (changes.language !== undefined) campaign.language = changes.language
      if (changes.parameters !== undefined) campaign.parameters = [...changes.parameters]
      if (changes.contacts !== undefined) campaign.contacts = changes.contacts.map(copyContact)
      campaign.updatedAt = new Date()
      return { ok: true, value: summary(campaign) }
    },

    async delete (tenant: Tenant, id: number, allowed: readonly CampaignStatus[]): Promise<Guarded<null>> {
      const campaign = campaignOf(tenant, id)
      if (campaign === undefined || !allowed.includes(campaign.status)) return refusal(tenant, id)
      removeRuns(id)
      campaigns.delete(id)
      return { ok: true, value: null }
    },

    async startRun (tenant: Tenant, id: number, allowed: readonly CampaignStatus[]): Promise<Guarded<RunPlan>> {
      const campaign = campaignOf(tenant, id)
      if (campaign === undefined || !allowed.includes(campaign.status)) return refusal(tenant, id)
      // One run of a campaign at a time, even when the caller would allow starting from 'running'.
      if ([...runs.values()].some(r => r.campaignId === id && r.status === 'running')) return { ok: false, reason: 'status', status: 'running' }
      const now = new Date()
      const run: RunRecord = {
        id: ++lastRunId,
        tenant,
        campaignId: id,
        status: 'running',
        templateName: campaign.templateName,
        language: campaign.language,
        parameters: [...campaign.parameters],
        successCount: 0,
        failedCount: 0,
        error: null,
        messages: [],
        unsettledFrom: 0
      }
      run.messages = campaign.contacts.map((contact, i) => ({
        id: ++lastMessageId,
        runId: run.id,
        position: i + 1,
        phone: contact.phone,
        name: contact.name,
        parameters: contact.parameters === null ? null : [...contact.parameters],
        status: 'pending',
        wamid: null,
        attempts: 0,
        nextAttemptAt: -Infinity,
        leaseUntil: null,
        error: null,
        updatedAt: now
      }))
      for (const message of run.messages) messagesById.set(message.id, message)
      runs.set(run.id, run)
      campaign.status = 'running'
      campaign.latestRunId = run.id
      campaign.updatedAt = now
      return { ok: true, value: plan(run) }
    },

    async activeRuns (): Promise<RunPlan[]> {
      return [...runs.values()].filter(r => r.status === 'running').sort((a, b) => a.id - b.id).map(plan)
    },

    async claim (ref: RunRef, limit: number, leaseUntil: Date): Promise<ClaimedMessage[]> {
      const run = runOf(ref)
      if (run === undefined) return []
      const now = Date.now()
      const claimed: ClaimedMessage[] = []
      for (const message of unsettled(run)) {
        if (claimed.length >= limit) break
        if (message.status !== 'pending' || message.nextAttemptAt > now) continue
        message.status = 'sending'
        message.leaseUntil = leaseUntil.getTime()
        message.attempts++
        message.updatedAt = new Date()
        claimed.push({
          id: message.id,
          phone: message.phone,
          name: message.name,
          parameters: message.parameters === null ? null : [...message.parameters],
          attempts: message.attempts
        })
      }
      return claimed
    },

    async record (ref: RunRef, outcomes: MessageOutcome[]): Promise<void> {
      const run = runOf(ref)
      if (run === undefined) return
      for (const outcome of outcomes) {
        const message = messagesById.get(outcome.id)
        // Only a row still `sending` moves: recording twice, or after its lease ran out, changes nothing.
        if (message === undefined || message.runId !== run.id || message.status !== 'sending') continue
        message.leaseUntil = null
        message.updatedAt = new Date()
        if (outcome.status === 'sent') {
          message.status = 'sent'
          message.wamid = outcome.messageId
          message.error = null
          run.successCount++
        } else if (outcome.status === 'failed') {
          fail(run, message, { code: outcome.code, title: outcome.title })
        } else {
          message.status = 'pending'
          message.error = { code: outcome.code, title: outcome.title }
          message.nextAttemptAt = outcome.notBefore.getTime()
        }
      }
    },

    async failExpiredLeases (ref: RunRef, now: Date): Promise<number> {
      const run = runOf(ref)
      if (run === undefined) return 0
      let count = 0
      for (const message of unsettled(run)) {
        if (message.status === 'sending' && message.leaseUntil !== null && message.leaseUntil < now.getTime()) {
          fail(run, message, unknownOutcome)
          count++
        }
      }
      return count
    },

    async progress (ref: RunRef, now: Date): Promise<RunProgress> {
      const result: RunProgress = { pending: 0, due: 0, sending: 0, nextDueAt: null }
      const run = runOf(ref)
      if (run === undefined) return result
      let nextDue = Infinity
      for (const message of unsettled(run)) {
        if (message.status === 'sending') result.sending++
        if (message.status !== 'pending') continue
        result.pending++
        if (message.nextAttemptAt <= now.getTime()) result.due++
        else nextDue = Math.min(nextDue, message.nextAttemptAt)
      }
      if (nextDue !== Infinity) result.nextDueAt = new Date(nextDue)
      return result
    },

    async finishRun (ref: RunRef, outcome: { status: 'completed' } | { status: 'failed', error: RunError }): Promise<void> {
      const run = runOf(ref)
      if (run === undefined || run.status !== 'running') return
      const error = outcome.status === 'failed' ? { ...outcome.error } : null
      // What is left pending was never sent (the run's reason); what is left sending may have been.
      const leftover = error === null ? notSent : { code: error.code, title: error.title }
      for (const message of unsettled(run)) {
        if (isUnsettled(message)) fail(run, message, message.status === 'sending' ? unknownOutcome : leftover)
      }
      run.status = outcome.status
      run.error = error
      const campaign = campaigns.get(run.campaignId)
      if (campaign !== undefined && campaign.latestRunId === run.id) {
        campaign.status = outcome.status
        campaign.updatedAt = new Date()
      }
    },

    async close (): Promise<void> {}
  }
}

function isUnsettled (message: MessageRecord): boolean {
  return message.status === 'pending' || message.status === 'sending'
}

function copyContact (contact: StoredContact): StoredContact {
  // undefined as SQL would store it: null.
  return { phone: contact.phone, name: contact.name ?? null, parameters: contact.parameters == null ? null : [...contact.parameters] }
}

function toStoredMessage (message: MessageRecord): StoredMessage {
  const result: StoredMessage = {
    position: message.position,
    phone: message.phone,
    name: message.name,
    status: publicMessageStatus(message.status),
    messageId: message.wamid,
    attempts: message.attempts,
    updatedAt: message.updatedAt.toISOString()
  }
  if (message.error !== null) result.error = { ...message.error }
  return result
}
