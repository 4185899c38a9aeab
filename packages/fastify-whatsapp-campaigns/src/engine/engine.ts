import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyBaseLogger } from 'fastify'
import type { DeliveryLedger, RunPlan, RunQueue, SendTimeline, Tenant } from '../store/types.js'
import type { WhatsAppSender } from '../whatsapp/types.js'
import { workRun } from './run-worker.js'
import type { EngineSettings } from './settings.js'
import { SlotPacer } from './slot-pacer.js'

/** A status for a wamid no message has is kept this long: its send's record may be late, never this late. */
const earlyStatusLifeMs = 24 * 60 * 60 * 1000
const earlyStatusSweepMs = 10 * 60 * 1000

/** The longest pause before an interrupted run's worker starts again. */
const mostRestartPauseMs = 30_000

/** The sender for a tenant, and the key of the phone number it sends from (the pacing is per number). */
export interface SenderLease {
  sender: WhatsAppSender
  numberKey: string
  /** The worker is done with the sender (it may be closed once nobody else uses it). */
  release?: () => void
}

export interface EngineOptions {
  queue: RunQueue
  timeline: SendTimeline
  /** Sends in doubt, and statuses kept for messages that never appeared. */
  ledger: Pick<DeliveryLedger, 'resolveDoubts' | 'expireEarlyStatuses'>
  /** How long a send in doubt waits for its witness; undefined when no status webhooks come (see RunWorkerContext). */
  witnessWindowMs?: number
  /** Starts a due scheduled campaign: its plan for the one instance that gets it, else null. */
  startScheduled: (tenant: Tenant, id: number) => Promise<RunPlan | null>
  senderFor: (tenant: Tenant) => Promise<SenderLease>
  settings: EngineSettings
  log: FastifyBaseLogger
}

/**
 * Runs campaigns in the background, one worker per run in this process. PostgreSQL is the coordinator:
 * every instance scans for scheduled campaigns that are due and for running runs, and works on all of
 * them; claims with SKIP LOCKED share the recipients and the shared pacer the rate. Knows nothing of HTTP.
 */
export class Engine {
  readonly #options: EngineOptions
  /** This process's workers, by run id, with the run they work on. */
  readonly #workers = new Map<number, { plan: RunPlan, done: Promise<void> }>()
  readonly #pacers = new Map<string, SlotPacer>()
  readonly #stop = new AbortController()
  /** Campaigns paused or cancelled through this process, by id, so its workers stop before the next send. */
  readonly #stoppedHere = new Map<number, 'pause' | 'cancel'>()
  /** Runs started again while their stopped worker was still finishing, by run id: started once it ends. */
  readonly #startAgain = new Map<number, RunPlan>()
  #scanning: Promise<void> | undefined
  #earlyStatusesExpiredAt = 0

  constructor (options: EngineOptions) {
    this.#options = options
  }

  /**
   * Works on the run unless this process already does. A worker stopping for a pause or a cancel made
   * here may still be finishing its sends: a run started again meanwhile (a resume) gets a new worker
   * as soon as that one is done, not at the next scan.
   */
  start (plan: RunPlan): void {
    if (this.#stop.signal.aborted) return
    if (this.#workers.has(plan.runId)) {
      if (this.#stoppedHere.has(plan.campaignId)) this.#startAgain.set(plan.runId, plan)
      return
    }
    this.#stoppedHere.delete(plan.campaignId)
    const done = this.#keepWorking(plan).finally(() => {
      this.#workers.delete(plan.runId)
      this.#stoppedHere.delete(plan.campaignId)
      const again = this.#startAgain.get(plan.runId)
      this.#startAgain.delete(plan.runId)
      if (again !== undefined) this.start(again)
    })
    this.#workers.set(plan.runId, { plan, done })
  }

  /**
   * Scans now and then every `idlePollMs`: due scheduled campaigns start, running runs are picked up (after a
   * restart, or from another instance), and expired leases in runs no longer running are failed (`failStaleLeases`).
   */
  scan (): void {
    this.#scanning ??= this.#scanLoop()
  }

  /** The store has paused or cancelled the campaign: this process's workers stop before their next send. */
  stopped (campaignId: number, how: 'pause' | 'cancel'): void {
    this.#stoppedHere.set(campaignId, how)
  }

  /**
   * Resolves once this process works on no run of the campaign: after a pause or a cancel made here,
   * once its worker has recorded the sends it had in flight. At once when it works on none.
   */
  async idle (campaignId: number): Promise<void> {
    for (;;) {
      const workers = [...this.#workers.values()].filter(worker => worker.plan.campaignId === campaignId)
      if (workers.length === 0) return
      await Promise.all(workers.map(async worker => { await worker.done }))
    }
  }

  /** Runs this process works on now. */
  get activeRunIds (): number[] {
    return [...this.#workers.keys()]
  }

  /** Stops claiming, records what is in flight, and leaves unfinished runs running for the next start. */
  async close (): Promise<void> {
    this.#stop.abort()
    await this.#scanning
    await Promise.all([...this.#workers.values()].map(async worker => { await worker.done }))
  }

  async #scanLoop (): Promise<void> {
    const { queue, settings, log } = this.#options
    while (!this.#stop.signal.aborted) {
      try {
        for (const due of await queue.dueScheduled(new Date(), 100)) {
          // Every instance tries; the guard lets exactly one start it.
          const plan = await this.#options.startScheduled(due.tenant, due.id)
          if (plan !== null) {
            log.info({ campaignId: due.id, runId: plan.runId }, 'scheduled campaign started')
            this.start(plan)
          }
        }
        for (const plan of await queue.activeRuns()) this.start(plan)
        // Leases left by a worker that died, in runs no longer running: no worker of theirs will settle them.
        const settled = await queue.failStaleLeases(new Date())
        if (settled > 0) log.warn({ count: settled }, 'recipients left sending in runs no longer running failed as UNKNOWN_OUTCOME')
        await this.#expireEarlyStatuses()
      } catch (error) {
        log.error({ err: error }, 'could not scan for campaigns to run')
      }
      await sleep(settings.idlePollMs, undefined, { signal: this.#stop.signal }).catch(() => {})
    }
  }

  /** Statuses of messages that never appeared (another app's on the same number), kept a day, dropped now and then. */
  async #expireEarlyStatuses (): Promise<void> {
    if (this.#options.witnessWindowMs === undefined || Date.now() - this.#earlyStatusesExpiredAt < earlyStatusSweepMs) return
    this.#earlyStatusesExpiredAt = Date.now()
    const dropped = await this.#options.ledger.expireEarlyStatuses(new Date(Date.now() - earlyStatusLifeMs))
    if (dropped > 0) this.#options.log.info({ count: dropped }, 'statuses of messages never seen, kept a day, dropped')
  }

  /** A run survives a failing database or sender: the worker starts again after a pause. */
  async #keepWorking (plan: RunPlan): Promise<void> {
    const { log } = this.#options
    for (let attempt = 1; !this.#stop.signal.aborted; attempt++) {
      const began = Date.now()
      try {
        const { sender, numberKey, release } = await this.#options.senderFor(plan.tenant)
        try {
          await workRun({
            plan,
            queue: this.#options.queue,
            sender,
            pacer: this.#pacerFor(numberKey),
            settings: this.#options.settings,
            log,
            stop: this.#stop.signal,
            stoppedHere: () => this.#stoppedHere.get(plan.campaignId),
            doubts: this.#options.ledger,
            witnessWindowMs: this.#options.witnessWindowMs
          })
        } finally {
          release?.()
        }
        return
      } catch (error) {
        // The pause grows with failures in a row: one after a stretch of work (a database restart
        // hours into a long run) starts again from the shortest.
        if (Date.now() - began > mostRestartPauseMs) attempt = 1
        log.error({ err: error, campaignId: plan.campaignId, runId: plan.runId, attempt }, 'campaign run interrupted; starting again')
        await sleep(Math.min(mostRestartPauseMs, 500 * 2 ** attempt), undefined, { signal: this.#stop.signal }).catch(() => {})
      }
    }
  }

  #pacerFor (numberKey: string): SlotPacer {
    let pacer = this.#pacers.get(numberKey)
    if (pacer === undefined) {
      const { timeline, settings } = this.#options
      pacer = new SlotPacer({
        timeline,
        numberKey,
        maxRate: settings.messagesPerSecond * (1 - settings.pacingHeadroom),
        chunkSeconds: 0.2,
        lateToleranceMs: 5
      })
      this.#pacers.set(numberKey, pacer)
    }
    return pacer
  }
}
