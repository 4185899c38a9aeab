import type { FastifyRequest, onRequestHookHandler, preHandlerHookHandler } from 'fastify'
import { isSupportedCountry, type CountryCode } from 'libphonenumber-js'
import type { CampaignStore, Tenant } from './store/types.js'
import { missingStoreMethods } from './store/parts.js'
import { concurrencyFor, defaultEngineSettings, type EngineSettings, type FailureRateLimit } from './engine/settings.js'
import { isPositive } from './positive.js'
import { defaultRateLimit, type RateLimitOptions } from './routes/rate-limit.js'
import { defaultApiUrl } from './whatsapp/client.js'
import { defaultStartKeywords, defaultStopKeywords, normaliseKeyword } from './whatsapp/keywords.js'
import type { PriceTable, Pricing } from './campaigns/preflight-cost.js'

/** Where and as whom a tenant sends: a WhatsApp Business phone number of the Cloud API. */
export interface WhatsAppAccount {
  /** The Graph API's base with its version (`defaultApiUrl` unless given); point it at a local fake in tests or a sandbox. */
  apiUrl?: string
  phoneNumberId: string
  accessToken: string
  /**
   * The WhatsApp Business Account (WABA) the number belongs to: its templates are read from the Graph
   * API (`GET /{id}/message_templates`) to check every campaign before it starts. Absent: templates are
   * not checked, and `GET /templates` lists none. The token must be allowed to read them
   * (whatsapp_business_management).
   */
  businessAccountId?: string
}

/**
 * Meta's webhooks (`GET` and `POST {prefix}/webhook`): delivery statuses, replies and opt-outs. Webhooks
 * belong to the Meta app, not to a phone number, so one setting serves every tenant's account.
 */
export interface WebhookOptions {
  /** The Meta app's secret, which signs every event; without it the endpoint refuses all events (503). */
  appSecret?: string
  /** The token typed into the app's webhook settings, for Meta's verification request; without it verification is refused. */
  verifyToken?: string
  /** Words that put the sender on the opt-out list (default STOP, UNSUBSCRIBE, STOP ALL), compared trimmed, spaced and cased alike. */
  stopKeywords?: string[]
  /** Words that take the sender off it again (default START). */
  startKeywords?: string[]
  /** How long a send in doubt waits for a status webhook to witness it before it is settled (default 15 minutes). */
  witnessWindowMs?: number
}

/** The webhook settings checked, keywords in the form they are compared in. */
export interface ResolvedWebhookOptions {
  appSecret?: string
  verifyToken?: string
  stopKeywords: string[]
  startKeywords: string[]
  witnessWindowMs: number
}

export interface CampaignsPluginOptions {
  /** Where the routes live, e.g. `/api/whatsapp`. */
  prefix?: string
  /** Where campaigns are kept: `postgresStore(app.pg)`, `memoryStore()`, or any CampaignStore. */
  store: CampaignStore
  /** The account to send from, or a function of the tenant for one account per tenant. */
  whatsapp: WhatsAppAccount | ((tenant: Tenant) => WhatsAppAccount | Promise<WhatsAppAccount>)
  sending?: Partial<EngineSettings>
  /** Whose campaigns a request sees. Default: one tenant, `default`. */
  tenant?: (request: FastifyRequest) => Tenant | Promise<Tenant>
  /** The host's own hooks on the campaign routes, e.g. its authentication. */
  hooks?: {
    onRequest?: onRequestHookHandler | onRequestHookHandler[]
    preHandler?: preHandlerHookHandler | preHandlerHookHandler[]
  }
  /** Contacts one campaign may hold (default 100,000); the request body limit follows from it. */
  maxContacts?: number
  /** Country for numbers written without their country code; without it they are refused. */
  defaultCountry?: CountryCode
  /** Largest request body in bytes. Default: room for `maxContacts` contacts (at least 1 MiB). */
  bodyLimit?: number
  /**
   * Contacts, and messages, a campaign's detail (get, create, update) carries inline (default 1,000):
   * a longer list is cut to its first `inlineLimit` and flagged, the rest read through the paged routes.
   */
  inlineLimit?: number
  webhook?: WebhookOptions
  /**
   * Requests per client IP to the API (not the webhook) in a window of `timeWindow` ms; default 600 a
   * minute; false: none (a host that limits in front of the app, or with @fastify/rate-limit of its own).
   */
  rateLimit?: RateLimitOptions | false
  /**
   * The preflight's cost estimate: per country calling code (`'91'`, `'1'`…), the price of one
   * template message in each category (`{ marketing, utility, authentication }`). None is built in:
   * Meta's rates change and depend on the account.
   */
  pricing?: PriceTable
  /** The price table's currency (default USD). */
  currency?: string
  templates?: TemplateOptions
}

/** The template check (it needs `whatsapp.businessAccountId`). */
export interface TemplateOptions {
  /**
   * Check the template on create and edit too, not only before a run starts (default true). False
   * lets a campaign be saved with a template that is not approved yet; it is still checked at its start.
   */
  checkOnSave?: boolean
  /** How long an account's template list is kept before it is read again (default 60,000 ms); status webhooks amend it meanwhile. */
  cacheTtlMs?: number
}

export interface ResolvedOptions {
  prefix: string
  store: CampaignStore
  accountFor: (tenant: Tenant) => Promise<ResolvedAccount>
  sending: EngineSettings
  tenant: (request: FastifyRequest) => Tenant | Promise<Tenant>
  hooks: { onRequest: onRequestHookHandler[], preHandler: preHandlerHookHandler[] }
  maxContacts: number
  defaultCountry?: CountryCode
  bodyLimit: number
  inlineLimit: number
  webhook: ResolvedWebhookOptions
  pricing: Pricing
  templates: Required<TemplateOptions>
  rateLimit: RateLimitOptions | false
}

/** An account checked at registration, its API's base URL filled in. */
export type ResolvedAccount = WhatsAppAccount & { apiUrl: string }

class OptionError extends Error {
  constructor (option: string, expected: string, got: unknown) {
    super(`fastify-whatsapp-campaigns: option "${option}" must be ${expected} (got ${describe(got)})`)
    this.name = 'FastifyWhatsAppCampaignsOptionError'
  }
}

function describe (value: unknown): string {
  if (typeof value === 'function') return 'a function'
  if (typeof value === 'string') return '"[string]"'
  try {
    return JSON.stringify(value) ?? String(value)
  } catch {
    return typeof value
  }
}

function list<T> (value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? [...value] : [value]
}

function checkAccount (account: unknown, option: string): ResolvedAccount {
  const a = account as Partial<WhatsAppAccount> | null
  if (a === null || typeof a !== 'object') throw new OptionError(option, 'an object with phoneNumberId and accessToken', '[not an object]')
  for (const key of ['phoneNumberId', 'accessToken'] as const) {
    if (typeof a[key] !== 'string' || a[key] === '') throw new OptionError(`${option}.${key}`, 'a non-empty string', key === 'accessToken' ? '[hidden]' : a[key])
  }
  if (a.apiUrl !== undefined && !/^https?:\/\/[^/]+/.test(a.apiUrl)) throw new OptionError(`${option}.apiUrl`, 'an http(s) URL', a.apiUrl)
  if (a.businessAccountId !== undefined && (typeof a.businessAccountId !== 'string' || !/^\d+$/.test(a.businessAccountId))) {
    throw new OptionError(`${option}.businessAccountId`, 'the WhatsApp Business Account id (digits, as a string)', a.businessAccountId)
  }
  return { ...a, apiUrl: (a.apiUrl ?? defaultApiUrl).replace(/\/+$/, '') } as ResolvedAccount
}

function positive (value: unknown, option: string, integer: boolean): number {
  if (!isPositive(value, integer)) throw new OptionError(option, integer ? 'a positive integer' : 'a positive number', value)
  return value
}

/** Each sending setting's kind of number; the rest are positive integers. */
const sendingKinds: Partial<Record<keyof EngineSettings, (value: unknown, option: string) => number>> = {
  messagesPerSecond: (value, option) => positive(value, option, false),
  pacingHeadroom: (value, option) => {
    if (typeof value !== 'number' || !(value >= 0 && value < 0.5)) throw new OptionError(option, 'a share from 0 to 0.5', value)
    return value
  },
  pauseAfterFailures: (value, option) => value === 0 ? 0 : positive(value, option, true)
}

/** The sending settings that are not numbers, each checked by its own function. */
const sendingChoices: Partial<Record<keyof EngineSettings, (value: unknown, option: string) => unknown>> = {
  pauseOnFailureRate: (value, option) => {
    if (value === false) return false
    const limit = value as Partial<FailureRateLimit> | null
    const expected = 'false or { share: a number above 0 up to 1, window: a positive integer up to 100,000 }'
    if (limit === null || typeof limit !== 'object' || Object.keys(limit).some(key => key !== 'share' && key !== 'window')) throw new OptionError(option, expected, value)
    if (typeof limit.share !== 'number' || !(limit.share > 0 && limit.share <= 1)) throw new OptionError(`${option}.share`, 'a share above 0 up to 1', limit.share)
    if (!isPositive(limit.window, true) || limit.window > 100_000) throw new OptionError(`${option}.window`, 'a positive integer up to 100,000', limit.window)
    return { share: limit.share, window: limit.window }
  },
  marketingLimitRetry: (value, option) => {
    if (value !== 'later' && value !== 'fail') throw new OptionError(option, "'later' or 'fail'", value)
    return value
  }
}

function resolveSending (given: Partial<EngineSettings> = {}): EngineSettings {
  const sending: Record<string, unknown> = { ...defaultEngineSettings }
  for (const [key, value] of Object.entries(given)) {
    if (!(key in defaultEngineSettings)) throw new OptionError(`sending.${key}`, `one of ${Object.keys(defaultEngineSettings).join(', ')}`, key)
    if (value === undefined) continue
    const choice = sendingChoices[key as keyof EngineSettings]
    if (choice !== undefined) {
      sending[key] = choice(value, `sending.${key}`)
      continue
    }
    const check = sendingKinds[key as keyof EngineSettings] ?? ((v: unknown, option: string) => positive(v, option, true))
    sending[key] = check(value, `sending.${key}`)
  }
  if (given.concurrency === undefined) sending.concurrency = concurrencyFor(sending.messagesPerSecond as number)
  return sending as unknown as EngineSettings
}

const webhookDefaults = { stopKeywords: defaultStopKeywords, startKeywords: defaultStartKeywords, witnessWindowMs: 15 * 60_000 }
const webhookKeys = ['appSecret', 'verifyToken', 'stopKeywords', 'startKeywords', 'witnessWindowMs']

function secret (value: unknown, option: string): string | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || value === '') throw new OptionError(option, 'a non-empty string', '[hidden]')
  return value
}

function keywords (value: unknown, option: string, fallback: readonly string[]): string[] {
  if (value === undefined) return [...fallback]
  if (!Array.isArray(value) || value.some(word => typeof word !== 'string' || normaliseKeyword(word) === '')) {
    throw new OptionError(option, 'an array of words (non-empty strings)', value)
  }
  return [...new Set((value as string[]).map(normaliseKeyword))]
}

function resolveWebhook (given: WebhookOptions = {}): ResolvedWebhookOptions {
  // Never echoed: an object put in the wrong place may hold the secrets.
  if (given === null || typeof given !== 'object' || Array.isArray(given)) throw new OptionError('webhook', 'an object', Array.isArray(given) ? '[array]' : given)
  for (const key of Object.keys(given)) {
    if (!webhookKeys.includes(key)) throw new OptionError(`webhook.${key}`, `one of ${webhookKeys.join(', ')}`, key)
  }
  const stopKeywords = keywords(given.stopKeywords, 'webhook.stopKeywords', webhookDefaults.stopKeywords)
  const startKeywords = keywords(given.startKeywords, 'webhook.startKeywords', webhookDefaults.startKeywords)
  const both = stopKeywords.filter(word => startKeywords.includes(word))
  if (both.length > 0) throw new OptionError('webhook.startKeywords', 'words that are not stop keywords too', both)
  return {
    appSecret: secret(given.appSecret, 'webhook.appSecret'),
    verifyToken: secret(given.verifyToken, 'webhook.verifyToken'),
    stopKeywords,
    startKeywords,
    witnessWindowMs: given.witnessWindowMs === undefined ? webhookDefaults.witnessWindowMs : positive(given.witnessWindowMs, 'webhook.witnessWindowMs', true)
  }
}

const pricingCategories = ['marketing', 'utility', 'authentication']

function resolvePricing (table: unknown, currency: unknown): Pricing {
  if (currency !== undefined && (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency))) throw new OptionError('currency', 'an ISO 4217 code such as USD', currency)
  const resolved: Pricing = { currency: currency ?? 'USD' }
  if (table === undefined) return resolved
  if (table === null || typeof table !== 'object' || Array.isArray(table)) throw new OptionError('pricing', 'an object of calling codes, e.g. { 91: { marketing: 0.0107 } }', table)
  const copy: PriceTable = {}
  for (const [code, rates] of Object.entries(table)) {
    if (!/^\d{1,3}$/.test(code)) throw new OptionError('pricing', 'keyed by country calling codes of 1 to 3 digits (91, 1, 44…)', code)
    if (rates === null || typeof rates !== 'object' || Array.isArray(rates)) throw new OptionError(`pricing.${code}`, 'an object such as { marketing: 0.0107, utility: 0.0014 }', rates)
    copy[code] = {}
    for (const [category, rate] of Object.entries(rates as Record<string, unknown>)) {
      if (!pricingCategories.includes(category)) throw new OptionError(`pricing.${code}.${category}`, `one of ${pricingCategories.join(', ')}`, category)
      if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0) throw new OptionError(`pricing.${code}.${category}`, 'a price of zero or more', rate)
      copy[code][category as keyof PriceTable[string]] = rate
    }
  }
  return { ...resolved, table: copy }
}

const templateKeys = ['checkOnSave', 'cacheTtlMs']

function resolveTemplates (given: TemplateOptions = {}): Required<TemplateOptions> {
  if (given === null || typeof given !== 'object' || Array.isArray(given)) throw new OptionError('templates', 'an object', given)
  for (const key of Object.keys(given)) {
    if (!templateKeys.includes(key)) throw new OptionError(`templates.${key}`, `one of ${templateKeys.join(', ')}`, key)
  }
  if (given.checkOnSave !== undefined && typeof given.checkOnSave !== 'boolean') throw new OptionError('templates.checkOnSave', 'true or false', given.checkOnSave)
  return {
    checkOnSave: given.checkOnSave ?? true,
    cacheTtlMs: given.cacheTtlMs === undefined ? 60_000 : positive(given.cacheTtlMs, 'templates.cacheTtlMs', true)
  }
}

function resolveRateLimit (given: unknown): RateLimitOptions | false {
  if (given === undefined) return { ...defaultRateLimit }
  if (given === false) return false
  const limit = given as Partial<RateLimitOptions> | null
  if (limit === null || typeof limit !== 'object' || Object.keys(limit).some(key => key !== 'max' && key !== 'timeWindow')) {
    throw new OptionError('rateLimit', 'false or { max: requests, timeWindow: milliseconds }', given)
  }
  return {
    max: limit.max === undefined ? defaultRateLimit.max : positive(limit.max, 'rateLimit.max', true),
    timeWindow: limit.timeWindow === undefined ? defaultRateLimit.timeWindow : positive(limit.timeWindow, 'rateLimit.timeWindow', true)
  }
}

/** Checks and defaults the options once, at registration; the caller's object is never changed. */
export function resolveOptions (options: CampaignsPluginOptions): ResolvedOptions {
  const store: unknown = options.store
  const missing = missingStoreMethods(store)
  if (missing.length > 0) {
    throw new OptionError('store', `a CampaignStore: postgresStore(db), memoryStore() or one with every method (missing ${missing.join(', ')})`, store === undefined ? undefined : '[object]')
  }

  const whatsapp = options.whatsapp
  let accountFor: ResolvedOptions['accountFor']
  if (typeof whatsapp === 'function') {
    accountFor = async tenant => checkAccount(await whatsapp(tenant), 'whatsapp(tenant)')
  } else {
    const account = checkAccount(whatsapp, 'whatsapp')
    accountFor = async () => account
  }

  const sending = resolveSending(options.sending)

  if (options.tenant !== undefined && typeof options.tenant !== 'function') throw new OptionError('tenant', 'a function of the request', options.tenant)
  const maxContacts = options.maxContacts === undefined ? 100_000 : positive(options.maxContacts, 'maxContacts', true)
  if (options.defaultCountry !== undefined && !isSupportedCountry(options.defaultCountry)) {
    throw new OptionError('defaultCountry', "a country's ISO 3166 alpha-2 code in capitals, such as 'IN'", options.defaultCountry)
  }
  const hooks = { onRequest: list(options.hooks?.onRequest), preHandler: list(options.hooks?.preHandler) }
  for (const [name, handlers] of Object.entries(hooks)) {
    if (handlers.some(handler => typeof handler !== 'function')) throw new OptionError(`hooks.${name}`, 'a function or an array of functions', handlers)
  }

  return {
    prefix: options.prefix ?? '',
    store: options.store,
    accountFor,
    sending,
    tenant: options.tenant ?? (() => 'default'),
    hooks,
    maxContacts,
    defaultCountry: options.defaultCountry,
    // A contact is well under 200 bytes of JSON; 512 leaves room for per-contact parameters.
    bodyLimit: options.bodyLimit === undefined ? Math.max(1 << 20, maxContacts * 512) : positive(options.bodyLimit, 'bodyLimit', true),
    inlineLimit: options.inlineLimit === undefined ? 1000 : positive(options.inlineLimit, 'inlineLimit', true),
    webhook: resolveWebhook(options.webhook),
    pricing: resolvePricing(options.pricing, options.currency),
    templates: resolveTemplates(options.templates),
    rateLimit: resolveRateLimit(options.rateLimit)
  }
}
