import type { BackoffPolicy } from './backoff.js'

export interface EngineSettings extends BackoffPolicy {
  /** Sends per second per sending phone number (Meta: 80 by default, up to 1,000). */
  messagesPerSecond: number
  /** Requests in flight at once per run. */
  concurrency: number
  /** Tries per recipient before a retryable error fails it. */
  maxAttempts: number
  /** How long a claimed recipient is held; past it, an unrecorded send is in doubt. */
  leaseMs: number
  /** Outcomes written per statement, and the longest an outcome waits to be written. */
  recordBatchSize: number
  recordIntervalMs: number
  /** How often an idle run looks again for due recipients. */
  idlePollMs: number
}

export const defaultEngineSettings: EngineSettings = {
  messagesPerSecond: 80,
  concurrency: 50,
  maxAttempts: 10,
  leaseMs: 30_000,
  recordBatchSize: 200,
  recordIntervalMs: 100,
  idlePollMs: 1_000,
  retryDelayMs: 1_000,
  maxRetryDelayMs: 5 * 60_000
}
