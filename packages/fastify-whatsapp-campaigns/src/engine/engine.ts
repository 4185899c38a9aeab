import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyBaseLogger } from 'fastify'
import type { CampaignStore, RunPlan, Tenant } from '../store/types.js'
import type { WhatsAppSender } from '../whatsapp/types.js'
import { Pacer } from './pacer.js'
import { workRun } from './run-worker.js'
import type { EngineSettings } from './settings.js'

/** The sender for a tenant, and the key of the phone number it sends from (the pacing is per number). */
export interface SenderLease {
  sender: WhatsAppSender
  numberKey: string
}

export interface EngineOptions {
  store: CampaignStore
  senderFor: (tenant: Tenant) => Promise<SenderLease>
  settings: EngineSettings
  log: FastifyBaseLogger
}

/**
 * Runs campaigns in the background, one worker per run, in this process. Knows nothing of HTTP: the
 * service starts runs, and the plugin resumes the ones a restart left running and closes it.
 */
export class Engine {
  readonly #options: EngineOptions
  readonly #workers = new Map<number, Promise<void>>()
  readonly #pacers = new Map<string, Pacer>()
  readonly #stop = new AbortController()

  constructor (options: EngineOptions) {
    this.#options = options
  }

  /** Works on the run unless this process already does. */
  start (plan: RunPlan): void {
    if (this.#stop.signal.aborted || this.#workers.has(plan.runId)) return
    const worker = this.#keepWorking(plan).finally(() => this.#workers.delete(plan.runId))
    this.#workers.set(plan.runId, worker)
  }

  /** Picks up the runs left running, e.g. by a restart. */
  async resume (): Promise<void> {
    for (const plan of await this.#options.store.activeRuns()) this.start(plan)
  }

  /** Runs this process works on now. */
  get activeRunIds (): number[] {
    return [...this.#workers.keys()]
  }

  /** Stops claiming, records what is in flight, and leaves unfinished runs running for the next start. */
  async close (): Promise<void> {
    this.#stop.abort()
    await Promise.all(this.#workers.values())
  }

  /** A run survives a failing database or sender: the worker starts again after a pause. */
  async #keepWorking (plan: RunPlan): Promise<void> {
    const { log } = this.#options
    for (let attempt = 1; !this.#stop.signal.aborted; attempt++) {
      try {
        const { sender, numberKey } = await this.#options.senderFor(plan.tenant)
        await workRun({
          plan,
          store: this.#options.store,
          sender,
          pacer: this.#pacerFor(numberKey),
          settings: this.#options.settings,
          log,
          stop: this.#stop.signal
        })
        return
      } catch (error) {
        log.error({ err: error, campaignId: plan.campaignId, runId: plan.runId, attempt }, 'campaign run interrupted; starting again')
        await sleep(Math.min(30_000, 500 * 2 ** attempt), undefined, { signal: this.#stop.signal }).catch(() => {})
      }
    }
  }

  #pacerFor (numberKey: string): Pacer {
    let pacer = this.#pacers.get(numberKey)
    if (pacer === undefined) {
      pacer = new Pacer(this.#options.settings.messagesPerSecond)
      this.#pacers.set(numberKey, pacer)
    }
    return pacer
  }
}
