/**
 * What the memory adapter keeps, and the lookups and shapes every part of it shares. Values are
 * copied in and out: a caller can never change what is stored by mutating an argument or a result.
 */
import type { CampaignStatus, MessageError, RunError } from '../../schemas/campaign.js'
import type { OptOutSource, OtherWebhookEvent, Refusal, RunPlan, RunRecipients, RunRef, RunStatus, StatusReport, StoredCampaign, StoredCampaignRun, StoredContact, StoredMessage, StoredRun, Tenant } from '../types.js'
import { optedOut, type StoredMessageStatus } from '../codes.js'
import type { RateSamples } from '../rate-samples.js'
import type { Timeline } from '../pacing.js'

export interface CampaignRecord {
  id: number
  tenant: Tenant
  name: string
  templateName: string
  language: string
  parameters: string[]
  status: CampaignStatus
  scheduledAt: Date | null
  contacts: StoredContact[]
  latestRunId: number | null
  createdAt: Date
  updatedAt: Date
}

export interface RunRecord {
  id: number
  tenant: Tenant
  campaignId: number
  status: RunStatus
  recipients: RunRecipients
  templateName: string
  language: string
  parameters: string[]
  successCount: number
  failedCount: number
  deliveredCount: number
  readCount: number
  repliedCount: number
  skippedCount: number
  /** The phone number id it sends from, when known. */
  sender: string | null
  /** Why the run failed, or why it was paused. */
  error: RunError | null
  messages: MessageRecord[]
  /** Every message before this index is final: claims and progress start their scan here. */
  unsettledFrom: number
  startedAt: Date
  /** When it completed, failed or was cancelled. */
  finishedAt: Date | null
  rate: RateSamples
  /** Each claim's mark, by the end of its lease (ms): the id its worker may have sent up to (RunQueue.markIssued). */
  marks: Map<number, number>
}

export interface MessageRecord {
  id: number
  runId: number
  position: number
  phone: string
  name: string | null
  parameters: string[] | null
  status: StoredMessageStatus
  wamid: string | null
  attempts: number
  pairRateRetries: number
  /** Epoch ms; -Infinity until a retry sets a time. */
  nextAttemptAt: number
  /** Epoch ms; kept after the outcome is recorded: when the send was claimed, for a doubt's neighbours. */
  leaseUntil: number | null
  error: MessageError | null
  sentAt: Date | null
  deliveredAt: Date | null
  readAt: Date | null
  repliedAt: Date | null
  /** When the first status webhook about it came. */
  witnessedAt: Date | null
  /** How often a send in doubt went back to pending for want of a witness (at most mostDoubtResends). */
  doubtResends: number
  updatedAt: Date
}

/** A phone on a tenant's opt-out list. */
export interface OptOutRecord {
  source: OptOutSource
  createdAt: Date
}

export class MemoryState {
  readonly campaigns = new Map<number, CampaignRecord>()
  /** Each tenant's opt-out list, by phone. */
  readonly optOuts = new Map<Tenant, Map<string, OptOutRecord>>()
  readonly runs = new Map<number, RunRecord>()
  readonly messagesById = new Map<number, MessageRecord>()
  /** Send timelines by sending number (not by tenant, as in PostgreSQL). */
  readonly timelines = new Map<string, Timeline>()
  /** Messages Meta accepted, by wamid (unique, as in PostgreSQL). */
  readonly messagesByWamid = new Map<string, MessageRecord>()
  /** Statuses whose wamid no message has yet, merged per wamid. */
  readonly earlyStatuses = new Map<string, { report: StatusReport, receivedAt: Date }>()
  readonly webhookEvents: Array<OtherWebhookEvent & { receivedAt: Date }> = []
  lastCampaignId = 0
  lastRunId = 0
  lastMessageId = 0

  campaignOf (tenant: Tenant, id: number): CampaignRecord | undefined {
    const campaign = this.campaigns.get(id)
    return campaign?.tenant === tenant ? campaign : undefined
  }

  isOptedOut (tenant: Tenant, phone: string): boolean {
    return this.optOuts.get(tenant)?.has(phone) ?? false
  }

  /** A message the run never sends: its phone is on the tenant's opt-out list. */
  skip (run: RunRecord, message: MessageRecord): void {
    message.status = 'skipped'
    message.error = { ...optedOut }
    message.leaseUntil = null
    message.updatedAt = new Date()
    run.skippedCount++
  }

  runOf (ref: RunRef): RunRecord | undefined {
    const run = this.runs.get(ref.runId)
    return run?.tenant === ref.tenant ? run : undefined
  }

  latestRun (campaign: CampaignRecord): RunRecord | undefined {
    return campaign.latestRunId === null ? undefined : this.runs.get(campaign.latestRunId)
  }

  /** The campaign's latest run if it is under way (running or paused). */
  activeRun (campaign: CampaignRecord): RunRecord | undefined {
    const run = this.latestRun(campaign)
    return run !== undefined && isActive(run) ? run : undefined
  }

  /** The campaign when it is this tenant's and in an allowed status, else why not. */
  guard (tenant: Tenant, id: number, allowed: readonly CampaignStatus[]): CampaignRecord | Refusal {
    const campaign = this.campaignOf(tenant, id)
    if (campaign === undefined) return { ok: false, reason: 'not_found' }
    return allowed.includes(campaign.status) ? campaign : { ok: false, reason: 'status', status: campaign.status }
  }

  stored (campaign: CampaignRecord): StoredCampaign {
    const run = this.latestRun(campaign)
    return {
      id: campaign.id,
      name: campaign.name,
      templateName: campaign.templateName,
      language: campaign.language,
      parameters: [...campaign.parameters],
      status: campaign.status,
      contactCount: campaign.contacts.length,
      scheduledAt: campaign.scheduledAt === null ? null : new Date(campaign.scheduledAt),
      createdAt: new Date(campaign.createdAt),
      updatedAt: new Date(campaign.updatedAt),
      latestRun: run === undefined ? null : storedRun(run),
      readAt: new Date()
    }
  }

  plan (run: RunRecord): RunPlan {
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
  * unsettled (run: RunRecord): Generator<MessageRecord> {
    while (run.unsettledFrom < run.messages.length && !isOpen(run.messages[run.unsettledFrom])) run.unsettledFrom++
    for (let i = run.unsettledFrom; i < run.messages.length; i++) yield run.messages[i]
  }

  fail (run: RunRecord, message: MessageRecord, error: MessageError): void {
    message.status = 'failed'
    message.error = { ...error }
    message.leaseUntil = null
    message.updatedAt = new Date()
    run.failedCount++
  }

  /** The campaign's runs, newest first. */
  runsOf (campaign: CampaignRecord): RunRecord[] {
    return [...this.runs.values()].filter(run => run.campaignId === campaign.id).sort((a, b) => b.id - a.id)
  }

  removeRuns (campaignId: number): void {
    for (const run of this.runs.values()) {
      if (run.campaignId !== campaignId) continue
      for (const message of run.messages) {
        this.messagesById.delete(message.id)
        if (message.wamid !== null) this.messagesByWamid.delete(message.wamid)
      }
      this.runs.delete(run.id)
    }
  }
}

export function isActive (run: RunRecord): boolean {
  return run.status === 'running' || run.status === 'paused'
}

export function isUnsettled (message: MessageRecord): boolean {
  return message.status === 'pending' || message.status === 'sending'
}

/** Not final yet: unsettled, or in doubt (which may go back to pending). */
function isOpen (message: MessageRecord): boolean {
  return isUnsettled(message) || message.status === 'doubt'
}

function copyDate (date: Date | null): Date | null {
  return date === null ? null : new Date(date)
}

export function copyContact (contact: StoredContact): StoredContact {
  // undefined as SQL would store it: null.
  return { phone: contact.phone, name: contact.name ?? null, parameters: contact.parameters == null ? null : [...contact.parameters] }
}

export function toStoredMessage (message: MessageRecord): StoredMessage {
  return {
    position: message.position,
    phone: message.phone,
    name: message.name,
    status: message.status,
    messageId: message.wamid,
    error: message.error === null ? null : { ...message.error },
    attempts: message.attempts,
    sentAt: copyDate(message.sentAt),
    deliveredAt: copyDate(message.deliveredAt),
    readAt: copyDate(message.readAt),
    repliedAt: copyDate(message.repliedAt),
    updatedAt: new Date(message.updatedAt)
  }
}

export function storedCampaignRun (run: RunRecord): StoredCampaignRun {
  return {
    ...storedRun(run),
    id: run.id,
    recipients: run.recipients,
    templateName: run.templateName,
    language: run.language
  }
}

function storedRun (run: RunRecord): StoredRun {
  return {
    status: run.status,
    totalCount: run.messages.length,
    successCount: run.successCount,
    failedCount: run.failedCount,
    deliveredCount: run.deliveredCount,
    readCount: run.readCount,
    repliedCount: run.repliedCount,
    skippedCount: run.skippedCount,
    error: run.error === null ? null : { ...run.error },
    startedAt: new Date(run.startedAt),
    finishedAt: run.finishedAt === null ? null : new Date(run.finishedAt),
    rate: {
      older: { at: new Date(run.rate.older.at), settled: run.rate.older.settled },
      newer: { at: new Date(run.rate.newer.at), settled: run.rate.newer.settled }
    }
  }
}
