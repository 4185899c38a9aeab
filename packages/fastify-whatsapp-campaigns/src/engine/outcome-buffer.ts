import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyBaseLogger } from 'fastify'
import type { CampaignStore, MessageOutcome, RunRef } from '../store/types.js'

/** The most outcomes one statement writes: a backlog is written in few statements, none too large. */
const mostPerWrite = 2000

/**
 * Collects outcomes and writes them in batches: one statement per batch instead of one per message.
 * One write at a time; outcomes that come meanwhile go into the next, so batches grow with the load
 * (up to `mostPerWrite`). A failed write is kept and tried again, so no outcome is dropped while the
 * database is briefly away. `backlog` lets the sender wait instead of running ahead of the database:
 * a claimed recipient whose outcome stays unwritten past its lease would be reported in doubt.
 */
export class OutcomeBuffer {
  #pending: MessageOutcome[] = []
  #writing: Promise<void> | undefined
  #timer: NodeJS.Timeout | undefined
  /** The size of the batch being written. */
  #inWrite = 0

  constructor (
    private readonly store: CampaignStore,
    private readonly run: RunRef,
    /** A write starts once this many outcomes wait, or `flushIntervalMs` after the first. */
    private readonly batchSize: number,
    private readonly flushIntervalMs: number,
    private readonly log: FastifyBaseLogger
  ) {}

  /** Outcomes added and not yet written (including the write under way). */
  get backlog (): number {
    return this.#pending.length + this.#inWrite
  }

  add (outcome: MessageOutcome): void {
    this.#pending.push(outcome)
    if (this.#pending.length >= this.batchSize) this.#write()
    else this.#timer ??= setTimeout(() => { this.#write() }, this.flushIntervalMs)
  }

  /** Resolves once everything added so far is stored. */
  async flush (): Promise<void> {
    while (this.#pending.length > 0 || this.#writing !== undefined) {
      this.#write()
      await this.#writing
    }
  }

  /** Resolves once fewer than `most` outcomes wait to be written. */
  async backlogBelow (most: number): Promise<void> {
    while (this.backlog >= most) {
      this.#write()
      await this.#writing
    }
  }

  #write (): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    this.#writing ??= this.#writeAll().finally(() => {
      this.#writing = undefined
      // Added between the last batch and now: written by the next timer.
      if (this.#pending.length > 0) this.#timer ??= setTimeout(() => { this.#write() }, this.flushIntervalMs)
    })
  }

  async #writeAll (): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending.splice(0, mostPerWrite)
      this.#inWrite = batch.length
      await this.#writeBatch(batch)
      this.#inWrite = 0
    }
  }

  async #writeBatch (batch: MessageOutcome[]): Promise<void> {
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
