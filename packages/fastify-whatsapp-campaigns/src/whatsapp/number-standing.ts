import { request, type Dispatcher } from 'undici'
import { graphErrorFromBody } from './errors.js'

/** Where a number's standing is read: the Graph API's base and the number, as whom. */
export interface StandingAccount {
  apiUrl: string
  phoneNumberId: string
  accessToken: string
}

/** What Meta says of a sending number: its messaging limit, quality rating and throughput level. */
export interface NumberStanding {
  tier: string
  /** Unique recipients a moving 24 h allows; null: unlimited; undefined: a tier this code does not know. */
  limit: number | null | undefined
  qualityRating: string
  throughput: string | undefined
}

export type StandingResult = { ok: true, standing: NumberStanding } | { ok: false, reason: string }

/** Meta's tiers, and those of its older scheme a number may still show. */
const tierLimits: Record<string, number | null> = {
  TIER_50: 50,
  TIER_250: 250,
  TIER_1K: 1000,
  TIER_2K: 2000,
  TIER_10K: 10_000,
  TIER_100K: 100_000,
  TIER_UNLIMITED: null
}

const fields = 'messaging_limit_tier,quality_rating,throughput'

/** `GET /{phone-number-id}?fields=messaging_limit_tier,quality_rating,throughput`; never throws: a failure is a reason in words. */
export async function readNumberStanding (account: StandingAccount, options: { dispatcher?: Dispatcher, timeoutMs?: number } = {}): Promise<StandingResult> {
  const timeoutMs = options.timeoutMs ?? 10_000
  let statusCode: number
  let body: unknown
  try {
    const url = `${account.apiUrl}/${encodeURIComponent(account.phoneNumberId)}?fields=${fields}`
    const response = await request(url, {
      headers: { authorization: `Bearer ${account.accessToken}` },
      dispatcher: options.dispatcher,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs
    })
    statusCode = response.statusCode
    const text = await response.body.text()
    try { body = JSON.parse(text) } catch { body = undefined }
  } catch (error) {
    return { ok: false, reason: `the Graph API could not be reached: ${(error as Error).message}` }
  }
  if (statusCode < 200 || statusCode >= 300) {
    const graph = graphErrorFromBody(statusCode, body)
    const detail = graph.message ?? graph.details ?? ''
    return { ok: false, reason: `the Graph API answered ${statusCode}${graph.code === undefined ? '' : ` (code ${graph.code})`}${detail === '' ? '' : `: ${redact(detail, account.accessToken)}`}` }
  }
  const answer = (body ?? {}) as { messaging_limit_tier?: unknown, whatsapp_business_manager_messaging_limit?: unknown, quality_rating?: unknown, throughput?: { level?: unknown } }
  const tier = answer.messaging_limit_tier ?? answer.whatsapp_business_manager_messaging_limit
  if (typeof tier !== 'string') return { ok: false, reason: 'the Graph API did not tell the messaging limit tier' }
  return {
    ok: true,
    standing: {
      tier,
      limit: tier in tierLimits ? tierLimits[tier] : undefined,
      qualityRating: typeof answer.quality_rating === 'string' ? answer.quality_rating : 'UNKNOWN',
      throughput: typeof answer.throughput?.level === 'string' ? answer.throughput.level : undefined
    }
  }
}

function redact (text: string, token: string): string {
  return token.length < 8 ? text : text.split(token).join('[redacted]')
}

/**
 * Each number's standing for a short while (it changes over hours, and the Graph API counts every
 * call against the app's limit); readers at the same time share one request. A failure is not kept.
 */
export class StandingCache {
  readonly #entries = new Map<string, { at: number, result: Promise<StandingResult> }>()
  readonly #ttlMs: number
  readonly #read: (account: StandingAccount) => Promise<StandingResult>

  constructor (options: { ttlMs?: number, read?: (account: StandingAccount) => Promise<StandingResult> } = {}) {
    this.#ttlMs = options.ttlMs ?? 60_000
    this.#read = options.read ?? (async account => await readNumberStanding(account))
  }

  async standingOf (account: StandingAccount): Promise<StandingResult> {
    const key = `${account.apiUrl}\u0000${account.phoneNumberId}\u0000${account.accessToken}`
    const now = Date.now()
    const cached = this.#entries.get(key)
    if (cached !== undefined && now - cached.at < this.#ttlMs) return await cached.result
    const result = this.#read(account)
    this.#entries.set(key, { at: now, result })
    const settled = await result
    if (!settled.ok && this.#entries.get(key)?.result === result) this.#entries.delete(key)
    return settled
  }
}
