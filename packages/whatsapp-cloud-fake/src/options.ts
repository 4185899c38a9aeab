import type { FastifyServerOptions } from 'fastify'
import type { NumberQuality } from './phone-numbers.js'
import { DEFAULT_BUSINESS_ACCOUNT_ID, resolveWebhooks, type ResolvedWebhooks, type WebhookOptions } from './webhook-options.js'

/** A Meta error answered in Graph's shape: `(#code) title`, `error_data.details`, the per-code HTTP status. */
export interface GraphErrorFailure {
  code: number
  /** HTTP status; default: `httpStatusFor`, then the code table, then 400. */
  http?: number
  /** Default: the code table's title. */
  title?: string
  details?: string
}

/**
 * The socket is destroyed without an answer. `'before'` (or `true`): Meta never took the message.
 * `'after'`: Meta accepted it (logged with a wamid, counted by `accepted()`), then the connection died,
 * which is the case that makes a blind resend deliver twice.
 */
export interface ResetFailure {
  reset: true | 'before' | 'after'
}

/** The request is held unanswered until the client gives up or the fake closes; same `'before'`/`'after'` meaning as a reset. */
export interface TimeoutFailure {
  timeout: true | 'before' | 'after'
}

/** A bare 5xx from Meta's front end, with a non-JSON body. */
export interface BareHttpFailure {
  http: number
  /** Default: a small HTML page with the status text, e.g. `503 Service Unavailable`. */
  raw?: string
}

export type Failure = GraphErrorFailure | ResetFailure | TimeoutFailure | BareHttpFailure

/** Picks a failure for the `attempt`-th request (from 1) to recipient `to` (digits); undefined lets it through. */
export type FailureFunction = (to: string, attempt: number) => Failure | undefined

export type TemplateStatus = 'APPROVED' | 'PAUSED' | 'DISABLED' | 'PENDING' | 'REJECTED'

export type TemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION'

/** A component of a template definition, in Graph's upper-case form (`message_templates`). */
export interface TemplateComponent {
  type: 'HEADER' | 'BODY' | 'FOOTER' | 'BUTTONS'
  /** HEADER: TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION. */
  format?: string
  /** HEADER (TEXT), BODY, FOOTER: with `{{1}}` or `{{name}}` variables. */
  text?: string
  example?: Record<string, unknown>
  /** BUTTONS: e.g. `{ type: 'URL', text: 'Track', url: 'https://shop.example/{{1}}' }`. */
  buttons?: Array<{ type: string, text?: string, url?: string, [key: string]: unknown }>
}

export interface TemplateDefinition {
  name: string
  /** Absent: the template is approved in every language (a sandbox that only cares about names); such a template is not listed. */
  language?: string
  /** Default APPROVED. PENDING and REJECTED answer like a missing template (132001), as Meta does. */
  status?: TemplateStatus
  /** How many `{{n}}` the body has; absent: the BODY component's variables if `components` has one, else not checked. */
  bodyParameters?: number
  /** Default MARKETING. */
  category?: TemplateCategory
  /** As listed by `message_templates`; absent: a BODY with `bodyParameters` variables (none when that is absent too). */
  components?: TemplateComponent[]
  /** Graph's id (16 digits); default derived from the name and language. */
  id?: string
}

export interface CloudApiFakeOptions {
  /** The only bearer token accepted. Default `sandbox-token`. */
  accessToken?: string
  /** The WhatsApp Business Account: `GET /{id}/message_templates` and the webhooks' `entry[].id`. Default `102290129340398`. */
  businessAccountId?: string
  /** Known phone number ids; absent: any id is accepted. */
  phoneNumberIds?: string[]
  /** Approved templates; absent: any name and language is accepted (sandbox). */
  templates?: TemplateDefinition[]
  /** Delay before every answer: a fixed number of ms or uniform in [min, max]. */
  latencyMs?: number | { min: number, max: number }
  /** Per phone number id, judged over a sliding second of received requests; absent or 0: unlimited. */
  messagesPerSecond?: number
  /** HTTP status per Meta code, over the built-in table, e.g. `{ 130429: 429 }`. */
  httpStatusFor?: Record<number, number>
  /** By recipient digits: one failure for every attempt, or one per attempt (then success). */
  failures?: Record<string, Failure | Failure[]>
  /** Consulted when `failures` has nothing for the attempt. */
  failure?: FailureFunction
  /**
   * Keep every request in `log` (default true). `'outcomes'` keeps each one's arrival, recipient and
   * outcome but not its body: over a long run the heap stays small, and so do the garbage collector's
   * pauses, during which arrivals wait to be timed. `false` keeps acceptance counts only.
   */
  keepLog?: boolean | 'outcomes'
  /**
   * A request header holding the request's arrival (ms since the epoch), written by a front that
   * timestamps requests as their first bytes come in: the log and the throughput window go by it
   * rather than by the moment the fake's event loop reaches the request. Absent: the fake's own clock.
   */
  arrivalHeader?: string
  /**
   * Each phone number's standing (GET /{phone-number-id}?fields=messaging_limit_tier,quality_rating,throughput),
   * by id; a number not named here, or a field left out, is a new number's: TIER_250, GREEN, STANDARD.
   */
  numbers?: Record<string, Partial<NumberQuality>>
  /** Status webhooks for accepted messages, and inbound ones on demand; absent: none, and the send path does no more work. */
  webhooks?: WebhookOptions
}

export interface StartOptions extends CloudApiFakeOptions {
  /** Default 127.0.0.1. */
  host?: string
  /** Default 0: a free port. */
  port?: number
  /** Fastify's logger; default off, to keep the hot path lean. */
  logger?: FastifyServerOptions['logger']
}

/** Options with defaults applied and lookups prepared once, so a request does no setup work. */
export interface ResolvedOptions {
  accessToken: string
  businessAccountId: string
  phoneNumberIds: Set<string> | undefined
  templates: Map<string, TemplateDefinition> | undefined
  latency: { min: number, max: number }
  messagesPerSecond: number
  httpStatusFor: Record<number, number>
  failures: Map<string, Failure | Failure[]>
  failure: FailureFunction | undefined
  keepLog: boolean | 'outcomes'
  /** Lower-cased, as Node gives header names. */
  arrivalHeader: string | undefined
  webhooks: ResolvedWebhooks | undefined
}

/** `language` undefined: the key of a template approved in every language. */
export function templateKey (name: string, language: string | undefined): string {
  return language === undefined ? name : name + '\u0000' + language
}

export function digitsOf (phone: string): string {
  return phone.replace(/[^\d]/g, '')
}

export function resolveOptions (options: CloudApiFakeOptions): ResolvedOptions {
  const latency = typeof options.latencyMs === 'number'
    ? { min: options.latencyMs, max: options.latencyMs }
    : options.latencyMs ?? { min: 0, max: 0 }
  if (!(latency.min >= 0 && latency.max >= latency.min)) {
    throw new TypeError('latencyMs must be a number >= 0 or { min, max } with 0 <= min <= max')
  }
  const messagesPerSecond = options.messagesPerSecond ?? 0
  if (!(Number.isInteger(messagesPerSecond) && messagesPerSecond >= 0)) {
    throw new TypeError('messagesPerSecond must be an integer >= 0')
  }
  if (options.accessToken !== undefined && options.accessToken === '') {
    throw new TypeError('accessToken must not be empty')
  }
  if (options.businessAccountId !== undefined && !/^\d+$/.test(options.businessAccountId)) {
    throw new TypeError('businessAccountId must be digits')
  }
  const businessAccountId = options.businessAccountId ?? DEFAULT_BUSINESS_ACCOUNT_ID
  return {
    accessToken: options.accessToken ?? 'sandbox-token',
    businessAccountId,
    phoneNumberIds: options.phoneNumberIds ? new Set(options.phoneNumberIds) : undefined,
    templates: options.templates
      ? new Map(options.templates.map(t => [templateKey(t.name, t.language), t]))
      : undefined,
    latency,
    messagesPerSecond,
    httpStatusFor: { ...options.httpStatusFor },
    failures: new Map(Object.entries(options.failures ?? {}).map(([phone, f]) => [digitsOf(phone), f])),
    failure: options.failure,
    keepLog: keepLogOf(options.keepLog),
    arrivalHeader: options.arrivalHeader?.toLowerCase(),
    webhooks: resolveWebhooks(options.webhooks, businessAccountId)
  }
}

function keepLogOf (keepLog: CloudApiFakeOptions['keepLog']): ResolvedOptions['keepLog'] {
  if (keepLog === undefined) return true
  if (keepLog === true || keepLog === false || keepLog === 'outcomes') return keepLog
  throw new TypeError(`keepLog must be true, false or 'outcomes', got ${String(keepLog)}`)
}
