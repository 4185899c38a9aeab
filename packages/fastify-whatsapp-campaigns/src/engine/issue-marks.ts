import type { ClaimedMessage, RunPlan, RunQueue } from '../store/types.js'

/**
 * Keeps a claim's mark (RunQueue.markIssued) a little ahead of its sends, so that a worker killed
 * mid-batch leaves in doubt only the recipients whose request may have been written, not the whole
 * claim. The mark is raised `ahead` messages at a time and the next raise starts when half of them
 * are sent, so a send waits for the database only when a write takes longer than half a chunk of
 * sending.
 */
export class IssueMarks {
  /** Index in the batch of the last message the stored mark covers; -1 before the first write. */
  private durable = -1
  private raising: { through: number, written: Promise<void> } | undefined

  constructor (
    private readonly queue: Pick<RunQueue, 'markIssued'>,
    private readonly plan: RunPlan,
    private readonly batch: readonly ClaimedMessage[],
    private readonly leaseUntil: Date,
    private readonly ahead: number
  ) {}

  /** Resolves once the message at `index` may be sent: the stored mark covers it. Rejects when the mark could not be written. */
  async allow (index: number): Promise<void> {
    while (this.durable < index) {
      const raising = this.raising !== undefined && this.raising.through >= index ? this.raising : this.raise(index)
      await raising.written
    }
    if (this.durable - index < this.ahead / 2 && this.raising === undefined && this.durable < this.batch.length - 1) this.raise(this.durable + 1)
  }

  private raise (from: number): { through: number, written: Promise<void> } {
    const through = Math.min(this.batch.length - 1, from + this.ahead - 1)
    const written = this.queue.markIssued(this.plan, this.leaseUntil, this.batch[through].id).then(() => {
      this.durable = Math.max(this.durable, through)
    }).finally(() => {
      if (this.raising?.written === written) this.raising = undefined
    })
    // Awaited by the next allow() that needs it; a failure surfaces there, never as an unhandled rejection.
    written.catch(() => {})
    const raising = { through, written }
    this.raising = raising
    return raising
  }
}
