import { TypeCompiler } from '@sinclair/typebox/compiler'
import type { ErrorCode } from '../schemas/campaign.js'
import type { DeliveryReports, InboundMessage, PreferenceChange, StatusReport } from '../store/types.js'
import { emptyReports } from '../webhooks/merge-reports.js'
import { displayDigits, isQualityUpdate, qualityPauseOf, type QualityPause } from '../webhooks/quality-signals.js'
import { mergeReports } from '../store/status-rules.js'
import { decodeCallbackData } from './callback-data.js'
import { graphErrorCode } from './errors.js'
import type { KeywordReader } from './keywords.js'
import {
  WebhookError,
  WebhookMessage,
  WebhookMetadata,
  WebhookPreference,
  WebhookStatus,
  type UnixSeconds
} from '../schemas/webhook-body.js'

/** What a body held that the plugin does not act on, by kind: counted so the logs can tell. */
export interface IgnoredCounts {
  /** Without an id or a valid timestamp, or of a status not tracked (`played`). */
  statuses: number
  /** Without a phone (`from`) or a valid timestamp, Meta's `system` notices, or under no phone number id. */
  messages: number
  /** Without a phone, a known value or a valid timestamp, or under no phone number id. */
  preferences: number
  /** Meta's system-level errors (`value.errors[]`): nothing to store, something for the logs. */
  systemErrors: number
  /** Changes without a field, or a `messages` change whose value is not an object. */
  changes: number
}

export interface SystemError {
  code: ErrorCode | null
  title: string
}

export interface ParsedWebhook {
  /** False when the body is about another object than a WhatsApp Business Account: nothing is read from it. */
  whatsapp: boolean
  reports: DeliveryReports
  ignored: IgnoredCounts
  systemErrors: SystemError[]
  /** The numbers the body named by both forms (from `metadata`): display digits and phone number id. */
  numbers: Array<{ displayPhoneNumber: string, phoneNumberId: string }>
  /** Quality updates that pause the runs sending from their number. */
  qualityPauses: QualityPause[]
}

/** A signed body whose frame is wrong (not an object, `entry` or `changes` not arrays): the sender has a bug. */
export type ParseResult = { ok: true, webhook: ParsedWebhook } | { ok: false, reason: string }

const isStatus = TypeCompiler.Compile(WebhookStatus)
const isMessage = TypeCompiler.Compile(WebhookMessage)
const isPreference = TypeCompiler.Compile(WebhookPreference)
const isError = TypeCompiler.Compile(WebhookError)
const isMetadata = TypeCompiler.Compile(WebhookMetadata)

const failedWithoutReason = { code: 'UNKNOWN_FAILURE', title: 'Meta reported the message failed without saying why' }

function isRecord (value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function dateOf (seconds: UnixSeconds): Date {
  return new Date(Number(seconds) * 1000)
}

/** Meta's codes are integers; one written as digits is the same code. */
function codeOf (code: number | string | undefined): ErrorCode | null {
  if (code === undefined) return null
  return typeof code === 'string' && /^\d{1,15}$/.test(code) ? Number(code) : code
}

/** The first error of a status or a value: its code, and its title (else its message, else Meta's title for the code). */
function errorOf (error: unknown): { code: ErrorCode | null, title: string } | null {
  if (!isError.Check(error)) return null
  const code = codeOf(error.code)
  const title = error.title ?? error.message ?? (typeof code === 'number' ? graphErrorCode(code)?.title : undefined)
  return { code, title: title ?? failedWithoutReason.title }
}

function statusReport (status: WebhookStatus): StatusReport {
  const at = dateOf(status.timestamp)
  const report: StatusReport = { wamid: status.id, origin: decodeCallbackData(status.biz_opaque_callback_data), sentAt: null, deliveredAt: null, readAt: null, failed: null }
  if (status.status === 'sent') report.sentAt = at
  else if (status.status === 'delivered') report.deliveredAt = at
  else if (status.status === 'read') report.readAt = at
  else {
    const error = errorOf(status.errors?.[0])
    report.failed = { at, code: error?.code ?? failedWithoutReason.code, title: error?.title ?? failedWithoutReason.title }
  }
  return report
}

/** The words of a message a keyword can be in: what was typed, or the button tapped (its label, then its payload). */
function keywordOf (message: WebhookMessage, readKeyword: KeywordReader): InboundMessage['keyword'] {
  switch (message.type) {
    case 'text': return readKeyword(message.text?.body)
    case 'button': return readKeyword(message.button?.text) ?? readKeyword(message.button?.payload)
    case 'interactive': return readKeyword(message.interactive?.button_reply?.title ?? message.interactive?.list_reply?.title)
    default: return null
  }
}

const digits = (phone: string): string => phone.replace(/^\+/, '')

/** A list of the frame that may be absent (none), or null when it is there and not a list. */
function listOf (value: unknown): unknown[] | null {
  if (value === undefined) return []
  return Array.isArray(value) ? value : null
}

/** Items of a list that may be absent; a present one that is not a list is one ignored item. */
function itemsOf (value: unknown): { items: unknown[], malformed: number } {
  if (value === undefined || value === null) return { items: [], malformed: 0 }
  return Array.isArray(value) ? { items: value, malformed: 0 } : { items: [], malformed: 1 }
}

class Reader {
  readonly statuses: StatusReport[] = []
  readonly reports: DeliveryReports = emptyReports()
  readonly ignored: IgnoredCounts = { statuses: 0, messages: 0, preferences: 0, systemErrors: 0, changes: 0 }
  readonly systemErrors: SystemError[] = []
  readonly numbers: ParsedWebhook['numbers'] = []
  readonly qualityPauses: QualityPause[] = []

  constructor (private readonly readKeyword: KeywordReader) {}

  change (change: Record<string, unknown>, accountId: string | null): void {
    const { field, value } = change
    if (typeof field !== 'string' || field === '') {
      this.ignored.changes++
      return
    }
    if (field !== 'messages' && field !== 'user_preferences') {
      // Kept as it came, for the host to read (template status updates among them); routed by the WABA
      // id. A change without a value (absent or null) carries nothing to keep.
      if (value === undefined || value === null) this.ignored.changes++
      else this.reports.other.push({ field, accountId, value })
      if (field === 'phone_number_quality_update' && isQualityUpdate.Check(value)) {
        const pause = qualityPauseOf(value)
        if (pause !== null) this.qualityPauses.push(pause)
      }
      return
    }
    if (!isRecord(value)) {
      this.ignored.changes++
      return
    }
    const phoneNumberId = isMetadata.Check(value.metadata) ? value.metadata.phone_number_id : null
    const display = (value.metadata as { display_phone_number?: unknown } | undefined)?.display_phone_number
    if (phoneNumberId !== null && typeof display === 'string') this.numbers.push({ displayPhoneNumber: displayDigits(display), phoneNumberId })
    this.readStatuses(value.statuses)
    this.readMessages(value.messages, phoneNumberId)
    this.readPreferences(value.user_preferences, phoneNumberId)
    this.readSystemErrors(value.errors)
  }

  private readStatuses (value: unknown): void {
    const { items, malformed } = itemsOf(value)
    this.ignored.statuses += malformed
    for (const status of items) {
      if (isStatus.Check(status)) this.statuses.push(statusReport(status))
      else this.ignored.statuses++
    }
  }

  private readMessages (value: unknown, phoneNumberId: string | null): void {
    const { items, malformed } = itemsOf(value)
    this.ignored.messages += malformed
    for (const message of items) {
      // A `system` message is Meta's notice (a number changed), not something the recipient said.
      if (phoneNumberId === null || !isMessage.Check(message) || message.type === 'system') {
        this.ignored.messages++
        continue
      }
      const replyTo = message.context?.id
      this.reports.inbound.push({
        from: digits(message.from),
        phoneNumberId,
        at: dateOf(message.timestamp),
        replyTo: replyTo === undefined || replyTo === '' ? null : replyTo,
        keyword: keywordOf(message, this.readKeyword)
      })
    }
  }

  private readPreferences (value: unknown, phoneNumberId: string | null): void {
    const { items, malformed } = itemsOf(value)
    this.ignored.preferences += malformed
    for (const preference of items) {
      if (phoneNumberId === null || !isPreference.Check(preference)) {
        this.ignored.preferences++
        continue
      }
      const change: PreferenceChange = { phone: digits(preference.wa_id), phoneNumberId, value: preference.value, at: dateOf(preference.timestamp) }
      this.reports.preferences.push(change)
    }
  }

  private readSystemErrors (value: unknown): void {
    const { items, malformed } = itemsOf(value)
    this.ignored.systemErrors += malformed + items.length
    for (const error of items) this.systemErrors.push(errorOf(error) ?? { code: null, title: failedWithoutReason.title })
  }
}

/**
 * A parsed webhook body as the store's reports, tolerant of what real traffic holds: the frame must
 * be right (`entry` and `changes` arrays of objects), but a malformed item inside is ignored and
 * counted, never a reason to refuse the rest. Test payloads (entry id "0", ids without `wamid.`) are
 * read like any other: they just match nothing.
 */
export function parseWebhookBody (body: unknown, readKeyword: KeywordReader): ParseResult {
  if (!isRecord(body)) return { ok: false, reason: 'The body must be a JSON object' }
  const reader = new Reader(readKeyword)
  const done = (whatsapp: boolean): ParseResult => {
    reader.reports.statuses = mergeReports(reader.statuses)
    return { ok: true, webhook: { whatsapp, reports: reader.reports, ignored: reader.ignored, systemErrors: reader.systemErrors, numbers: reader.numbers, qualityPauses: reader.qualityPauses } }
  }
  // Webhooks of a Page or an Instagram account sent to this URL by mistake: acknowledged, not read.
  if (body.object !== 'whatsapp_business_account') return done(false)

  const entries = listOf(body.entry)
  if (entries === null) return { ok: false, reason: '"entry" must be an array' }
  for (const [i, item] of entries.entries()) {
    if (!isRecord(item)) return { ok: false, reason: `entry[${i}] must be an object` }
    const changes = listOf(item.changes)
    if (changes === null) return { ok: false, reason: `entry[${i}].changes must be an array` }
    // WABA ids have 15 to 17 digits: kept as text, never as a number that may lose some.
    const accountId = typeof item.id === 'string' ? item.id : typeof item.id === 'number' ? String(item.id) : null
    for (const [j, change] of changes.entries()) {
      if (!isRecord(change)) return { ok: false, reason: `entry[${i}].changes[${j}] must be an object` }
      reader.change(change, accountId)
    }
  }
  return done(true)
}
