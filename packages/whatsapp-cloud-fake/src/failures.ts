import type { Failure, ResolvedOptions } from './options.js'

/** Counts attempts per recipient and picks the injected failure, if any, for each. */
export class FailurePlan {
  #attempts = new Map<string, number>()

  /** Counts one more attempt for `to` (digits) and returns its number with the failure it must meet. */
  next (options: ResolvedOptions, to: string): { attempt: number, failure: Failure | undefined } {
    const attempt = (this.#attempts.get(to) ?? 0) + 1
    this.#attempts.set(to, attempt)
    const planned = options.failures.get(to)
    // An array is consumed one entry per attempt; past its end, requests go through.
    const fromMap = Array.isArray(planned) ? planned[attempt - 1] : planned
    return { attempt, failure: fromMap ?? options.failure?.(to, attempt) }
  }

  attemptsFor (to: string): number {
    return this.#attempts.get(to) ?? 0
  }

  reset (): void {
    this.#attempts.clear()
  }
}
