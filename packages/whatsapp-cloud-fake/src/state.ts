import { STATUS_CODES } from 'node:http'
import { performance } from 'node:perf_hooks'
import { FailurePlan } from './failures.js'
import { graphError, type GraphErrorSpec } from './graph-error.js'
import { wamidFactory } from './ids.js'
import { RequestLog, type LogEntry } from './log.js'
import { digitsOf, resolveOptions, type CloudApiFakeOptions, type Failure, type ResolvedOptions, type TemplateStatus } from './options.js'
import { checkTemplate, listableTemplates, listedTemplate, templateIdOf } from './templates.js'
import { ThroughputWindows } from './throughput.js'
import { checkTemplateSend, type TemplateSend } from './validate.js'
import { WebhookEmitter } from './webhook-emitter.js'
import { NumberQualities } from './phone-numbers.js'

/** What the HTTP layer hands over: nothing of Fastify, so the rules can be read (and run) on their own. */
export interface IncomingSend {
  phoneNumberId: string
  authorization: string | undefined
  /** Graph also takes the token as `?access_token=`. */
  accessTokenParam: string | undefined
  rawBody: string | undefined
  /** The request's headers, for `arrivalHeader`. */
  headers?: Record<string, string | string[] | undefined>
}

/** A `GET /{waba-id}/message_templates` as the HTTP layer hands it over. */
export interface IncomingTemplateList {
  businessAccountId: string
  authorization: string | undefined
  accessTokenParam: string | undefined
  query: Record<string, string | undefined>
  /** Builds the `paging.next` URL from the query of the next page. */
  nextUrl: (query: Record<string, string>) => string
}

/** What the HTTP layer must do, after waiting `delayMs`. */
export type Answer =
  | { kind: 'send', http: number, contentType: string, body: string, delayMs: number }
  /** Destroy the socket without answering. */
  | { kind: 'reset', delayMs: number }
  /** Never answer; drop the connection when the fake closes. */
  | { kind: 'timeout', delayMs: number }

export const JSON_TYPE = 'application/json; charset=UTF-8'
const NOT_JSON = Symbol('not JSON')
const BEARER = /^(?:Bearer|OAuth)\s+(\S+)\s*$/i

/**
 * The fake's rules in the order Meta applies them: token, phone number id, throughput, request shape,
 * templates, then injected failures. Every decision is taken synchronously on arrival and logged then,
 * so the log is in arrival order whatever the latency.
 */
export class CloudApiFakeState {
  readonly requests: RequestLog
  readonly webhooks = new WebhookEmitter()
  /** Each phone number's tier, quality rating and throughput level (GET /{phone-number-id}). */
  readonly numbers: NumberQualities
  #raw: CloudApiFakeOptions
  #options: ResolvedOptions
  #windows: ThroughputWindows
  readonly #plan = new FailurePlan()
  readonly #wamid = wamidFactory()

  constructor (options: CloudApiFakeOptions = {}) {
    this.#raw = { ...options }
    this.#options = resolveOptions(this.#raw)
    this.#windows = new ThroughputWindows(this.#options.messagesPerSecond)
    this.requests = new RequestLog(this.#options.keepLog)
    this.webhooks.configure(this.#options.webhooks, this.#options.keepLog)
    this.numbers = new NumberQualities(options.numbers)
  }

  get options (): Readonly<CloudApiFakeOptions> {
    return this.#raw
  }

  /** The token Graph takes and the known number ids (undefined: any), for the routes that read an account. */
  get access (): { accessToken: string, phoneNumberIds: ReadonlySet<string> | undefined } {
    return { accessToken: this.#options.accessToken, phoneNumberIds: this.#options.phoneNumberIds }
  }

  /** Changes behaviour from the next request on; the log and attempt counts stay. */
  setOptions (partial: Partial<CloudApiFakeOptions>): void {
    const raw = { ...this.#raw, ...partial }
    const resolved = resolveOptions(raw)
    if (resolved.messagesPerSecond !== this.#options.messagesPerSecond) {
      this.#windows = new ThroughputWindows(resolved.messagesPerSecond)
    }
    this.#raw = raw
    this.#options = resolved
    this.requests.keep = resolved.keepLog
    this.webhooks.configure(resolved.webhooks, resolved.keepLog)
    if ('numbers' in partial) this.numbers.configure(partial.numbers)
  }

  /** Clears the log, the acceptance counts, the attempt counts and the throughput windows. */
  reset (): void {
    this.requests.reset()
    this.webhooks.clearLog()
    this.#plan.reset()
    this.#windows = new ThroughputWindows(this.#options.messagesPerSecond)
  }

  attemptsFor (to: string): number {
    return this.#plan.attemptsFor(digitsOf(to))
  }

  /**
   * Graph's template list of the business account: Meta's item shape, `limit` (default 25) and the
   * `after` cursor, `status` and `name` filters; the token checked as on sends. Without `templates`
   * (a sandbox accepting any name) the list is empty.
   */
  listTemplates (request: IncomingTemplateList): Answer {
    const options = this.#options
    const delayMs = options.latency.min + Math.random() * (options.latency.max - options.latency.min)
    const answer = (http: number, body: string): Answer => ({ kind: 'send', http, contentType: JSON_TYPE, body, delayMs })
    const refuse = (spec: GraphErrorSpec): Answer => {
      const error = graphError(spec, options.httpStatusFor)
      return answer(error.http, error.body)
    }
    const token = BEARER.exec(request.authorization ?? '')?.[1] ?? request.accessTokenParam
    if (token === undefined) return refuse({ code: 190, message: 'An access token is required to request this resource.' })
    if (token !== options.accessToken) return refuse({ code: 190, message: 'Invalid OAuth access token - Cannot parse access token' })
    if (request.businessAccountId !== options.businessAccountId) return refuse(unsupported('get', request.businessAccountId))
    const { limit: limitText, after, status, name } = request.query
    const limit = limitText === undefined ? 25 : Number(limitText)
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return refuse({ code: 100, details: 'Param limit must be an integer from 1 to 1000' })
    const start = after === undefined ? 0 : cursorIndex(after)
    if (start === undefined) return refuse({ code: 100, details: 'Param after is not a valid cursor' })
    const all = listableTemplates(options.templates).filter(t =>
      (status === undefined || (t.status ?? 'APPROVED') === status.toUpperCase()) && (name === undefined || t.name === name))
    const page = all.slice(start, start + limit)
    const body: Record<string, unknown> = { data: page.map(listedTemplate) }
    if (page.length > 0) {
      const paging: Record<string, unknown> = { cursors: { before: cursorOf(start), after: cursorOf(start + page.length - 1) } }
      if (start + page.length < all.length) {
        const query: Record<string, string> = {}
        for (const [key, value] of Object.entries(request.query)) if (value !== undefined && key !== 'after') query[key] = value
        paging.next = request.nextUrl({ ...query, limit: String(limit), after: cursorOf(start + page.length - 1) })
      }
      body.paging = paging
    }
    return answer(200, JSON.stringify(body))
  }

  /**
   * Changes a template's status as Meta's review or quality rating would, from the next request on,
   * and posts its `message_template_status_update` webhook when webhooks are configured.
   */
  setTemplateStatus (name: string, language: string, status: TemplateStatus, reason?: string | null): void {
    const templates = this.#raw.templates ?? []
    const index = templates.findIndex(t => t.name === name && t.language === language)
    if (index === -1) throw new Error(`no template ${name} (${language}) among the fake's templates`)
    const changed = { ...templates[index], status }
    this.setOptions({ templates: templates.map((t, i) => i === index ? changed : t) })
    if (this.#options.webhooks !== undefined) {
      this.webhooks.templateStatus({ id: templateIdOf(changed), name, language, event: status, reason })
    }
  }

  handle (request: IncomingSend): Answer {
    const options = this.#options
    const latency = options.latency
    const delayMs = latency.min + Math.random() * (latency.max - latency.min)
    const body = parseJson(request.rawBody)
    const arrival = arrivalOf(request, options.arrivalHeader)
    const entry: LogEntry = { time: arrival ?? Date.now(), phoneNumberId: request.phoneNumberId, ...peek(body, options.keepLog === true), outcome: 'error', accepted: false }
    const refuse = (spec: GraphErrorSpec): Answer => {
      const answer = graphError(spec, options.httpStatusFor)
      entry.code = spec.code
      entry.http = answer.http
      this.requests.record(entry)
      return { kind: 'send', http: answer.http, contentType: JSON_TYPE, body: answer.body, delayMs }
    }

    const token = BEARER.exec(request.authorization ?? '')?.[1] ?? request.accessTokenParam
    if (token === undefined) return refuse({ code: 190, message: 'An access token is required to request this resource.' })
    if (token !== options.accessToken) return refuse({ code: 190, message: 'Invalid OAuth access token - Cannot parse access token' })
    if (options.phoneNumberIds !== undefined && !options.phoneNumberIds.has(request.phoneNumberId)) {
      return refuse(unsupportedPost(request.phoneNumberId))
    }
    // One clock per window: a front's arrivals (and the wall clock when one lacks it), else our monotonic one.
    if (!this.#windows.admit(request.phoneNumberId, options.arrivalHeader === undefined ? performance.now() : entry.time)) {
      return refuse({ code: 130429, details: 'Cloud API message throughput has been reached.' })
    }
    if (body === NOT_JSON) return refuse({ code: 100, details: 'The request body must be JSON (Content-Type: application/json)' })
    const checked = checkTemplateSend(body)
    if (!checked.ok) return refuse(checked.error)
    const send = checked.send
    const templateError = options.templates && checkTemplate(options.templates, send)
    if (templateError) return refuse(templateError)

    const { attempt, failure } = this.#plan.next(options, send.to)
    entry.attempt = attempt
    if (failure === undefined) {
      const wamid = this.#accept(entry, send)
      entry.outcome = 'accepted'
      entry.http = 200
      this.requests.record(entry)
      return { kind: 'send', http: 200, contentType: JSON_TYPE, body: successBody(send, wamid), delayMs }
    }
    return this.#inject(failure, entry, send, delayMs, refuse)
  }

  #accept (entry: LogEntry, send: TemplateSend): string {
    entry.accepted = true
    entry.wamid = this.#wamid(send.to)
    if (send.callbackData !== undefined) entry.callbackData = send.callbackData
    if (this.#options.webhooks !== undefined) {
      this.webhooks.accepted({ wamid: entry.wamid, to: send.to, phoneNumberId: entry.phoneNumberId, callbackData: send.callbackData })
    }
    return entry.wamid
  }

  #inject (failure: Failure, entry: LogEntry, send: TemplateSend, delayMs: number, refuse: (spec: GraphErrorSpec) => Answer): Answer {
    if ('code' in failure) {
      return refuse({ code: failure.code, http: failure.http, title: failure.title, details: failure.details })
    }
    if ('reset' in failure || 'timeout' in failure) {
      const kind = 'reset' in failure ? 'reset' : 'timeout'
      const when = 'reset' in failure ? failure.reset : failure.timeout
      if (when === 'after') this.#accept(entry, send)
      entry.outcome = kind
      this.requests.record(entry)
      return { kind, delayMs }
    }
    entry.outcome = 'http'
    entry.http = failure.http
    this.requests.record(entry)
    return { kind: 'send', http: failure.http, contentType: 'text/html; charset=utf-8', body: failure.raw ?? bareBody(failure.http), delayMs }
  }
}

function parseJson (raw: string | undefined): unknown {
  if (raw === undefined || raw === '') return NOT_JSON
  try {
    return JSON.parse(raw)
  } catch {
    return NOT_JSON
  }
}

/** The arrival a front wrote in `header` (ms since the epoch), if there is a header to read and it holds one. */
function arrivalOf (request: IncomingSend, header: string | undefined): number | undefined {
  if (header === undefined) return undefined
  const value = Number(request.headers?.[header])
  return Number.isFinite(value) && value > 0 ? value : undefined
}

/**
 * What the log can tell of a request even when it was refused before its checks: its recipient and
 * template, and with `withBody` the body and its components.
 */
function peek (body: unknown, withBody: boolean): Pick<LogEntry, 'to' | 'input' | 'template' | 'language' | 'components' | 'body'> {
  if (body === NOT_JSON) return {}
  if (typeof body !== 'object' || body === null) return withBody ? { body } : {}
  const { to, template } = body as { to?: unknown, template?: { name?: unknown, language?: { code?: unknown }, components?: unknown } }
  return {
    input: typeof to === 'string' ? to : undefined,
    to: typeof to === 'string' ? digitsOf(to) : undefined,
    template: typeof template?.name === 'string' ? template.name : undefined,
    language: typeof template?.language?.code === 'string' ? template.language.code : undefined,
    components: withBody && Array.isArray(template?.components) ? template.components : undefined,
    body: withBody ? body : undefined
  }
}

/** Built by hand: the hot path of a benchmark, and the shape is fixed. */
function successBody (send: TemplateSend, wamid: string): string {
  return '{"messaging_product":"whatsapp","contacts":[{"input":' + JSON.stringify(send.input) +
    ',"wa_id":"' + send.to + '"}],"messages":[{"id":"' + wamid + '","message_status":"accepted"}]}'
}

/** A page cursor: the position of a page's first or last item, opaque as Meta's are. */
function cursorOf (index: number): string {
  return Buffer.from(`i:${index}`).toString('base64url')
}

/** The position after the cursor's, or undefined for a string that is not one of ours. */
function cursorIndex (cursor: string): number | undefined {
  const match = /^i:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString())
  return match === null ? undefined : Number(match[1]) + 1
}

/** Graph's answer for an id that does not exist or is not the token's. */
function unsupportedPost (id: string): GraphErrorSpec {
  return unsupported('post', id)
}

function unsupported (method: 'get' | 'post', id: string): GraphErrorSpec {
  return {
    code: 100,
    subcode: 33,
    type: 'GraphMethodException',
    message: `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`
  }
}

function bareBody (http: number): string {
  return `<html><body><h1>${http} ${STATUS_CODES[http] ?? 'Error'}</h1></body></html>`
}
