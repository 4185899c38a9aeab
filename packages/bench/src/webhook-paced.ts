import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import Fastify from 'fastify'
import campaigns, { postgresStore } from 'fastify-whatsapp-campaigns'
import { runChild } from './child-process.js'
import type { BenchDatabase } from './database.js'
import { startFakeProcess } from './fake-process.js'
import { phoneFor } from './measure.js'
import type { SenderResult, SenderSpec } from './webhook-sender.js'

const tenant = 'bench-ingest-paced'
// A number of its own: a number's pacing state is kept in the database.
const phoneNumberId = '105'
const accessToken = 'bench-token'
/** The paced run's rate, msg/s. */
export const pacedLimit = 1000

/** Webhooks sent beside the paced run: what they are, and the sender's spec given the app's origin. */
export interface BesideLoad {
  label: string
  spec: (origin: string) => SenderSpec
  /** The least ratio of the run's rate beside this load to its rate alone that meets the target, if it has one. */
  target?: number
}

/**
 * A run paced at 1,000 msg/s by the plugin against the fake (in its own process, with 100-300 ms
 * answers, judging the same limit as the pacing benchmark does), over `seconds` alone and then while
 * the same app ingests each of `loads` in turn, sent from the sender process: the rate the fake
 * accepted in each span, and the ingestion's own figures meanwhile. Rows for the ingest benchmark's
 * report, and what the sender had answered in each load, for the caller to check against the rows.
 */
export async function pacedRunWithIngestion (
  { db, query }: BenchDatabase, appSecret: string, loads: BesideLoad[], seconds: number
): Promise<{ rows: Array<[string, string]>, ingestion: SenderResult[] }> {
  // The fake judges the limit as in the pacing benchmark: arrivals timed by a front ahead of the other processes.
  const fake = await startFakeProcess({ accessToken, messagesPerSecond: pacedLimit, latencyMs: { min: 100, max: 300 }, keepLog: 'outcomes' }, { judge: true })
  const app = Fastify({ logger: { level: 'warn' } })
  try {
    const count = Math.ceil(pacedLimit * ((1 + loads.length) * seconds + 5) * 1.2)
    await app.register(campaigns, {
      store: postgresStore(db),
      whatsapp: { apiUrl: fake.apiUrl, phoneNumberId, accessToken },
      sending: { messagesPerSecond: pacedLimit },
      maxContacts: count,
      webhook: { appSecret }
    })
    const origin = await app.listen({ host: '127.0.0.1', port: 0 })
    const contacts = Array.from({ length: count }, (_, i) => ({ phone: phoneFor(i), name: `Contact ${i}` }))
    const campaign = await app.whatsappCampaigns.create(tenant, { name: 'paced with ingestion', templateName: 'hello', contacts })
    await app.whatsappCampaigns.run(tenant, campaign.id)
    let first: number | undefined
    while ((first = await fake.firstTime()) === undefined) await sleep(5)
    // A second of ramp-up left out: the run's first claim and connections.
    const alone = { from: first + 1000, to: first + 1000 + seconds * 1000 }
    await sleep(alone.from - Date.now())
    const { delay: aloneDelay } = await loopDelayOver(async () => { await sleep(alone.to - Date.now()) })
    const beside: Array<{ load: BesideLoad, spec: SenderSpec, sent: SenderResult, span: { from: number, to: number }, delay: IntervalHistogram }> = []
    for (const load of loads) {
      const spec = load.spec(origin)
      const { result: sent, delay } = await loopDelayOver(async () => await runChild<SenderResult>('webhook sender', 'webhook-sender.js', { INGEST_SPEC: JSON.stringify(spec) }))
      if (sent.refused > 0) throw new Error(`${sent.refused} of ${sent.requests} webhook requests were refused, the first ${sent.firstRefusal}`)
      beside.push({ load, spec, sent, span: { from: sent.startedAt, to: sent.startedAt + sent.ms }, delay })
    }

    const log = await fake.log()
    const rate = (span: { from: number, to: number }): number =>
      log.filter(entry => entry.accepted && entry.time >= span.from && entry.time < span.to).length / ((span.to - span.from) / 1000)
    const throttled = (span: { from: number, to: number }): number => log.filter(entry => entry.code === 130429 && entry.time >= span.from && entry.time < span.to).length
    const line = (span: { from: number, to: number }): string =>
      `${rate(span).toFixed(1)} msg/s (${(100 * rate(span) / pacedLimit).toFixed(1)}% of the limit), ${throttled(span)} × 130429`
    const ms = (value: number): string => `${value.toFixed(value < 10 ? 1 : 0)} ms`
    const delays = (histogram: IntervalHistogram): string =>
      `the app's event loop ${ms(histogram.percentile(99) / 1e6)} late at p99, ${ms(histogram.max / 1e6)} at most (a 1 ms timer's lateness)`
    const rows: Array<[string, string]> = [
      [`paced run at ${pacedLimit.toLocaleString('en')} msg/s against the fake (its judge at ${fake.priority} priority), alone, ${seconds} s (baseline)`, `${line(alone)}; ${delays(aloneDelay)}`]
    ]
    for (const { load, spec, sent, span, delay } of beside) {
      rows.push(
        [`paced run, while the same app ingests ${load.label} (bodies of ${spec.perBody.toLocaleString('en')} status${spec.perBody === 1 ? '' : 'es'}, ${spec.concurrency} concurrent at most), ${(sent.ms / 1000).toFixed(1)} s`, `${line(span)}; ${delays(delay)}`],
        ['  the ingestion meanwhile', `${Math.round(sent.statuses / (sent.ms / 1000)).toLocaleString('en')} statuses/s; p50 ${ms(sent.p50Ms)}, p99 ${ms(sent.p99Ms)}`],
        [`  ratio of the run's rates, with ${load.label} / alone`, (rate(span) / rate(alone)).toFixed(3)]
      )
      if (load.target !== undefined) rows.push([`  target: the run keeps its rate (ratio >= ${load.target})`, rate(span) / rate(alone) >= load.target ? 'met' : 'NOT met'])
    }
    return { rows, ingestion: beside.map(({ sent }) => sent) }
  } finally {
    await app.close()
    // The run was stopped midway and is still `running`: another benchmark's engine would resume it.
    await query('DELETE FROM campaigns WHERE tenant = $1', [tenant])
    await fake.close()
  }
}

/**
 * How late this process's timers ran while `work` went on. The engine skips a slot its event loop
 * reaches more than 5 ms late, so the lateness shows what the run lost.
 */
async function loopDelayOver<T> (work: () => Promise<T>): Promise<{ result: T, delay: IntervalHistogram }> {
  const delay = monitorEventLoopDelay({ resolution: 1 })
  delay.enable()
  try {
    return { result: await work(), delay }
  } finally {
    delay.disable()
  }
}
