import type { SendOutcome } from '../whatsapp/types.js'

export interface BackoffPolicy {
  /** The first retry's delay; each later one doubles it. */
  retryDelayMs: number
  maxRetryDelayMs: number
}

/**
 * When a recipient may be tried again after `attempts` tries. Exponential with full jitter, so that a
 * burst of failures does not come back as a burst; a pair-rate limit (131056) waits 4^n as Meta advises.
 */
export function retryDelay (attempts: number, scope: Extract<SendOutcome, { kind: 'retry' }>['scope'], policy: BackoffPolicy): number {
  const factor = scope === 'recipient' ? 4 ** attempts : 2 ** (attempts - 1)
  const ceiling = Math.min(policy.maxRetryDelayMs, policy.retryDelayMs * factor)
  return Math.round(ceiling / 2 + Math.random() * ceiling / 2)
}
