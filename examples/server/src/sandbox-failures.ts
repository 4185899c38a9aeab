import type { Failure, FailureFunction } from 'whatsapp-cloud-fake'

/**
 * What the sandbox answers a failing send with, in the shares the plugin tells apart: half are
 * permanent (the recipient fails at once), half retryable (it is tried again after a backoff),
 * as a Graph error or as a bare 5xx from Meta's front end.
 */
const kinds: Array<{ upTo: number, failure: Failure }> = [
  { upTo: 0.5, failure: { code: 131026, details: 'Message Undeliverable (sandbox: SANDBOX_FAILURE_RATE)' } },
  { upTo: 0.75, failure: { code: 131000, details: 'Something went wrong (sandbox: SANDBOX_FAILURE_RATE)' } },
  { upTo: 1, failure: { http: 503 } }
]

/**
 * Fails about `rate` of the sends, each attempt judged apart, so a retry or a "retry failed" rerun
 * may go through. The draw is a hash of the recipient and the attempt, not a random number: the
 * same campaign fails the same way every time, and a test can say beforehand what each send meets.
 */
export function sandboxFailure (rate: number): FailureFunction | undefined {
  if (rate === 0) return undefined
  return (to, attempt) => {
    const draw = sandboxDraw(to, attempt)
    if (draw >= rate) return undefined
    const share = draw / rate
    return kinds.find(kind => share < kind.upTo)?.failure ?? kinds[kinds.length - 1].failure
  }
}

/** A uniform number in [0, 1) for the `attempt`-th send (from 1) to `to` (digits): FNV-1a, then murmur3's finaliser to spread it. */
export function sandboxDraw (to: string, attempt: number): number {
  const key = `${to}#${attempt}`
  let hash = 0x811c9dc5
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193)
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b)
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35)
  hash ^= hash >>> 16
  return (hash >>> 0) / 4294967296
}
