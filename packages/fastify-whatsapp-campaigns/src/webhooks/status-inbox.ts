import type { FastifyBaseLogger } from 'fastify'
import type { IngestSummary, JournalEntry, StatusJournal, StatusReport } from '../store/types.js'
import { BatchQueue, oldestWithin } from './batch-queue.js'

/** The store's journal, whole. */
export type Journal = Required<StatusJournal>

export interface StatusInboxOptions {
  journal: Journal
  log: FastifyBaseLogger
  /** Statuses applied in one transaction at most (a single entry larger than this still goes whole). */
  statusesPerApply?: number
  /** Statuses journaled and not applied yet beyond which `add` waits: what the applier may fall behind by. */
  backlogLimit?: number
  /** How old another process's entry must be before it counts as stranded, and how often they are looked for. */
  strandedAfterMs?: number
  /** The pause before a failed apply is tried again. */
  retryMs?: number
  /**
   * How long the applier lets statuses gather before an apply that would not fill a transaction, unless
   * something waits on it (`settled`, close): a few larger transactions cost the database far less than
   * many small ones, and the statuses are already safe in the journal.
   */
  gatherMs?: number
  /** Journal inserts under way at once at most: the requests behind them wait for the sooner one's commit. */
  journalInserts?: number
  /**
   * Statuses that must be waiting before an insert starts beside the one under way. Each insert costs
   * both processes a round trip whatever it carries; while one at a time keeps up, the requests that
   * arrive during it share the next, and a second one opens only when its commit is slow to come.
   */
  journalOverlapAt?: number
}

interface Pending extends JournalEntry {
  /** Its place in the order entries were journaled here. */
  seq: number
}

/**
 * Status webhooks stored first and applied right after: `add` resolves once its statuses are in the
 * store's journal (one insert for all the requests that arrive together), so the route can answer
 * Meta at once; one applier here folds what was journaled into the messages, oldest first, in
 * transactions as large as its backlog. Entries a stopped process left are applied by a sweep.
 * Statuses commute (they only move a message forward), so only counting each once matters, which the
 * journal's delete sees to; the order is kept anyway, and `settled` lets what must follow them (a
 * reply, an opt-out) wait for those already acknowledged.
 */
export class StatusInbox {
  private readonly journal: Journal
  private readonly log: FastifyBaseLogger
  private readonly statusesPerApply: number
  private readonly backlogLimit: number
  private readonly strandedAfterMs: number
  private readonly retryMs: number
  private readonly gatherMs: number
  private readonly intake: BatchQueue<StatusReport[], number>
  private pending: Pending[] = []
  private pendingStatuses = 0
  private journaled = 0
  private attempted = 0
  private applying: Promise<void> | null = null
  /** Called after each apply attempt, whatever its outcome. */
  private progress: Array<() => void> = []
  private sweeper: NodeJS.Timeout | undefined
  private sweeping: Promise<void> | null = null
  private closing = false
  /** Ends the applier's pause (gathering, or before a retry) early, for close or a caller of `settled`. */
  private endPause: (() => void) | undefined
  private gathering = false

  constructor (options: StatusInboxOptions) {
    this.journal = options.journal
    this.log = options.log
    this.statusesPerApply = options.statusesPerApply ?? 20_000
    this.backlogLimit = options.backlogLimit ?? 200_000
    this.strandedAfterMs = options.strandedAfterMs ?? 5_000
    this.retryMs = options.retryMs ?? 1_000
    this.gatherMs = options.gatherMs ?? 200
    this.intake = new BatchQueue({
      call: async batches => {
        const statuses = batches.flat()
        const id = await this.journal.journalStatuses(statuses)
        this.enqueue({ id, statuses, seq: ++this.journaled })
        return id
      },
      sizeOf: statuses => statuses.length,
      maxSize: this.statusesPerApply,
      concurrency: options.journalInserts ?? 2,
      overlapAt: options.journalOverlapAt ?? 64
    })
  }

  /** Resolves once `statuses` are journaled: stored, to be applied. */
  async add (statuses: StatusReport[]): Promise<void> {
    while (this.pendingStatuses >= this.backlogLimit && !this.closing) await this.nextProgress()
    await this.intake.add(statuses)
  }

  /** Resolves once every entry journaled here so far has been through an apply (applied, or failed and left for a retry). */
  async settled (): Promise<void> {
    const through = this.journaled
    while (this.attempted < through && this.pending.length > 0) {
      const next = this.nextProgress()
      if (this.gathering) this.endPause?.()
      await next
    }
  }

  /** Looks for stranded entries now, then every `strandedAfterMs`. */
  start (): void {
    this.sweep(new Date())
    this.sweeper = setInterval(() => { this.sweep(new Date(Date.now() - this.strandedAfterMs)) }, this.strandedAfterMs)
    this.sweeper.unref()
  }

  /** Takes nothing more; applies what was journaled (tried once more at most: what fails stays journaled, for a sweep). */
  async close (): Promise<void> {
    clearInterval(this.sweeper)
    await this.intake.close()
    this.closing = true
    this.endPause?.()
    this.wake()
    while (this.applying !== null) await this.applying
    await this.sweeping
  }

  private enqueue (entry: Pending): void {
    this.pending.push(entry)
    this.pendingStatuses += entry.statuses.length
    this.applying ??= this.apply()
  }

  private async apply (): Promise<void> {
    // After a failed batch, its oldest entry goes alone: one entry the store cannot apply (whatever the
    // reason) must not hold back every status after it.
    let alone = false
    while (this.pending.length > 0) {
      // Nobody waiting on the applier (`settled`, back-pressure), nor a full transaction: let more gather.
      if (!alone && this.pendingStatuses < this.statusesPerApply && !this.closing && this.progress.length === 0) {
        this.gathering = true
        await this.pause(this.gatherMs)
        this.gathering = false
      }
      const batch = alone ? this.pending.slice(0, 1) : this.nextBatch()
      let failed = false
      try {
        const summary: IngestSummary = await this.journal.applyJournaled(batch)
        this.log.debug({ entries: batch.length, summary }, 'whatsapp webhook: journaled statuses applied')
        this.drop(batch.length)
        alone = false
      } catch (error) {
        failed = true
        if (batch.length === 1 && alone) {
          // Failed alone too: set aside here, still journaled, for the sweep to try again later.
          this.log.error({ err: error, entry: batch[0].id }, 'whatsapp webhook: a journaled entry could not be applied; it stays journaled for a later sweep')
          this.drop(1)
          alone = false
        } else {
          this.log.error({ err: error, entries: batch.length }, 'whatsapp webhook: journaled statuses could not be applied; they stay journaled and are tried again')
          alone = true
        }
      }
      this.attempted = Math.max(this.attempted, batch[batch.length - 1].seq)
      this.wake()
      if (failed) {
        // Closing: the entries stay in the journal, for the next process's sweep (or another instance's).
        if (this.closing) break
        await this.pause(this.retryMs)
      }
    }
    if (this.closing) this.drop(this.pending.length)
    this.applying = null
    this.wake()
  }

  /** Forgets the oldest `count` pending entries (applied, or left in the journal). */
  private drop (count: number): void {
    for (const entry of this.pending.splice(0, count)) this.pendingStatuses -= entry.statuses.length
  }

  private async pause (ms: number): Promise<void> {
    await new Promise<void>(resolve => {
      const timer = setTimeout(resolve, ms).unref()
      this.endPause = () => { clearTimeout(timer); resolve() }
    })
    this.endPause = undefined
  }

  /** The oldest entries, up to the cap. */
  private nextBatch (): Pending[] {
    return this.pending.slice(0, oldestWithin(this.pending, entry => entry.statuses.length, this.statusesPerApply))
  }

  private async nextProgress (): Promise<void> {
    await new Promise<void>(resolve => this.progress.push(resolve))
  }

  private wake (): void {
    const waiting = this.progress
    this.progress = []
    for (const resolve of waiting) resolve()
  }

  /** Applies entries journaled before `before` by a process that did not apply them, a page at a time. */
  private sweep (before: Date): void {
    if (this.sweeping !== null || this.closing) return
    const page = 100
    this.sweeping = (async () => {
      try {
        let swept = 0
        let taken
        do {
          taken = await this.journal.applyStrandedStatuses(before, page)
          swept += taken
        } while (taken === page && !this.closing)
        if (swept > 0) this.log.info({ entries: swept }, 'whatsapp webhook: statuses journaled by a stopped process applied')
      } catch (error) {
        this.log.warn({ err: error }, 'whatsapp webhook: stranded journal entries could not be applied; tried again later')
      } finally {
        this.sweeping = null
      }
    })()
  }
}
