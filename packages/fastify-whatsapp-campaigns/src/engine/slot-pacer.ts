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
 */
export class SlotPacer {
  readonly #options: SlotPacerOptions
  #slots: number[] = []
  #next = 0
  #reserving: Promise<void> | null = null
  #intervalMs: number
  #lastThrottle = 0

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
      while (this.#next < this.#slots.length) {
        const at = this.#slots[this.#next++]
        const wait = at - Date.now()
        if (wait < -this.#options.lateToleranceMs) continue
        if (wait >= 1) await sleep(wait)
        // A busy event loop can wake us well after the slot: then it is missed too.
        if (Date.now() - at > this.#options.lateToleranceMs) continue
        return
      }
      this.#reserving ??= this.#reserve().finally(() => { this.#reserving = null })
      await this.#reserving
    }
  }

  /** Meta said too fast: slow every process down, once a second at most whatever the number of answers saying so. */
  async throttle (): Promise<void> {
    const now = Date.now()
    if (now - this.#lastThrottle < 1000) return
    this.#lastThrottle = now
    // Slots reserved at the old rate would keep us too fast until used up.
    this.#slots = []
    this.#next = 0
    await this.#options.store.throttle(this.#options.numberKey)
  }

  async #reserve (): Promise<void> {
    const { store, numberKey, maxRate, chunkSeconds } = this.#options
    const count = Math.max(1, Math.ceil(this.rate * chunkSeconds))
    const asked = Date.now()
    const { firstSlotAt, intervalMs, now } = await store.reserveSlots(numberKey, count, maxRate)
    // The store's clock mapped onto ours, halfway through the round trip.
    const offset = now - (asked + Date.now()) / 2
    this.#intervalMs = intervalMs
    this.#slots = Array.from({ length: count }, (_, i) => firstSlotAt + i * intervalMs - offset)
    this.#next = 0
  }
}
