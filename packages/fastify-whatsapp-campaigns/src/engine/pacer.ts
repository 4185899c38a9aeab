import { setTimeout as sleep } from 'node:timers/promises'

/**
 * Spaces sends evenly at a rate per sending phone number, so that no one-second window at Meta holds
 * more than the rate. `slowDown` halves the rate when Meta says we are too fast (130429); it climbs
 * back step by step while sends go through.
 */
export class Pacer {
  readonly #target: number
  #rate: number
  #nextSlot = 0

  constructor (messagesPerSecond: number) {
    this.#target = messagesPerSecond
    this.#rate = messagesPerSecond
  }

  get rate (): number {
    return this.#rate
  }

  /** Resolves when the caller may send one message. */
  async take (signal?: AbortSignal): Promise<void> {
    const now = performance.now()
    const slot = Math.max(now, this.#nextSlot)
    this.#nextSlot = slot + 1000 / this.#rate
    if (slot - now >= 1) await sleep(slot - now, undefined, { signal })
  }

  slowDown (): void {
    this.#rate = Math.max(1, this.#rate / 2)
  }

  /** One send went through: win back a little of the rate. */
  recover (): void {
    if (this.#rate < this.#target) this.#rate = Math.min(this.#target, this.#rate * 1.02 + 0.1)
  }
}
