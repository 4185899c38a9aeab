import type { FastifyBaseLogger } from 'fastify'
import type { RunQueue } from '../store/types.js'
import type { QualityPause } from './quality-signals.js'
import { SenderDirectory } from './sender-directory.js'

/**
 * Pauses the running runs of a number whose quality update asks for it, whichever tenant sends from
 * it. The runs' workers see the pause at their next claim (within a second); the campaign shows the
 * reason until a person resumes it.
 */
export class QualityPauser {
  readonly #queue: Pick<RunQueue, 'runningFrom' | 'pauseRun'>
  readonly directory = new SenderDirectory()

  constructor (queue: Pick<RunQueue, 'runningFrom' | 'pauseRun'>) {
    this.#queue = queue
  }

  learn (numbers: ReadonlyArray<{ displayPhoneNumber: string, phoneNumberId: string }>): void {
    for (const { displayPhoneNumber, phoneNumberId } of numbers) this.directory.learn(displayPhoneNumber, phoneNumberId)
  }

  /** Returns the runs paused, and the display numbers no webhook has told the id of yet. */
  async apply (pauses: readonly QualityPause[], log: FastifyBaseLogger): Promise<{ paused: number, unknown: string[] }> {
    let paused = 0
    const unknown: string[] = []
    for (const pause of pauses) {
      const senders = this.directory.idsOf(pause.displayPhoneNumber)
      if (senders.length === 0) {
        unknown.push(pause.displayPhoneNumber)
        continue
      }
      // A number sends a handful of runs at once (one per campaign): one pause each, by the same
      // guarded statement a worker's own pause uses.
      for (const run of await this.#queue.runningFrom(senders)) {
        if (await this.#queue.pauseRun(run, pause.reason)) {
          paused++
          log.warn({ tenant: run.tenant, campaignId: run.campaignId, runId: run.runId, error: pause.reason }, 'campaign run paused by a quality update of its number')
        }
      }
    }
    return { paused, unknown }
  }
}
