import { ERROR_CODES } from './codes.js'
import { wamidFactory } from './ids.js'
import { metaJson, signatureOf } from './meta-json.js'
import { envelopeOf, recipientOf, type Notice } from './webhook-bodies.js'
import { pick, type ResolvedWebhooks } from './webhook-options.js'

/** One POST of a body to the webhook URL. */
export interface WebhookDelivery {
  /** When the POST started, ms since the epoch. */
  time: number
  /** 1 for a body's first try, then its retries. */
  attempt: number
  /** The status answered; absent when none came (refused, reset, timed out). */
  http?: number
  /** Why no status came. */
  error?: string
  statuses: number
  messages: number
  userPreferences: number
  templateStatuses: number
  /** The exact bytes posted (only while the fake keeps its full log). */
  body?: string
}

/** What the send path hands over for each accepted message. */
export interface AcceptedMessage {
  wamid: string
  to: string
  phoneNumberId: string
  callbackData?: string
}

export interface InboundText {
  from: string
  phoneNumberId: string
  text: string
  /** `contacts[].profile.name`; default `WhatsApp User`. */
  name?: string
}

export interface InboundButton {
  from: string
  phoneNumberId: string
  button: { payload: string, text: string }
  /** The wamid of the template the tap answers. */
  context?: string
  name?: string
}

/** A template's new status, as `message_template_status_update` tells it (the status is in `event`). */
export interface TemplateStatusUpdate {
  /** Graph's template id (digits), posted as a number as Meta does. */
  id: string
  name: string
  language: string
  event: string
  /** Default `NONE`. */
  reason?: string | null
}

export interface UserPreference {
  waId: string
  phoneNumberId: string
  value: 'stop' | 'resume'
  name?: string
}

interface Body {
  notices: Notice[]
  text: string
  firstTry: number
  attempt: number
}

const secondsOf = (ms: number): string => String(Math.floor(ms / 1000))

/**
 * Posts status webhooks for accepted messages, and inbound notifications on demand, as Meta does:
 * batched, signed, retried with growing delays, optionally duplicated and out of order. Every timer
 * and request it starts is tracked so that `close()` leaves nothing behind.
 */
export class WebhookEmitter {
  #config: ResolvedWebhooks | undefined
  #keepLog: boolean | 'outcomes' = true
  deliveries: WebhookDelivery[] = []
  #pending = 0
  #idle: Array<() => void> = []
  #timers = new Set<NodeJS.Timeout>()
  #ready: Notice[] = []
  #batchTimer: NodeJS.Timeout | undefined
  #outbox: Body[] = []
  #inFlight = new Set<AbortController>()
  #closed = false
  readonly #inboundId = wamidFactory()

  configure (config: ResolvedWebhooks | undefined, keepLog: boolean | 'outcomes'): void {
    this.#keepLog = keepLog
    if (config === undefined && this.#config !== undefined) this.#drop()
    this.#config = config
  }

  /** Notifications not yet delivered with a 200 nor given up. */
  pending (): number {
    return this.#pending
  }

  /** Resolves once nothing is pending (at once when nothing is, or after close). */
  idle (): Promise<void> {
    if (this.#pending === 0) return Promise.resolve()
    return new Promise(resolve => this.#idle.push(resolve))
  }

  /** Plans the statuses of one accepted message: `sent`, then delivered/read or failed. */
  accepted (message: AcceptedMessage): void {
    const config = this.#config
    if (config === undefined || this.#closed) return
    const recipient = recipientOf(message.to, config)
    const status = (name: string, at: number, extra: Record<string, unknown> = {}): Notice => {
      const item: Record<string, unknown> = { id: message.wamid, status: name, timestamp: secondsOf(at) }
      if (!recipient.withheld) item.recipient_id = message.to
      if (recipient.userId !== undefined) item.recipient_user_id = recipient.userId
      Object.assign(item, extra)
      if (message.callbackData !== undefined) item.biz_opaque_callback_data = message.callbackData
      const notice: Notice = { kind: 'statuses', phoneNumberId: message.phoneNumberId, item, due: at }
      if (recipient.userId !== undefined && name !== 'failed') {
        notice.contactKey = message.to
        notice.contact = recipient.withheld ? { user_id: recipient.userId } : { wa_id: message.to, user_id: recipient.userId }
      }
      return notice
    }
    const sentAt = Date.now() + pick(config.sentDelay)
    const chain: Notice[] = [status('sent', sentAt)]
    const failure = config.failedAfterSent.get(message.to)
    if (failure !== undefined) {
      const title = failure.title ?? ERROR_CODES[failure.code]?.title ?? 'Unknown error'
      chain.push(status('failed', sentAt + pick(config.delivered.delay), {
        errors: [{ code: failure.code, title, message: failure.message ?? title, error_data: { details: failure.details ?? title } }]
      }))
    } else if (Math.random() < config.delivered.share) {
      const deliveredAt = sentAt + pick(config.delivered.delay)
      const read = Math.random() < config.read.share
      const pricing = config.pricing ? { pricing: { billable: true, pricing_model: 'PMP', category: 'marketing', type: 'regular' } } : {}
      const skipDelivered = read && Math.random() < config.readWithoutDelivered
      if (!skipDelivered) chain.push(status('delivered', deliveredAt, pricing))
      if (read) chain.push(status('read', deliveredAt + pick(config.read.delay), skipDelivered ? pricing : {}))
    }
    if (config.reorder) {
      // Meta's order is not the events' order: post times are dealt out to the statuses at random.
      const times = chain.map(notice => notice.due)
      chain.sort(() => Math.random() - 0.5).forEach((notice, i) => { notice.due = times[i] })
      for (const notice of chain) this.#schedule(notice)
    } else {
      for (let i = 0; i + 1 < chain.length; i++) chain[i].next = chain[i + 1]
      this.#schedule(chain[0])
    }
  }

  /** A text or a quick-reply tap from a user; answers the inbound message's id. */
  inbound (message: InboundText | InboundButton): string {
    const config = this.#configured()
    const recipient = recipientOf(message.from, config)
    const id = this.#inboundId(message.from)
    const item: Record<string, unknown> = {}
    if ('button' in message && message.context !== undefined) {
      item.context = { from: config.displayPhoneNumber(message.phoneNumberId), id: message.context }
    }
    Object.assign(item, { from: message.from, id, timestamp: secondsOf(Date.now()) })
    if (recipient.userId !== undefined) item.from_user_id = recipient.userId
    if ('button' in message) Object.assign(item, { type: 'button', button: { payload: message.button.payload, text: message.button.text } })
    else Object.assign(item, { type: 'text', text: { body: message.text } })
    this.#schedule({
      kind: 'messages',
      phoneNumberId: message.phoneNumberId,
      item,
      contactKey: message.from,
      contact: contactOf(message.from, message.name, recipient.userId),
      due: Date.now()
    })
    return id
  }

  /** The user stopped or resumed marketing messages through WhatsApp itself. */
  userPreference (preference: UserPreference): void {
    const config = this.#configured()
    const recipient = recipientOf(preference.waId, config)
    this.#schedule({
      kind: 'user_preferences',
      phoneNumberId: preference.phoneNumberId,
      item: {
        wa_id: preference.waId,
        detail: `User requested to ${preference.value} marketing messages`,
        category: 'marketing_messages',
        value: preference.value,
        timestamp: Math.floor(Date.now() / 1000)
      },
      contactKey: preference.waId,
      contact: contactOf(preference.waId, preference.name, recipient.userId),
      due: Date.now()
    })
  }

  /** A template's status changed (Meta reviewed it, paused it for quality, approved it again). */
  templateStatus (update: TemplateStatusUpdate): void {
    this.#configured()
    this.#schedule({
      kind: 'template_status',
      phoneNumberId: '',
      item: {
        event: update.event,
        message_template_id: Number(update.id),
        message_template_name: update.name,
        message_template_language: update.language,
        reason: update.reason === undefined ? 'NONE' : update.reason
      },
      due: Date.now()
    })
  }

  /** Stops for good: timers cleared, requests aborted, nothing posted any more. */
  close (): void {
    this.#closed = true
    this.#drop()
  }

  #configured (): ResolvedWebhooks {
    if (this.#closed) throw new Error('the fake is closed')
    if (this.#config === undefined) throw new Error('webhooks are not configured (options.webhooks)')
    return this.#config
  }

  #drop (): void {
    for (const timer of this.#timers) clearTimeout(timer)
    this.#timers.clear()
    if (this.#batchTimer !== undefined) clearTimeout(this.#batchTimer)
    this.#batchTimer = undefined
    for (const controller of this.#inFlight) controller.abort()
    this.#inFlight.clear()
    this.#ready = []
    this.#outbox = []
    this.#pending = 0
    this.#wake()
  }

  #wake (): void {
    if (this.#pending !== 0) return
    const waiting = this.#idle
    this.#idle = []
    for (const resolve of waiting) resolve()
  }

  #later (ms: number, run: () => void): void {
    const timer = setTimeout(() => { this.#timers.delete(timer); run() }, Math.max(0, ms))
    this.#timers.add(timer)
  }

  #schedule (notice: Notice): void {
    this.#pending++
    this.#later(notice.due - Date.now(), () => { this.#ready.push(notice); this.#batch() })
  }

  #batch (): void {
    const config = this.#config
    if (config === undefined) return
    while (this.#ready.length >= config.maxStatuses) this.#cut(this.#ready.splice(0, config.maxStatuses))
    if (this.#ready.length === 0 || this.#batchTimer !== undefined) return
    this.#batchTimer = setTimeout(() => {
      this.#batchTimer = undefined
      if (this.#ready.length > 0) this.#cut(this.#ready.splice(0))
    }, config.maxWaitMs)
  }

  #cut (notices: Notice[]): void {
    const config = this.#config
    if (config === undefined) return
    this.#outbox.push({ notices, text: metaJson(envelopeOf(notices, config, config.reorder)), firstTry: Date.now(), attempt: 0 })
    this.#pump()
  }

  #pump (): void {
    const config = this.#config
    if (config === undefined || this.#closed) return
    while (this.#inFlight.size < config.concurrency && this.#outbox.length > 0) {
      void this.#post(this.#outbox.shift() as Body, config)
    }
  }

  async #post (body: Body, config: ResolvedWebhooks): Promise<void> {
    body.attempt++
    const controller = new AbortController()
    this.#inFlight.add(controller)
    const timeout = setTimeout(() => controller.abort(new Error(`no answer within ${config.timeoutMs} ms`)), config.timeoutMs)
    const delivery: WebhookDelivery = { time: Date.now(), attempt: body.attempt, statuses: 0, messages: 0, userPreferences: 0, templateStatuses: 0 }
    for (const notice of body.notices) {
      if (notice.kind === 'statuses') delivery.statuses++
      else if (notice.kind === 'messages') delivery.messages++
      else if (notice.kind === 'template_status') delivery.templateStatuses++
      else delivery.userPreferences++
    }
    if (this.#keepLog === true) delivery.body = body.text
    try {
      const response = await fetch(config.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureOf(body.text, config.appSecret), 'user-agent': 'facebookexternalua' },
        body: body.text,
        signal: controller.signal
      })
      delivery.http = response.status
      await response.arrayBuffer()
    } catch (error) {
      const cause = (error as { cause?: { code?: string, message?: string } }).cause
      delivery.error = cause?.code ?? cause?.message ?? (error as Error).message
    } finally {
      clearTimeout(timeout)
      this.#inFlight.delete(controller)
    }
    if (this.#closed || this.#config === undefined) return
    if (this.#keepLog !== false) this.deliveries.push(delivery)
    if (delivery.http === 200) {
      this.#done(body.notices, true)
    } else {
      // At once, then doubling delays: Meta's "immediately, then with decreasing frequency".
      const delay = body.attempt === 1 ? 0 : Math.min(config.retry.maxDelayMs, config.retry.firstDelayMs * 2 ** (body.attempt - 2))
      if (Date.now() + delay - body.firstTry > config.retry.giveUpAfterMs) this.#done(body.notices, false)
      else this.#later(delay, () => { this.#outbox.unshift(body); this.#pump() })
    }
    this.#pump()
  }

  #done (notices: Notice[], delivered: boolean): void {
    const config = this.#config
    for (const notice of notices) {
      if (notice.next !== undefined) {
        notice.next.due = Math.max(notice.next.due, Date.now())
        this.#schedule(notice.next)
      }
      if (delivered && config !== undefined && notice.copy !== true && Math.random() < config.duplicates) {
        this.#schedule({ ...notice, next: undefined, copy: true, due: Date.now() + Math.random() * 200 })
      }
    }
    this.#pending -= notices.length
    this.#wake()
  }

  /** Forget the deliveries logged so far. */
  clearLog (): void {
    this.deliveries = []
  }
}

function contactOf (waId: string, name: string | undefined, userId: string | undefined): Record<string, unknown> {
  const contact: Record<string, unknown> = { profile: { name: name ?? 'WhatsApp User' }, wa_id: waId }
  if (userId !== undefined) contact.user_id = userId
  return contact
}
