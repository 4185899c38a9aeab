import Fastify, { type FastifyInstance } from 'fastify'
import type { LogEntry } from './log.js'
import type { CloudApiFakeOptions, StartOptions, TemplateStatus } from './options.js'
import { cloudApiFakeRoutes } from './routes.js'
import type { NumberQuality } from './phone-numbers.js'
import { CloudApiFakeState } from './state.js'
import { DEFAULT_BUSINESS_ACCOUNT_ID } from './webhook-options.js'
import type { InboundButton, InboundText, UserPreference, WebhookDelivery } from './webhook-emitter.js'

/** The webhooks the fake posts (`options.webhooks`). */
export interface FakeWebhooks {
  /** An inbound text or quick-reply tap; answers its message id. Throws when webhooks are off. */
  inbound (message: InboundText | InboundButton): string
  /** A marketing stop/resume from WhatsApp's own setting. Throws when webhooks are off. */
  userPreference (preference: UserPreference): void
  /** Resolves once every notification due was delivered with a 200 or given up. */
  idle (): Promise<void>
  /** Every POST made, in order (bodies only with `keepLog: true`; none with `keepLog: false`). */
  readonly deliveries: readonly WebhookDelivery[]
  /** Notifications not yet delivered nor given up. */
  pending (): number
}

export interface CloudApiFake {
  /** Origin, e.g. `http://127.0.0.1:41234`. */
  readonly url: string
  /** `${url}/v23.0`: what a client takes as its Graph base URL. */
  readonly apiUrl: string
  readonly app: FastifyInstance
  readonly state: CloudApiFakeState
  /** Requests received, in arrival order (empty when `keepLog` is false). */
  readonly log: readonly LogEntry[]
  /** Messages accepted (Meta would deliver them), in all. */
  accepted (): number
  /** Messages accepted for one recipient (`+` and separators ignored). */
  acceptedFor (to: string): number
  /** Recipients accepted more than once. */
  duplicates (): string[]
  /** Requests for a recipient that passed the checks (what failure injection counts). */
  attemptsFor (to: string): number
  /** Clears the log, the counts and the throughput windows; options stay. */
  reset (): void
  setOptions (partial: Partial<CloudApiFakeOptions>): void
  /** Changes a number's tier, quality rating or throughput level from the next request on; answers its standing now. */
  setNumberQuality (phoneNumberId: string, changes: Partial<NumberQuality>): NumberQuality
  /** A template's status changes (from the next request on), and its status webhook is posted when webhooks are on. */
  setTemplateStatus (name: string, language: string, status: TemplateStatus, reason?: string | null): void
  /** The WhatsApp Business Account id the fake serves templates under. */
  readonly businessAccountId: string
  readonly webhooks: FakeWebhooks
  /** Also stops the webhooks: nothing is posted after it. */
  close (): Promise<void>
}

/** The fake as a Fastify instance, not listening: for `inject()` or to listen yourself. */
export function buildCloudApiFake (options: StartOptions = {}): { app: FastifyInstance, state: CloudApiFakeState } {
  const { host: _host, port: _port, logger, ...fakeOptions } = options
  const state = new CloudApiFakeState(fakeOptions)
  const app = Fastify({ logger: logger ?? false })
  app.register(cloudApiFakeRoutes, { state })
  return { app, state }
}

export async function startCloudApiFake (options: StartOptions = {}): Promise<CloudApiFake> {
  const { app, state } = buildCloudApiFake(options)
  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('the fake is not listening on TCP')
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  const url = `http://${host}:${address.port}`
  return {
    url,
    apiUrl: `${url}/v23.0`,
    app,
    state,
    get log () { return state.requests.entries },
    accepted: () => state.requests.accepted(),
    acceptedFor: to => state.requests.acceptedFor(to),
    duplicates: () => state.requests.duplicates(),
    attemptsFor: to => state.attemptsFor(to),
    reset: () => { state.reset() },
    setOptions: partial => { state.setOptions(partial) },
    setNumberQuality: (phoneNumberId, changes) => state.numbers.set(phoneNumberId, changes),
    setTemplateStatus: (name, language, status, reason) => { state.setTemplateStatus(name, language, status, reason) },
    get businessAccountId () { return state.options.businessAccountId ?? DEFAULT_BUSINESS_ACCOUNT_ID },
    webhooks: {
      inbound: message => state.webhooks.inbound(message),
      userPreference: preference => { state.webhooks.userPreference(preference) },
      idle: () => state.webhooks.idle(),
      get deliveries () { return state.webhooks.deliveries },
      pending: () => state.webhooks.pending()
    },
    close: () => app.close()
  }
}
