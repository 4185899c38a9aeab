import { digitsOf } from './options.js'

/** A fixed number of ms, or uniform in [min, max]. */
export type DelayMs = number | { min: number, max: number }

/** The error a `failed` status carries (`errors[0]`); title and message default to the code table's title. */
export interface StatusError {
  code: number
  title?: string
  message?: string
  details?: string
}

/** How the fake posts webhooks, as Meta does to an app subscribed to the business account. */
export interface WebhookOptions {
  /** Where bodies are POSTed. */
  url: string
  /** Signs every body: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(body, appSecret)>`. */
  appSecret: string
  /** `entry[].id`, the WABA id. Default: the fake's `businessAccountId` (`102290129340398`). */
  businessAccountId?: string
  /** `metadata.display_phone_number`: one for every phone number id, or per id; default `1555` and the id's last 7 digits. */
  displayPhoneNumber?: string | Record<string, string>
  /** From acceptance to `sent` (default 50–300 ms). */
  sentDelayMs?: DelayMs
  /** `share` of accepted messages delivered (default 1), `delayMs` after `sent` (default 0–300 ms). */
  delivered?: { share?: number, delayMs?: DelayMs }
  /** `share` of delivered messages read (default 0.5), `delayMs` after `delivered` (default 100–1,000 ms). */
  read?: { share?: number, delayMs?: DelayMs }
  /** Share of read messages whose `delivered` is never posted (Meta does this); default 0. */
  readWithoutDelivered?: number
  /** By recipient: `failed` with this error follows `sent` (after the delivered delay), instead of delivered and read. */
  failedAfterSent?: Record<string, StatusError>
  /** Share of notifications posted a second time, after the first was delivered (default 0). */
  duplicates?: number
  /** Statuses of a body in random order, and a message's statuses may be posted out of order (default false). */
  reorder?: boolean
  /** Notifications due together share a body: at most `maxStatuses` (default 100; Meta: 1,000), waiting at most `maxWaitMs` (default 0) for more. */
  batch?: { maxStatuses?: number, maxWaitMs?: number }
  /** A body not answered 200 is retried at once, then after `firstDelayMs` (default 50), doubling up to `maxDelayMs` (default 1,000), until `giveUpAfterMs` from its first try (default 30,000; Meta: 7 days). */
  retry?: { firstDelayMs?: number, maxDelayMs?: number, giveUpAfterMs?: number }
  /** A POST not answered within this is a failure (default 10,000 ms). */
  timeoutMs?: number
  /** Bodies in flight at once (default 4). A message's next status waits for its previous one's 200 unless `reorder`. */
  concurrency?: number
  /**
   * Business-scoped user ids as Meta adds them from April 2026: `recipient_user_id: "US.<digits>"` on
   * statuses, `contacts[{wa_id, user_id}]` beside them (none on `failed`), `from_user_id` on inbound. With
   * `phoneWithheld` (default 0.2), that share of recipients get no `recipient_id` or `wa_id`.
   */
  businessScopedIds?: boolean | { phoneWithheld?: number }
  /** `pricing` (PMP, marketing, regular) on the first of delivered/read posted (default false). */
  pricing?: boolean
}

export interface Range {
  min: number
  max: number
}

export interface ResolvedWebhooks {
  url: string
  appSecret: string
  businessAccountId: string
  displayPhoneNumber: (phoneNumberId: string) => string
  sentDelay: Range
  delivered: { share: number, delay: Range }
  read: { share: number, delay: Range }
  readWithoutDelivered: number
  failedAfterSent: Map<string, StatusError>
  duplicates: number
  reorder: boolean
  maxStatuses: number
  maxWaitMs: number
  retry: { firstDelayMs: number, maxDelayMs: number, giveUpAfterMs: number }
  timeoutMs: number
  concurrency: number
  /** Share of recipients whose phone is withheld; undefined: no business-scoped ids. */
  phoneWithheld: number | undefined
  pricing: boolean
}

export const DEFAULT_BUSINESS_ACCOUNT_ID = '102290129340398'

export function pick (range: Range): number {
  return range.min + Math.random() * (range.max - range.min)
}

function rangeOf (name: string, delay: DelayMs | undefined, fallback: Range): Range {
  const range = delay === undefined ? fallback : typeof delay === 'number' ? { min: delay, max: delay } : delay
  if (!(range.min >= 0 && range.max >= range.min)) throw new TypeError(`webhooks.${name} must be a number >= 0 or { min, max } with 0 <= min <= max`)
  return range
}

function shareOf (name: string, share: number | undefined, fallback: number): number {
  const value = share ?? fallback
  if (!(value >= 0 && value <= 1)) throw new TypeError(`webhooks.${name} must be a share between 0 and 1`)
  return value
}

function positive (name: string, value: number | undefined, fallback: number, min = 0): number {
  const result = value ?? fallback
  if (!(Number.isFinite(result) && result >= min)) throw new TypeError(`webhooks.${name} must be a number >= ${min}`)
  return result
}

export function resolveWebhooks (options: WebhookOptions | undefined, businessAccountId = DEFAULT_BUSINESS_ACCOUNT_ID): ResolvedWebhooks | undefined {
  if (options === undefined) return undefined
  if (typeof options.url !== 'string' || !URL.canParse(options.url)) throw new TypeError('webhooks.url must be an absolute URL')
  if (typeof options.appSecret !== 'string' || options.appSecret === '') throw new TypeError('webhooks.appSecret must not be empty')
  const display = options.displayPhoneNumber
  const scoped = options.businessScopedIds
  return {
    url: options.url,
    appSecret: options.appSecret,
    businessAccountId: options.businessAccountId ?? businessAccountId,
    displayPhoneNumber: typeof display === 'string'
      ? () => display
      : id => display?.[id] ?? '1555' + digitsOf(id).slice(-7).padStart(7, '0'),
    sentDelay: rangeOf('sentDelayMs', options.sentDelayMs, { min: 50, max: 300 }),
    delivered: {
      share: shareOf('delivered.share', options.delivered?.share, 1),
      delay: rangeOf('delivered.delayMs', options.delivered?.delayMs, { min: 0, max: 300 })
    },
    read: {
      share: shareOf('read.share', options.read?.share, 0.5),
      delay: rangeOf('read.delayMs', options.read?.delayMs, { min: 100, max: 1000 })
    },
    readWithoutDelivered: shareOf('readWithoutDelivered', options.readWithoutDelivered, 0),
    failedAfterSent: new Map(Object.entries(options.failedAfterSent ?? {}).map(([phone, error]) => [digitsOf(phone), error])),
    duplicates: shareOf('duplicates', options.duplicates, 0),
    reorder: options.reorder ?? false,
    maxStatuses: positive('batch.maxStatuses', options.batch?.maxStatuses, 100, 1),
    maxWaitMs: positive('batch.maxWaitMs', options.batch?.maxWaitMs, 0),
    retry: {
      firstDelayMs: positive('retry.firstDelayMs', options.retry?.firstDelayMs, 50),
      maxDelayMs: positive('retry.maxDelayMs', options.retry?.maxDelayMs, 1000),
      giveUpAfterMs: positive('retry.giveUpAfterMs', options.retry?.giveUpAfterMs, 30_000)
    },
    timeoutMs: positive('timeoutMs', options.timeoutMs, 10_000, 1),
    concurrency: positive('concurrency', options.concurrency, 4, 1),
    phoneWithheld: scoped === undefined || scoped === false
      ? undefined
      : shareOf('businessScopedIds.phoneWithheld', scoped === true ? undefined : scoped.phoneWithheld, 0.2),
    pricing: options.pricing ?? false
  }
}
