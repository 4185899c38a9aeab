/**
 * Rows as SQL gives them back, and their mapping to the contract's shapes. pg and PGlite differ
 * (pg: int8 and numeric as strings; a host may even install its own type parsers), so every value is
 * converted explicitly rather than trusted.
 */
import type { CampaignStatus, Contact } from '../../schemas/campaign.js'
import type { ClaimedMessage, RunPlan, RunRecipients, RunStatus, StoredCampaign, StoredCampaignRun, StoredMessage, StoredRun } from '../types.js'
import { decodeCode, type StoredMessageStatus } from '../codes.js'

export interface SummaryRow {
  id: number
  name: string
  template_name: string
  language: string
  parameters: string[]
  status: CampaignStatus
  contact_count: number
  total_count: number | null
  success_count: number | null
  failed_count: number | null
  delivered_count: number | null
  read_count: number | null
  replied_count: number | null
  skipped_count: number | null
  scheduled_at: Date | string | null
  run_status: RunStatus | null
  error_code: string | null
  error_title: string | null
  error_message: string | null
  started_at: Date | string | null
  finished_at: Date | string | null
  rate_older_at: Date | string | null
  rate_older_settled: number | null
  rate_newer_at: Date | string | null
  rate_newer_settled: number | null
  /** The database's clock, which the rate samples were taken on. */
  now: Date | string
  created_at: Date | string
  updated_at: Date | string
}

/** A run's counters, error and samples, named as in the summary (which joins the latest run). */
type RunFigureRow = Pick<SummaryRow,
  'run_status' | 'total_count' | 'success_count' | 'failed_count' | 'delivered_count' | 'read_count' | 'replied_count' | 'skipped_count' | 'error_code' | 'error_title' | 'error_message' |
  'started_at' | 'finished_at' | 'rate_older_at' | 'rate_older_settled' | 'rate_newer_at' | 'rate_newer_settled'>

export interface CampaignRunRow extends RunFigureRow {
  id: number
  recipients: RunRecipients
  template_name: string
  language: string
  /** The database's clock, which the rate samples were taken on. */
  now: Date | string
}

/** A campaign's runs with the figures of each, in the summary's names ($1 tenant, $2 campaign id). */
export const campaignRunsSelect = `
  SELECT r.id, r.recipients, r.template_name, r.language, r.status AS run_status,
         r.total_count, r.success_count, r.failed_count, r.delivered_count, r.read_count, r.replied_count, r.skipped_count, r.error_code, r.error_title, r.error_message,
         r.started_at, r.finished_at, r.rate_older_at, r.rate_older_settled, r.rate_newer_at, r.rate_newer_settled, now() AS now
    FROM campaign_runs r
   WHERE r.tenant = $1 AND r.campaign_id = $2`

export interface ContactRow {
  phone: string
  name: string | null
  parameters: string[] | null
}

export interface MessageRow {
  position: number
  phone: string
  name: string | null
  status: StoredMessageStatus
  wamid: string | null
  error_code: string | null
  error_title: string | null
  attempts: number
  sent_at: Date | string | null
  delivered_at: Date | string | null
  read_at: Date | string | null
  replied_at: Date | string | null
  updated_at: Date | string
}

/** The columns of a MessageRow. */
export const messageColumns = 'position, phone, name, status, wamid, error_code, error_title, attempts, sent_at, delivered_at, read_at, replied_at, updated_at'

/** What RETURNING or SELECT gives for a RunPlanRow. */
export const runPlanColumns = 'tenant, campaign_id, id, template_name, language, parameters, total_count'

export interface RunPlanRow {
  tenant: string
  campaign_id: number
  id: number
  template_name: string
  language: string
  parameters: string[]
  total_count: number
}

export interface ClaimedRow {
  position: number
  phone: string
  name: string | null
  parameters: string[] | null
  attempts: number
  pair_rate_retries: number
}

/** The campaign's columns and its latest run's counters and samples, from the run's row alone. */
export const summarySelect = `
  SELECT c.id, c.name, c.template_name, c.language, c.parameters, c.status, c.scheduled_at, c.contact_count,
         r.total_count, r.success_count, r.failed_count, r.delivered_count, r.read_count, r.replied_count, r.skipped_count, r.status AS run_status, r.error_code, r.error_title, r.error_message,
         r.started_at, r.finished_at, r.rate_older_at, r.rate_older_settled, r.rate_newer_at, r.rate_newer_settled, now() AS now,
         c.created_at, c.updated_at
    FROM campaigns c
    LEFT JOIN campaign_runs r ON r.id = c.latest_run_id AND r.tenant = c.tenant`

export function toStoredCampaign (row: SummaryRow): StoredCampaign {
  return {
    id: Number(row.id),
    name: row.name,
    templateName: row.template_name,
    language: row.language,
    parameters: row.parameters,
    status: row.status,
    contactCount: Number(row.contact_count),
    scheduledAt: toDate(row.scheduled_at),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
    latestRun: row.run_status === null ? null : toStoredRun(row),
    readAt: toDate(row.now)
  }
}

export function toStoredCampaignRun (row: CampaignRunRow): StoredCampaignRun {
  return {
    ...toStoredRun(row),
    id: Number(row.id),
    recipients: row.recipients,
    templateName: row.template_name,
    language: row.language
  }
}

/** A run's counters and samples (the row has a run). */
function toStoredRun (row: RunFigureRow): StoredRun {
  return {
    status: row.run_status!,
    totalCount: Number(row.total_count),
    successCount: Number(row.success_count),
    failedCount: Number(row.failed_count),
    deliveredCount: Number(row.delivered_count),
    readCount: Number(row.read_count),
    repliedCount: Number(row.replied_count),
    skippedCount: Number(row.skipped_count),
    // The error columns hold why the run failed, or why it was paused.
    error: row.error_code === null ? null : { code: decodeCode(row.error_code), title: row.error_title ?? '', message: row.error_message ?? '' },
    startedAt: toDate(row.started_at!),
    finishedAt: toDate(row.finished_at),
    rate: {
      older: { at: toDate(row.rate_older_at!), settled: Number(row.rate_older_settled) },
      newer: { at: toDate(row.rate_newer_at!), settled: Number(row.rate_newer_settled) }
    }
  }
}

export function toContact (row: ContactRow): Contact {
  return { phone: row.phone, name: row.name, parameters: row.parameters }
}

export function toMessage (row: MessageRow): StoredMessage {
  return {
    position: Number(row.position),
    phone: row.phone,
    name: row.name,
    status: row.status,
    messageId: row.wamid,
    error: row.error_code === null ? null : { code: decodeCode(row.error_code), title: row.error_title ?? '' },
    attempts: Number(row.attempts),
    sentAt: toDate(row.sent_at),
    deliveredAt: toDate(row.delivered_at),
    readAt: toDate(row.read_at),
    repliedAt: toDate(row.replied_at),
    updatedAt: toDate(row.updated_at)
  }
}

export function toRunPlan (row: RunPlanRow): RunPlan {
  return {
    tenant: row.tenant,
    campaignId: Number(row.campaign_id),
    runId: Number(row.id),
    templateName: row.template_name,
    language: row.language,
    parameters: row.parameters,
    totalCount: Number(row.total_count)
  }
}

export function toClaimed (row: ClaimedRow): ClaimedMessage {
  return {
    id: Number(row.position),
    phone: row.phone,
    name: row.name,
    parameters: row.parameters,
    attempts: Number(row.attempts),
    pairRateRetries: Number(row.pair_rate_retries)
  }
}

export function toDate (value: Date | string): Date
export function toDate (value: Date | string | null): Date | null
export function toDate (value: Date | string | null): Date | null {
  if (value === null) return null
  return value instanceof Date ? value : new Date(value)
}
