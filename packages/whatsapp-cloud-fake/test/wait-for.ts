/**
 * Deadlines for tests that wait. A wait that never ends fails by itself, saying what it waited for
 * (and the last value it saw), instead of running into tap's timeout for the whole file without a
 * word of why.
 *
 *   const first = await waitFor('a first send', () => fake.log[0])
 *   const summary = await waitFor('campaign 3 to stop running', async () => await store.get(tenant, 3),
 *     { until: summary => summary?.status !== 'running' })
 *   await within('the socket to close', closed)
 *
 * It lives with the fake, the package every other one builds on: the tests of the plugin, the
 * reference server and the benchmarks import it from here.
 */
import { setTimeout as sleep } from 'node:timers/promises'

/** Room for a run on a loaded CI machine; a wait that needs more says so with `timeoutMs`. */
export const defaultTimeoutMs = 30_000

/** What a wait that ran past its deadline fails with. */
export class TimedOut extends Error {}

/** For a `.catch` where running past the deadline is an outcome the test goes on with: undefined, other errors rethrown. */
export function undefinedIfTimedOut (error: unknown): undefined {
  if (error instanceof TimedOut) return undefined
  throw error
}

export interface WaitOptions {
  /** Give up after this long (default `defaultTimeoutMs`). */
  timeoutMs?: number
  /** Time between two checks (default 25 ms). */
  intervalMs?: number
}

export interface WaitUntilOptions<T> extends WaitOptions {
  /** Whether the value read is the one waited for. */
  until: (value: T) => boolean
}

/**
 * Reads `read` every `intervalMs` until `until` accepts the value, and answers that value. A read
 * still under way at the deadline is not waited for.
 */
export async function waitFor<T> (what: string, read: () => Promise<T> | T, options: WaitUntilOptions<T>): Promise<T>
/** Calls `check` every `intervalMs` until it answers something other than undefined, and answers that. */
export async function waitFor<T> (what: string, check: () => Promise<T | undefined> | T | undefined, options?: WaitOptions): Promise<T>
export async function waitFor (what: string, read: () => unknown, options: WaitOptions & { until?: (value: unknown) => boolean } = {}): Promise<unknown> {
  const { timeoutMs = defaultTimeoutMs, intervalMs = 25, until = (value: unknown) => value !== undefined } = options
  const deadline = Date.now() + timeoutMs
  let last: unknown
  const timedOut = (): Error => new TimedOut(`timed out after ${timeoutMs} ms waiting for ${what}${last === undefined ? '' : `; last seen: ${shown(last)}`}`)
  for (;;) {
    last = await beforeDeadline(read(), deadline, timedOut)
    if (until(last)) return last
    const left = deadline - Date.now()
    if (left <= 0) throw timedOut()
    await sleep(Math.min(intervalMs, left))
  }
}

/** Answers what `promise` resolves to, or fails once `timeoutMs` passed, saying what it waited for. */
export async function within<T> (what: string, promise: Promise<T>, timeoutMs = defaultTimeoutMs): Promise<T> {
  return await beforeDeadline(promise, Date.now() + timeoutMs, () => new TimedOut(`timed out after ${timeoutMs} ms waiting for ${what}`))
}

async function beforeDeadline<T> (value: Promise<T> | T, deadline: number, timedOut: () => Error): Promise<T> {
  if (!(value instanceof Promise)) return value
  const abort = new AbortController()
  try {
    // The race handles the loser's outcome too: a read that fails after the deadline is no unhandled rejection.
    return await Promise.race([
      value,
      sleep(Math.max(0, deadline - Date.now()), undefined, { signal: abort.signal }).then(() => { throw timedOut() })
    ])
  } finally {
    abort.abort()
  }
}

/** A value for an error message: JSON where it can be, cut short. */
function shown (value: unknown): string {
  let text: string
  try {
    text = JSON.stringify(value) ?? String(value)
  } catch {
    text = String(value)
  }
  return text.length > 500 ? `${text.slice(0, 500)}…` : text
}
