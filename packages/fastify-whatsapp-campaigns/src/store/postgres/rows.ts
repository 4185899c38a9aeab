/**
 * Rows as SQL gives them back, and their mapping to the contract's shapes. pg and PGlite differ
 * (pg: int8 and numeric as strings; a host may even install its own type parsers), so every value is
 * converted explicitly rather than trusted.
 */
import type { CampaignStatus, CampaignSummary, Contact } from '../../schemas/campaign.js'
import type { ClaimedMessage, RunPlan, StoredMessage } from '../types.js'
import { decodeCode, publicMessageStatus } from '../codes.js'

export interface SummaryRow {
  id: number
  name: string
  template_name: string
  language: string
  parameters: string[]
  status: CampaignStatus
  total_count: number
  success_count: number
  failed_count: number
  run_status: string | null
  error_code: string | null
  error_title: string | null
  error_message: string | null
  created_at: Date | string
  updated_at: Date | string
}

export interface ContactRow {
  phone: string
  name: string | null
  parameters: string[] | null
}

export interface MessageRow {
  position: number
  phone: string
  name: string | null
  status: string
  wamid: string | null
  error_code: string | null
  error_title: string | null
  attempts: number
  updated_at: Date | string
}

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
  id: number | string
  position: number
  phone: string
  name: string | null
  parameters: string[] | null
  attempts: number
}

/** The campaign columns of a summary, its counters from the latest run. */
export const summarySelect = `
  SELECT c.id, c.name, c.template_name, c.language, c.parameters, c.status,
         COALESCE(r.total_count, c.contact_count)::int AS total_count,
         COALESCE(r.success_count, 0)::int AS success_count,
         COALESCE(r.failed_count, 0)::int AS failed_count,
         r.status AS run_status, r.error_code, r.error_title, r.error_message,
         c.created_at, c.updated_at
    FROM campaigns c
    LEFT JOIN campaign_runs r ON r.id = c.latest_run_id AND r.tenant = c.tenant`

export function toSummary (row: SummaryRow): CampaignSummary {
  const summary: CampaignSummary = {
    id: Number(row.id),
    name: row.name,
    templateName: row.template_name,
    language: row.language,
    parameters: row.parameters,
    status: row.status,
    totalCount: Number(row.total_count),
    successCount: Number(row.success_count),
    failedCount: Number(row.failed_count),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at)
  }
  if (row.run_status === 'failed' && row.error_code !== null) {
    summary.error = { code: decodeCode(row.error_code), title: row.error_title ?? '', message: row.error_message ?? '' }
  }
  return summary
}

export function toContact (row: ContactRow): Contact {
  return { phone: row.phone, name: row.name, parameters: row.parameters }
}

export function toMessage (row: MessageRow): StoredMessage {
  const message: StoredMessage = {
    position: Number(row.position),
    phone: row.phone,
    name: row.name,
    status: publicMessageStatus(row.status),
    messageId: row.wamid,
    attempts: Number(row.attempts),
    updatedAt: toIso(row.updated_at)
  }
  if (row.error_code !== null) message.error = { code: decodeCode(row.error_code), title: row.error_title ?? '' }
  return message
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
    id: Number(row.id),
    phone: row.phone,
    name: row.name,
    parameters: row.parameters,
    attempts: Number(row.attempts)
  }
}

export function toIso (value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString()
}

export function toDate (value: Date | string | null): Date | null {
  if (value === null) return null
  return value instanceof Date ? value : new Date(value)
}
