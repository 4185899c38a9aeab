import { setTimeout as sleep } from 'node:timers/promises'
import Fastify from 'fastify'
import campaigns, { postgresStore } from 'fastify-whatsapp-campaigns'
import { Pool } from 'undici'
import type { BenchDatabase } from './database.js'
import { startFakeProcess, type FakeProcess } from './fake-process.js'
import { ownCpuMs, postgresCpuMs } from './cpu.js'
import { phoneFor, report, timed } from './measure.js'

const connections = 32
const inFlight = 64

/**
 * A whole run, unpaced, through the plugin (claims, sends, batched outcome writes) against the local
 * fake, beside a bare undici blast of the same requests at the same fake: the machine's ceiling. The
 * fake runs in its own process, as Meta is elsewhere, so that it takes no CPU from the sender's event loop.
 */
export async function benchEngineThroughput (database: BenchDatabase, count = 20_000, rounds = 3): Promise<void> {
  const { db } = database
  const fake = await startFakeProcess({ accessToken: 'bench-token', keepLog: false })
  const app = Fastify({ logger: { level: 'warn' } })
  try {
    await app.register(campaigns, {
      store: postgresStore(db),
      whatsapp: { apiUrl: fake.apiUrl, phoneNumberId: '100', accessToken: 'bench-token' },
      sending: { messagesPerSecond: 1_000_000, concurrency: inFlight }
    })
    await app.ready()
    const contacts = Array.from({ length: count }, (_, i) => ({ phone: phoneFor(i), name: `Contact ${i}` }))
    // Taken in turns, so that both see the machine as it is at the time; the best of each is the
    // least disturbed by whatever else runs.
    let baseline = Infinity
    let engine = Infinity
    // CPU used over all rounds, by process: where a message's cost goes.
    const blastCpu = new CpuTally(fake)
    const engineCpu = new CpuTally(fake, database)
    for (let round = 0; round < rounds; round++) {
      await fake.reset()
      await blastCpu.start()
      baseline = Math.min(baseline, await blast(fake.apiUrl, count))
      await blastCpu.stop()
      await fake.reset()
      const campaign = await app.whatsappCampaigns.create('bench', { name: `bench ${round}`, templateName: 'hello', contacts })
      await engineCpu.start()
      engine = Math.min(engine, await timed(async () => {
        await app.whatsappCampaigns.run('bench', campaign.id)
        for (;;) {
          const [summary] = (await app.whatsappCampaigns.list('bench', { limit: 1 })).items
          if (summary.status !== 'running') {
            if (summary.successCount !== count) throw new Error(`run ended ${summary.status} with ${summary.successCount} sent`)
            return
          }
          await sleep(20)
        }
      }))
      await engineCpu.stop()
      const accepted = await fake.accepted()
      if (accepted !== count) throw new Error(`the fake accepted ${accepted} of ${count}`)
    }

    const rate = (ms: number): string => `${Math.round(count / (ms / 1000)).toLocaleString('en')} msg/s`
    report(`Unpaced run of ${count.toLocaleString('en')} recipients against the local fake (best of ${rounds}, taken in turns)`, [
      [`bare undici blast, ${inFlight} in flight (baseline)`, rate(baseline)],
      ['engine: claim, send, record in batches', rate(engine)],
      ['ratio engine / baseline', (baseline / engine).toFixed(2)],
      ['CPU per message, blast', blastCpu.perMessage(count * rounds, 'the client')],
      ['CPU per message, engine', engineCpu.perMessage(count * rounds, 'the engine\'s process')]
    ])
  } finally {
    await app.close()
    await fake.close()
  }
}

async function blast (apiUrl: string, count: number): Promise<number> {
  const url = new URL(apiUrl)
  const pool = new Pool(url.origin, { connections })
  const path = `${url.pathname}/100/messages`
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++
      const { body } = await pool.request({
        path,
        method: 'POST',
        headers: { authorization: 'Bearer bench-token', 'content-type': 'application/json' },
        body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to: phoneFor(i), type: 'template', template: { name: 'hello', language: { code: 'en' }, components: [{ type: 'body', parameters: [{ type: 'text', text: `Contact ${i}` }] }] } })
      })
      await body.json()
    }
  }
  try {
    return await timed(async () => await Promise.all(Array.from({ length: inFlight }, worker)))
  } finally {
    await pool.close()
  }
}

/** CPU time in ms; `postgres` is undefined when its backends are not counted or cannot be read. */
interface CpuReading { own: number, fake: number, postgres: number | undefined }

/**
 * CPU time of the sender's process, the fake and, given the `database` the work uses, PostgreSQL's
 * backends, added up over measured spans.
 */
class CpuTally {
  readonly #fake: FakeProcess
  readonly #database: BenchDatabase | undefined
  #at: CpuReading | undefined
  #used: CpuReading

  constructor (fake: FakeProcess, database?: BenchDatabase) {
    this.#fake = fake
    this.#database = database
    this.#used = { own: 0, fake: 0, postgres: database === undefined ? undefined : 0 }
  }

  async start (): Promise<void> {
    this.#at = await this.#read()
  }

  async stop (): Promise<void> {
    const now = await this.#read()
    const at = this.#at as CpuReading
    const used = this.#used
    used.own += now.own - at.own
    used.fake += now.fake - at.fake
    used.postgres = used.postgres === undefined || now.postgres === undefined || at.postgres === undefined
      ? undefined
      : used.postgres + now.postgres - at.postgres
  }

  perMessage (messages: number, own: string): string {
    const us = (ms: number): string => `${Math.round(ms * 1000 / messages)} µs`
    const { postgres } = this.#used
    const parts = [`${own} ${us(this.#used.own)}`, `the fake ${us(this.#used.fake)}`]
    if (postgres !== undefined) parts.push(`PostgreSQL ${us(postgres)}`)
    // PGlite works inside our process.
    else if (this.#database !== undefined && this.#database.url === undefined) parts[0] += ' (PGlite included)'
    return parts.join(' + ')
  }

  async #read (): Promise<CpuReading> {
    const [fake, postgres] = await Promise.all([
      this.#fake.cpuMs(),
      this.#database === undefined ? undefined : postgresCpuMs(this.#database)
    ])
    return { own: ownCpuMs(), fake, postgres }
  }
}
