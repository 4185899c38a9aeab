/**
 * A sliding one-second window per phone number id: a ring of the last `limit` admitted arrival times.
 * A request is admitted when fewer than `limit` were admitted in the last second, so the check is O(1)
 * whatever the rate. Refused requests are not recorded: a sender just over the limit keeps getting
 * `limit` messages a second through, as with Meta, instead of being locked out while it retries.
 */
export class ThroughputWindows {
  readonly #limit: number
  readonly #windows = new Map<string, { times: Float64Array, next: number }>()

  constructor (limit: number) {
    this.#limit = limit
  }

  /** Records the arrival at `now` (ms, on one clock for every call: monotonic, or a front's) and says whether it is within the limit. */
  admit (phoneNumberId: string, now: number): boolean {
    if (this.#limit === 0) return true
    let window = this.#windows.get(phoneNumberId)
    if (window === undefined) {
      // -Infinity: an empty slot never blocks.
      window = { times: new Float64Array(this.#limit).fill(-Infinity), next: 0 }
      this.#windows.set(phoneNumberId, window)
    }
    // The slot to overwrite holds the oldest of the last `limit` admissions.
    if (now - window.times[window.next] < 1000) return false
    window.times[window.next] = now
    window.next = (window.next + 1) % this.#limit
    return true
  }
}
