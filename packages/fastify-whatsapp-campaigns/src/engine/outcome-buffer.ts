import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyBaseLogger } from 'fastify'
import type { CampaignStore, MessageOutcome, RunRef } from '../store/types.js'

/**
 * Collects outcomes and writes them in batches: one statement per batch instead of one per message.
 * Writes run one at a time; a failed write is kept and tried again, so no outcome is dropped while
 * the database is briefly away.
 */
export class OutcomeBuffer {
  #pending: MessageOutcome[] = []
  #writing: Promise<void> = Promise.resolve()
  #timer: NodeJS.Timeout | undefined

  constructor (
    private readonly store: CampaignStore,
    private readonly run: RunRef,
    private readonly batchSize: number,
    private readonly flushIntervalMs: number,
    private readonly log: FastifyBaseLogger
  ) {}

  add (outcome: MessageOutcome): void {
    this.#pending.push(outcome)
    if (this.#pending.length >= this.batchSize) {
      void this.flush()
    } else if (this.#timer === undefined) {
      this.#timer = setTimeout(() => { void this.flush() }, this.flushIntervalMs)
    }
  }

  /** Resolves once everything added so far is stored. */
  async flush (): Promise<void> {
    clearTimeout(this.#timer)
    this.#timer = undefined
    const batch = this.#pending
    this.#pending = []
    this.#writing = this.#writing.then(async () => { if (batch.length > 0) await this.#write(batch) })
    await this.#writing
  }

  async #write (batch: MessageOutcome[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.store.record(this.run, batch)
        return
      } catch (error) {
        this.log.error({ err: error, runId: this.run.runId, outcomes: batch.length, attempt }, 'could not record outcomes; trying again')
        await sleep(Math.min(30_000, 250 * 2 ** attempt))
      }
    }
  }
}
