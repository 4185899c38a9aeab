import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import Fastify from 'fastify'
import campaigns, { postgresStore } from 'fastify-whatsapp-campaigns'
import { Pool } from 'undici'
import type { BenchDatabase } from './database.js'
import { startFakeProcess, type FakeProcess } from './fake-process.js'
import { machineCpuMs, ownCpuMs, postgresCpuMs } from './cpu.js'
import { phoneFor, report, timed } from './measure.js'

const connections = 32
const inFlight = 64

/**
 * A whole run, unpaced, through the plugin (claims, sends, batched outcome writes) against the local
 * fake, beside a bare undici blast of the same requests at the same fake: the machine's ceiling. The
 * fake runs in its own process, as Meta is elsewhere, so that it takes no CPU from the sender's event loop.
 */
export async function benchEngineThroughput (database: BenchDatabase, count = 20_000, rounds = 5): Promise<void> {
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
    // Taken in turns, so that both see the machine as it is at the time; the figures are those of
    // each one's fastest round, the least disturbed by whatever else runs (the first warms up the JIT).
    const blasts: Round[] = []
    const engines: Round[] = []
    for (let round = 0; round < rounds; round++) {
      await fake.reset()
      blasts.push(await measured(fake, undefined, async () => await blast(fake.apiUrl, count)))
      await fake.reset()
      const campaign = await app.whatsappCampaigns.create('bench', { name: `bench ${round}`, templateName: 'hello', contacts })
      engines.push(await measured(fake, database, async () => {
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
      const accepted = await fake.accepted()
      if (accepted !== count) throw new Error(`the fake accepted ${accepted} of ${count}`)
    }
    const baseline = fastest(blasts)
    const engine = fastest(engines)

    const rate = (ms: number): string => `${Math.round(count / (ms / 1000)).toLocaleString('en')} msg/s`
    report(`Unpaced run of ${count.toLocaleString('en')} recipients against the local fake (best of ${rounds}, taken in turns)`, [
      [`bare undici blast, ${inFlight} in flight (baseline)`, rate(baseline.ms)],
      ['engine: claim, send, record in batches', rate(engine.ms)],
      ['ratio engine / baseline', (baseline.ms / engine.ms).toFixed(2)],
      ['CPU per message, blast', cpuPerMessage(baseline, count, 'the client')],
      ['CPU per message, engine', cpuPerMessage(engine, count, 'the engine\'s process', database)]
    ])
  } finally {
    await app.close()
    await fake.close()
  }
}

async function blast (apiUrl: string, count: number): Promise<void> {
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
    await Promise.all(Array.from({ length: inFlight }, worker))
  } finally {
    await pool.close()
  }
}

/** CPU time in ms; `postgres` is undefined when its backends are not counted or cannot be read. */
interface CpuReading { own: number, fake: number, postgres: number | undefined, machine: { busy: number, all: number } | undefined }

/** One measured round: how long it took, the CPU each process used meanwhile, and the share of the time our event loop was busy. */
interface Round { ms: number, used: CpuReading, eventLoopBusy: number }

/**
 * Times `work` and reads, around it, the CPU of the sender's process, the fake, PostgreSQL's backends
 * (given the `database` the work uses) and the whole machine.
 */
async function measured (fake: FakeProcess, database: BenchDatabase | undefined, work: () => Promise<void>): Promise<Round> {
  const read = async (): Promise<CpuReading> => {
    const [fakeMs, postgres, machine] = await Promise.all([
      fake.cpuMs(),
      database === undefined ? undefined : postgresCpuMs(database),
      machineCpuMs()
    ])
    return { own: ownCpuMs(), fake: fakeMs, postgres, machine }
  }
  const before = await read()
  const loopBefore = performance.eventLoopUtilization()
  const ms = await timed(work)
  const { utilization } = performance.eventLoopUtilization(loopBefore)
  const after = await read()
  const since = (a: number | undefined, b: number | undefined): number | undefined => a === undefined || b === undefined ? undefined : a - b
  return {
    ms,
    eventLoopBusy: utilization,
    used: {
      own: after.own - before.own,
      fake: after.fake - before.fake,
      postgres: since(after.postgres, before.postgres),
      machine: after.machine === undefined || before.machine === undefined
        ? undefined
        : { busy: after.machine.busy - before.machine.busy, all: after.machine.all - before.machine.all }
    }
  }
}

/** The fastest round: the least disturbed by whatever else runs. */
function fastest (rounds: readonly Round[]): Round {
  return rounds.reduce((best, round) => round.ms < best.ms ? round : best)
}

/** Where a message's CPU went in `round`, by process, and how busy the whole machine and our event loop were meanwhile. */
function cpuPerMessage ({ used, eventLoopBusy }: Round, messages: number, own: string, database?: BenchDatabase): string {
  const us = (ms: number): string => `${Math.round(ms * 1000 / messages)} µs`
  const parts = [`${own} ${us(used.own)}`, `the fake ${us(used.fake)}`]
  if (used.postgres !== undefined) parts.push(`PostgreSQL ${us(used.postgres)}`)
  // PGlite works inside our process.
  else if (database !== undefined && database.url === undefined) parts[0] += ' (PGlite included)'
  const percent = (share: number): string => `${Math.round(100 * share)}%`
  const machine = used.machine === undefined ? '' : `; the machine ${us(used.machine.busy)}, ${percent(used.machine.busy / used.machine.all)} busy`
  return `${parts.join(' + ')}${machine}; the event loop of ${own} ${percent(eventLoopBusy)} busy`
}
