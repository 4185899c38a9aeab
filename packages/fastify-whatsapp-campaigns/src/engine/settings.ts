import type { BackoffPolicy } from './backoff.js'

/** A share of failed recipients among the last `window` outcomes a worker saw settle. */
export interface FailureRateLimit {
  /** From 0 (exclusive) to 1: 0.3 pauses once 30% of the window failed. */
  share: number
  /** How many of the latest outcomes are looked at; none is judged before the window is full. */
  window: number
}

/**
 * What becomes of a recipient Meta held back for its per-user marketing limit (131049): `fail` it at
 * once, its title saying when Retry failed may send it again; or retry it `later` in the same run, no
 * sooner than a day after, the run staying `running` until then.
 */
export type MarketingLimitRetry = 'later' | 'fail'

export interface EngineSettings extends BackoffPolicy {
  /** Sends per second per sending phone number (Meta: 80 by default, up to 1,000), across every instance. */
  messagesPerSecond: number
  /** The share of the rate kept free for the jitter of a busy machine, so no second at Meta holds more than the limit. */
  pacingHeadroom: number
  /** Requests in flight at once per run (and connections to the API): rate × latency must fit. Default: half a second of sending, at least 16. */
  concurrency: number
  /** Tries per recipient before a retryable error fails it (pair-rate answers count apart). */
  maxAttempts: number
  /** Tries after Meta's pair-rate limit (131056) before the recipient fails; each waits 4^n s (capped by maxRetryDelayMs). */
  maxPairRateRetries: number
  /** A run pauses itself once this many of its recipients failed since it (re)started; 0: never. */
  pauseAfterFailures: number
  /**
   * A run pauses itself once this share of the latest outcomes failed (a sliding window, counted by
   * each worker as its outcomes settle); false: never. Catches a burst of failures the count since the
   * start would see only late in a long run.
   */
  pauseOnFailureRate: FailureRateLimit | false
  marketingLimitRetry: MarketingLimitRetry
  /** How long a claimed recipient is held; past it, an unrecorded send is in doubt. */
  leaseMs: number
  /**
   * A write of outcomes starts once this many wait, or once the first has waited `recordIntervalMs`.
   * At Meta's rates (1,000 msg/s a number at most) the interval comes first; unpaced, fewer and
   * larger statements cost PostgreSQL less per outcome.
   */
  recordBatchSize: number
  recordIntervalMs: number
  /** How often an idle run looks again for due recipients, and the engine for scheduled campaigns and runs to share. */
  idlePollMs: number
}

export const defaultEngineSettings: EngineSettings = {
  messagesPerSecond: 80,
  pacingHeadroom: 0.015,
  concurrency: 40,
  maxAttempts: 10,
  maxPairRateRetries: 5,
  pauseAfterFailures: 1000,
  pauseOnFailureRate: { share: 0.3, window: 200 },
  marketingLimitRetry: 'fail',
  leaseMs: 30_000,
  recordBatchSize: 1000,
  recordIntervalMs: 100,
  idlePollMs: 1_000,
  retryDelayMs: 1_000,
  maxRetryDelayMs: 5 * 60_000
}

/** Meta's per-user marketing limit holds for a rolling day: a retry sooner may lock the user out again. */
export const marketingLimitDelayMs = 24 * 60 * 60_000

/**
 * Half a second of sending in flight covers Meta's usual 100-300 ms answers; past a few hundred
 * connections a process spends more on its sockets than it gains.
 */
export function concurrencyFor (messagesPerSecond: number): number {
  return Math.min(400, Math.max(16, Math.ceil(messagesPerSecond / 2)))
}
