import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyBaseLogger } from 'fastify'
import type { MessageOutcome, RunQueue, RunRef } from '../store/types.js'

/** The most outcomes one statement writes: a backlog is written in few statements, none too large. */
const mostPerWrite = 2000

/**
 * Statements writing at once. Two: while one waits for the run's counters (every write moves them,
 * so writes queue there), the other updates its rows. Their rows never overlap (each outcome is of
 * a recipient claimed once), so they cannot deadlock: both lock messages, then the run.
 */
const writers = 2

/**
 * Collects outcomes and writes them in batches: one statement per batch instead of one per message.
 * Outcomes that come while writes are under way go into the next, so batches grow with the load (up
 * to `mostPerWrite`). A failed write is kept and tried again, so no outcome is dropped while the
 * database is briefly away. `backlog` lets the sender wait instead of running ahead of the database:
 * a claimed recipient whose outcome stays unwritten past its lease would be reported in doubt.
 */
export class OutcomeBuffer {
  #pending: MessageOutcome[] = []
  readonly #writing = new Set<Promise<void>>()
  #timer: NodeJS.Timeout | undefined
  /** Outcomes in the writes under way. */
  #inWrite = 0

  constructor (
    private readonly queue: RunQueue,
    private readonly run: RunRef,
    /** A write starts once this many outcomes wait, or `flushIntervalMs` after the first. */
    private readonly batchSize: number,
    private readonly flushIntervalMs: number,
    private readonly log: FastifyBaseLogger
  ) {}

  /** Outcomes added and not yet written (including the writes under way). */
  get backlog (): number {
    return this.#pending.length + this.#inWrite
  }

  add (outcome: MessageOutcome): void {
    this.#pending.push(outcome)
    this.#writeWhenDue()
  }

  /** Resolves once everything added so far is stored. */
  async flush (): Promise<void> {
    while (this.#pending.length > 0 || this.#writing.size > 0) {
      this.#write()
      await Promise.all(this.#writing)
    }
  }

  /** Resolves once fewer than `most` outcomes wait to be written. */
  async backlogBelow (most: number): Promise<void> {
    while (this.backlog >= most) {
      this.#write()
      await Promise.race(this.#writing)
    }
  }

  /** Starts writes of what is pending, as many as `writers` allows. */
  #write (): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    while (this.#writing.size < writers && this.#pending.length > 0) {
      const batch = this.#pending.splice(0, mostPerWrite)
      this.#inWrite += batch.length
      const writing: Promise<void> = this.#writeBatch(batch).finally(() => {
        this.#inWrite -= batch.length
        this.#writing.delete(writing)
        // What came meanwhile.
        if (this.#pending.length > 0) this.#writeWhenDue()
      })
      this.#writing.add(writing)
    }
  }

  /** At once when a batch is full, else within the interval. */
  #writeWhenDue (): void {
    if (this.#pending.length >= this.batchSize) this.#write()
    else this.#timer ??= setTimeout(() => { this.#write() }, this.flushIntervalMs)
  }

  async #writeBatch (batch: MessageOutcome[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.queue.record(this.run, batch)
        return
      } catch (error) {
        this.log.error({ err: error, runId: this.run.runId, outcomes: batch.length, attempt }, 'could not record outcomes; trying again')
        await sleep(Math.min(30_000, 250 * 2 ** attempt))
      }
    }
  }
}
