import { setTimeout as sleep } from 'node:timers/promises'
import { mostSlots } from '../store/pacing.js'
import type { SendTimeline } from '../store/types.js'

export interface SlotPacerOptions {
  timeline: SendTimeline
  numberKey: string
  /** The number's limit (Meta's messages per second), less the headroom. */
  maxRate: number
  /** How much sending one reservation covers: fewer round trips against fairness between instances. */
  chunkSeconds: number
  /** A slot missed by more than this is skipped: sending it late could crowd the next second past the limit. */
  lateToleranceMs: number
}

/** A throttle slows by at least this factor (a stray refusal costs little)… */
const gentlestThrottle = 0.98
/** …and at most by this one at once (a share taken from few answers may overstate it). */
const hardestThrottle = 0.5

/** Reserved slots: `count` of them from `firstAt` (our clock, epoch ms), `intervalMs` apart; `taken` used or skipped. */
interface Chunk {
  firstAt: number
  intervalMs: number
  count: number
  taken: number
}

/**
 * Paces sends for one sending number on a timeline shared through the store by every process: slots
 * are reserved in chunks (`reserveSlots`), then taken one per send. The rate is the store's, so a
 * throttle by one process slows all of them down, and each reservation after a quiet second wins a
 * little of it back.
 *
 * The next chunk is reserved while half of the current one is left, so that it follows on without
 * a gap: a reservation made only once the slots ran out would start a round trip late, every time.
 */
export class SlotPacer {
  readonly #options: SlotPacerOptions
  /** Reserved chunks, oldest first; slots are worked out, not listed: an unpaced sender reserves millions a second. */
  #chunks: Chunk[] = []
  #reserving: Promise<void> | null = null
  #intervalMs: number
  #lastThrottle = 0
  /** Answers from the API and how many of them said too fast, over this second and the one before. */
  #answers = { since: 0, answered: 0, refused: 0, before: { answered: 0, refused: 0 } }
  #reserveError: unknown
  #offset: { offset: number, roundTrip: number, at: number } | undefined

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
    const { lateToleranceMs } = this.#options
    for (;;) {
      if (this.#slotsLeft() <= this.#chunkSize() / 2) this.#reserveAhead()
      const chunk = this.#chunks[0]
      if (chunk === undefined) {
        await this.#reserving
        this.#throwReserveError()
        continue
      }
      // Slots missed by more than the tolerance are skipped at once.
      const firstOnTime = Math.ceil((Date.now() - lateToleranceMs - chunk.firstAt) / chunk.intervalMs)
      chunk.taken = Math.max(chunk.taken, firstOnTime)
      if (chunk.taken >= chunk.count) {
        this.#chunks.shift()
        continue
      }
      const at = chunk.firstAt + chunk.taken++ * chunk.intervalMs
      const wait = at - Date.now()
      if (wait >= 1) await sleep(wait)
      // A busy event loop can wake us well after the slot: then it is missed too.
      if (Date.now() - at > lateToleranceMs) continue
      return
    }
  }

  /** Counts an answer of the API for this number: `refused` when it said too fast. */
  answered (refused: boolean): void {
    const answers = this.#answers
    const now = Date.now()
    if (now - answers.since >= 1000) {
      answers.before = now - answers.since >= 2000 ? { answered: 0, refused: 0 } : { answered: answers.answered, refused: answers.refused }
      answers.since = now
      answers.answered = 0
      answers.refused = 0
    }
    answers.answered++
    if (refused) answers.refused++
  }

  /**
   * Meta said too fast: slow every process down, once a second at most whatever the number of answers
   * saying so, by the share of answers that said so over the last second or two. A stray refusal (a
   * busy moment bunched a few sends) costs 2% for a second; a rate far above the number's
   * real limit, where most answers are refusals, comes down by half a second at a time. Slots already
   * reserved are used: they are on the shared timeline, and dropping them would leave a gap.
   */
  async throttle (): Promise<void> {
    const now = Date.now()
    if (now - this.#lastThrottle < 1000) return
    this.#lastThrottle = now
    const { answered, refused, before } = this.#answers
    const refusedShare = (refused + before.refused) / Math.max(1, answered + before.answered)
    const factor = Math.min(gentlestThrottle, Math.max(hardestThrottle, 1 - refusedShare))
    await this.#options.timeline.throttle(this.#options.numberKey, factor)
  }

  #slotsLeft (): number {
    let left = 0
    for (const chunk of this.#chunks) left += Math.max(0, chunk.count - chunk.taken)
    return left
  }

  #chunkSize (): number {
    return Math.min(mostSlots, Math.max(1, Math.ceil(this.rate * this.#options.chunkSeconds)))
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
    const { timeline, numberKey, maxRate } = this.#options
    const count = this.#chunkSize()
    const asked = Date.now()
    const { firstSlotAt, intervalMs, now } = await timeline.reserveSlots(numberKey, count, maxRate)
    const answered = Date.now()
    this.#intervalMs = intervalMs
    this.#chunks.push({ firstAt: firstSlotAt - this.#clockOffset(now, asked, answered), intervalMs, count, taken: 0 })
  }

  /**
   * The store's clock minus ours. Each reservation tells it up to half its round trip; mapping every
   * chunk with its own estimate would shift chunks that follow on by a ms or two either way, a gap
   * (slots lost) or a crowd. So the estimate of the quickest round trip is kept, renewed every 10 s
   * in case a clock drifts.
   */
  #clockOffset (storeNow: number, asked: number, answered: number): number {
    const roundTrip = answered - asked
    const best = this.#offset
    if (best === undefined || roundTrip <= best.roundTrip || answered - best.at > 10_000) {
      this.#offset = { offset: storeNow - (asked + answered) / 2, roundTrip, at: answered }
    }
    return (this.#offset as { offset: number }).offset
  }
}
