import type { RunError } from '../schemas/campaign.js'
import type { FailureRateLimit } from './settings.js'

/**
 * The latest outcomes of a run as one worker saw them settle, in a ring: adding one costs the same
 * however long the run. Only sends that ended count: sent or failed.
 */
export class FailureWindow {
  readonly #limit: FailureRateLimit
  readonly #failed: Uint8Array
  #next = 0
  #seen = 0
  #failures = 0

  constructor (limit: FailureRateLimit) {
    this.#limit = limit
    this.#failed = new Uint8Array(limit.window)
  }

  /** Counts one outcome; says whether the window is full and its share of failures reached the limit. */
  add (failed: boolean): boolean {
    const size = this.#failed.length
    if (this.#seen === size) this.#failures -= this.#failed[this.#next]
    else this.#seen++
    this.#failed[this.#next] = failed ? 1 : 0
    this.#failures += failed ? 1 : 0
    this.#next = (this.#next + 1) % size
    return this.#seen === size && this.#failures >= this.#limit.share * size
  }

  get failures (): number {
    return this.#failures
  }

  /** Why the run paused itself, in the words the campaign shows. */
  reason (): RunError {
    const { share, window } = this.#limit
    return {
      code: 'FAILURE_RATE',
      title: 'Too many of the latest recipients failed',
      message: `${this.#failures} of the last ${window} recipients failed (the threshold is ${Math.round(share * 1000) / 10}%), so the run paused itself: look at the failures, then resume or cancel.`
    }
  }
}
