import { setTimeout as sleep } from 'node:timers/promises'
import type { CampaignStore } from '../store/types.js'

export interface SlotPacerOptions {
  store: CampaignStore
  numberKey: string
  /** The number's limit (Meta's messages per second), less the headroom. */
  maxRate: number
  /** How much sending one reservation covers: fewer round trips against fairness between instances. */
  chunkSeconds: number
  /** A slot missed by more than this is skipped: sending it late could crowd the next second past the limit. */
  lateToleranceMs: number
}

/**
 * Paces sends for one sending number on a timeline shared through the store by every process: slots
 * are reserved in chunks (`reserveSlots`), then taken one per send. The rate is the store's, so a
 * throttle by one process slows all of them down, and each reservation wins a little of it back.
 *
 * The next chunk is reserved while half of the current one is left, so that it follows on without
 * a gap: a reservation made only once the slots ran out would start a round trip late, every time.
 */
export class SlotPacer {
  readonly #options: SlotPacerOptions
  /** Reserved slots not yet taken, in our clock's epoch ms, in order. */
  #slots: number[] = []
  #next = 0
  #reserving: Promise<void> | null = null
  /** Bumped by a throttle: a reservation asked for before it is at the old rate, and is dropped. */
  #generation = 0
  #intervalMs: number
  #lastThrottle = 0
  #reserveError: unknown

  constructor (options: SlotPacerOptions) {
    this.#options = options
    this.#intervalMs = 1000 / options.maxRate
  }

  /** The rate of the latest reservation, in messages per second. */
  get rate (): number {
    return 1000 / this.#intervalMs
  }

  /** Resolves at the moment the caller may send one message. */
  async take (): Promise<void> {
    for (;;) {
      if (this.#slots.length - this.#next <= this.#chunkSize() / 2) this.#reserveAhead()
      if (this.#next >= this.#slots.length) {
        await this.#reserving
        this.#throwReserveError()
        continue
      }
      const at = this.#slots[this.#next++]
      const wait = at - Date.now()
      if (wait < -this.#options.lateToleranceMs) continue
      if (wait >= 1) await sleep(wait)
      // A busy event loop can wake us well after the slot: then it is missed too.
      if (Date.now() - at > this.#options.lateToleranceMs) continue
      return
    }
  }

  /** Meta said too fast: slow every process down, once a second at most whatever the number of answers saying so. */
  async throttle (): Promise<void> {
    const now = Date.now()
    if (now - this.#lastThrottle < 1000) return
    this.#lastThrottle = now
    // Slots reserved at the old rate would keep us too fast until used up.
    this.#generation++
    this.#slots = []
    this.#next = 0
    await this.#options.store.throttle(this.#options.numberKey)
  }

  #chunkSize (): number {
    return Math.max(1, Math.ceil(this.rate * this.#options.chunkSeconds))
  }

  #reserveAhead (): void {
    this.#reserving ??= this.#reserve().catch((error: unknown) => { this.#reserveError = error }).finally(() => { this.#reserving = null })
  }

  /** A failed reservation fails the `take` waiting for it (the worker restarts); the next one tries again. */
  #throwReserveError (): void {
    const error = this.#reserveError
    if (error === undefined) return
    this.#reserveError = undefined
    throw error
  }

  async #reserve (): Promise<void> {
    const { store, numberKey, maxRate } = this.#options
    const generation = this.#generation
    const count = this.#chunkSize()
    const asked = Date.now()
    const { firstSlotAt, intervalMs, now } = await store.reserveSlots(numberKey, count, maxRate)
    if (generation !== this.#generation) return
    // The store's clock mapped onto ours, halfway through the round trip.
    const offset = now - (asked + Date.now()) / 2
    this.#intervalMs = intervalMs
    // Drop what was taken, keep what was not, add the new chunk after it.
    const slots = this.#slots.slice(this.#next)
    for (let i = 0; i < count; i++) slots.push(firstSlotAt + i * intervalMs - offset)
    this.#slots = slots
    this.#next = 0
  }
}
