import { createHmac, timingSafeEqual } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import Fastify, { type FastifyInstance } from 'fastify'
import campaigns, { postgresStore, type CampaignStore, type RunRef } from 'fastify-whatsapp-campaigns'
import { runChild } from './child-process.js'
import { ownCpuMs, postgresCpuMs } from './cpu.js'
import type { BenchDatabase } from './database.js'
import { phoneFor, report } from './measure.js'
import { pacedLimit, pacedRunWithIngestion } from './webhook-paced.js'
import type { SenderResult, SenderSpec } from './webhook-sender.js'

const tenant = 'bench-ingest'
const phoneNumberId = '104'
const appSecret = 'bench-app-secret'
const path = '/webhook'
/** Far above a 1,000-status body; the baseline takes what the plugin's route takes. */
const bodyLimit = 4 * 1024 * 1024

/** One kind of body, sent by `concurrency` workers to each server over the same positions of the run. */
interface Load {
  label: string
  perBody: number
  block: number
  concurrency: number
  /** Positions sent before the measured span, for at most 2 s, to warm both servers up (a multiple of `block`). */
  warmup: number
  /** Positions the measured span may name (a multiple of `block`): the plugin must not run out of them. */
  measured: number
  /**
   * The plugin's measured spans, each between two of the baseline's, sharing the load's seconds: a
   * ratio against the baseline is taken over the same stretch of a machine whose speed drifts.
   */
  rounds: number
  /** The target for the plugin under this load. */
  target: { label: string, met: (ratio: number, ours: Side) => boolean }
}

const statusesPerSecond = (result: SenderResult): number => result.statuses / (result.ms / 1000)

/**
 * The span's statuses over the span and the close that applied what was left of them: what the plugin
 * stored and applied, not merely answered for.
 */
const appliedPerSecond = ({ measured, backlog }: Side): number => measured.statuses / ((measured.ms + backlog.closeMs) / 1000)
const oneStatusTarget: Load['target'] = { label: 'ratio >= 0.5 and p99 <= 250 ms', met: (ratio, ours) => ratio >= 0.5 && ours.measured.p99Ms <= 250 }
const batchTarget: Load['target'] = { label: '>= 20,000 statuses/s applied', met: (_ratio, ours) => appliedPerSecond(ours) >= 20_000 }

/**
 * Over the measured span: the CPU of the server's process (ours) and of PostgreSQL's backends, in ms
 * (undefined when they cannot be read; `inProcess` when PGlite's work is in ours), and the share of
 * the span our event loop was busy.
 */
interface SpanCpu { ownMs: number, postgresMs: number | undefined, inProcess: boolean, loopBusy: number }

/** Statuses answered 200 and not yet applied when the span ended (in the plugin's journal), and how long close took to apply them. */
interface Backlog { statuses: number, closeMs: number }

interface Side { warmup: SenderResult | undefined, measured: SenderResult, cpu: SpanCpu, backlog: Backlog }

/**
 * Meta's status webhooks over real HTTP (a keep-alive undici Pool in a process of its own), signed,
 * to the plugin's `POST /webhook` on the scratch database holding one completed run of `messages`
 * (BENCH_INGEST_MESSAGES, default 300,000) recorded sent with wamids; beside the least a receiver
 * must do, measured in the same run: a bare Fastify route that reads the raw body and checks its
 * HMAC timing-safe, storing nothing. Two loads, each over `seconds` (BENCH_INGEST_SECONDS, default 8)
 * per side, in spans that alternate between the sides: bodies of one status, then of 1,000; each
 * block of messages gets its `delivered` statuses, then its `read` ones, so that every status moves
 * its message. Afterwards the run's rows are counted: each status the plugin answered 200 must have
 * landed.
 */
export async function benchWebhookIngest (
  database: BenchDatabase,
  messages = Number(process.env.BENCH_INGEST_MESSAGES ?? 300_000),
  seconds = Number(process.env.BENCH_INGEST_SECONDS ?? 8)
): Promise<void> {
  if (!(seconds > 0)) throw new Error(`BENCH_INGEST_SECONDS must be a positive number (got ${process.env.BENCH_INGEST_SECONDS})`)
  const only = process.env.BENCH_INGEST_ONLY
  if (only !== undefined && only !== '1' && only !== '1000') throw new Error(`BENCH_INGEST_ONLY must be 1 or 1000, the statuses a body of the one load to run (got ${only})`)
  // A sixth of the run for the one-status bodies, a sixth for those sent beside a paced run, the rest
  // for the 1,000-status ones, each block-aligned.
  const oneBlock = 1_000
  const batchBlock = 4_000
  const oneShare = Math.floor(messages / 6 / oneBlock) * oneBlock
  const batchShare = Math.floor((messages - 2 * oneShare) / batchBlock) * batchBlock
  if (!(Number.isInteger(messages) && oneShare >= 2 * oneBlock && batchShare >= 2 * batchBlock)) {
    throw new Error(`BENCH_INGEST_MESSAGES must be an integer of at least ${(12 * oneBlock).toLocaleString('en')} (got ${process.env.BENCH_INGEST_MESSAGES})`)
  }
  const loads: Load[] = [
    { label: 'one status a body', perBody: 1, block: oneBlock, concurrency: 32, warmup: oneBlock, measured: oneShare - oneBlock, rounds: 3, target: oneStatusTarget },
    { label: '1,000 statuses a body', perBody: 1_000, block: batchBlock, concurrency: 4, warmup: batchBlock, measured: batchShare - batchBlock, rounds: 1, target: batchTarget }
  ]

  const store = postgresStore(database.db)
  await store.init?.()
  const setupStart = performance.now()
  const run = await completedRun(store, messages)
  const setupMs = performance.now() - setupStart
  const wamidPrefix = `wamid.bench-ingest.${run.runId}.`

  const rows: Array<[string, string]> = [[`setup: a completed run of ${messages.toLocaleString('en')} messages with wamids, through the store`, `${(setupMs / 1000).toFixed(1)} s`]]
  let first = 1
  const applied: string[] = []
  for (const load of loads.filter(load => only === undefined || load.perBody === Number(only))) {
    const spec = (origin: string, from: number, count: number, span: number, repeat: boolean): SenderSpec => ({
      origin, path, appSecret, runId: run.runId, wamidPrefix, phoneNumberId, first: from, count, perBody: load.perBody, block: load.block, concurrency: load.concurrency, seconds: span, repeat
    })
    const measuredFrom = first + load.warmup
    const measuredEnd = measuredFrom + load.measured
    const warmupSeconds = Math.min(seconds, 2)
    const { rounds } = load
    const span = seconds / rounds
    const baselineSpans: Side[] = []
    const ourSpans: Side[] = []
    let next = measuredFrom
    for (let round = 0; round <= rounds; round++) {
      const warmup = (origin: string): SenderSpec | undefined => round === 0 ? spec(origin, first, load.warmup, warmupSeconds, false) : undefined
      // The warm-up and the spans name the same positions for the baseline, which stores nothing and may go round again.
      baselineSpans.push(await measureServer(database, bareReceiver(), origin => ({ warmup: warmup(origin), measured: spec(origin, measuredFrom, load.measured, span, true) })))
      if (round === rounds) break
      if (next >= measuredEnd) throw new Error(`${load.label}: the plugin ran out of messages (raise BENCH_INGEST_MESSAGES)`)
      const ours = await measureServer(database, await pluginReceiver(database), origin => ({ warmup: warmup(origin), measured: spec(origin, next, measuredEnd - next, span, false) }))
      ourSpans.push(ours)
      // The next span starts at the first block this one did not touch (its bodies go in block order).
      next += Math.ceil(ours.measured.delivered / load.block) * load.block
    }
    const baseline = combined(baselineSpans)
    const ours = combined(ourSpans)
    applied.push(await checkApplied(database, run, load.label, first, next - first, [ours.warmup, ours.measured]))
    first = measuredEnd

    const ratio = appliedPerSecond(ours) / statusesPerSecond(baseline.measured)
    const exhausted = ourSpans.some(side => side.measured.ms < span * 1000 * 0.95) ? '; ran out of messages in a span (raise BENCH_INGEST_MESSAGES)' : ''
    const spans = `${rounds} span${rounds === 1 ? '' : 's'} of ${span.toFixed(1)} s, between ${rounds + 1} of the baseline`
    rows.push(
      [`${load.label}, ${load.concurrency} concurrent: bare Fastify + HMAC (baseline)`, figures(baseline.measured)],
      [`${load.label}, ${load.concurrency} concurrent: plugin POST /webhook`, `${figures(ours.measured)}${exhausted}; ${spans}`],
      [`${load.label}: answered and not yet applied at the spans' ends`, `${ours.backlog.statuses.toLocaleString('en')} statuses, applied by the closes in ${Math.round(ours.backlog.closeMs)} ms`],
      [`${load.label}: applied, over the spans and those closes`, `${Math.round(appliedPerSecond(ours)).toLocaleString('en')} statuses/s`],
      [`${load.label}: ratio plugin applied / baseline (throughput)`, ratio < 0.1 ? ratio.toPrecision(2) : ratio.toFixed(2)],
      [`${load.label}: target ${load.target.label}`, load.target.met(ratio, ours) ? 'met' : 'NOT met'],
      [`${load.label}: CPU per status, baseline`, cpuPerStatus(baseline)],
      [`${load.label}: CPU per status, plugin`, cpuPerStatus(ours)]
    )
  }
  if (only === undefined) {
    // Beside the run, first what a run at 1,000 msg/s brings back (Meta's guidance: three statuses a
    // message), in one-status bodies; then as many as the sender can post, the load above. Each gets
    // the block-aligned share of the run's last sixth its seconds need, the rest going to the second.
    const statusesPerSecond = 3 * pacedLimit
    const pacedShare = Math.min(oneShare - oneBlock, Math.ceil(statusesPerSecond * seconds * 1.1 / 2 / oneBlock) * oneBlock)
    const besideLoads = [
      { name: 'at its statuses\' rate', label: `the run's own statuses (${statusesPerSecond.toLocaleString('en')} a second)`, from: first, count: pacedShare, bodiesPerSecond: statusesPerSecond, target: 0.98 },
      { name: 'flat out', label: 'as many statuses as the sender can post', from: first + pacedShare, count: oneShare - pacedShare }
    ]
    const paced = await pacedRunWithIngestion(database, appSecret, besideLoads.map(load => ({
      label: load.label,
      target: load.target,
      spec: (origin: string): SenderSpec => ({
        origin, path, appSecret, runId: run.runId, wamidPrefix, phoneNumberId, first: load.from, count: load.count, perBody: 1, block: oneBlock, concurrency: 32, bodiesPerSecond: load.bodiesPerSecond, seconds, repeat: false
      })
    })), seconds)
    for (const [i, load] of besideLoads.entries()) applied.push(await checkApplied(database, run, `beside the paced run (${load.name})`, load.from, load.count, [paced.ingestion[i]]))
    rows.push(...paced.rows)
  }
  rows.push(['applied (rows of the run with each status, against the statuses answered 200)', applied.join('; ')])
  report(`Webhook ingestion over HTTP: signed status bodies (${seconds} s each), ${database.url === undefined ? 'PGlite in memory' : 'PostgreSQL'}`, rows)
}

function figures (result: SenderResult): string {
  const perSecond = (count: number): string => Math.round(count / (result.ms / 1000)).toLocaleString('en')
  const ms = (value: number): string => `${value.toFixed(value < 10 ? 1 : 0)} ms`
  return `${perSecond(result.statuses)} statuses/s, ${perSecond(result.requests)} req/s; p50 ${ms(result.p50Ms)}, p99 ${ms(result.p99Ms)} (the spans' median and worst), max ${ms(result.maxMs)}`
}

/** Where a status's CPU went over the span, by process, and how busy the server's event loop was. */
function cpuPerStatus ({ measured, cpu }: Side): string {
  const us = (ms: number): string => `${(ms * 1000 / measured.statuses).toFixed(ms * 1000 / measured.statuses < 10 ? 1 : 0)} µs`
  // A remote server's backends cannot be read.
  const postgres = cpu.inProcess ? ' (PGlite included)' : cpu.postgresMs === undefined ? '' : ` + PostgreSQL ${us(cpu.postgresMs)}`
  return `the server's process ${us(cpu.ownMs)}${postgres}; its event loop ${Math.round(100 * cpu.loopBusy)}% busy`
}

/**
 * Starts `app` on a port of 127.0.0.1, runs a sender process for each spec in turn (a warm-up, if
 * any, then the measured span) and closes it. Any answer but 200 fails the benchmark: the figure would
 * not be one of ingestion.
 */
async function measureServer (
  database: BenchDatabase, app: FastifyInstance, specs: (origin: string) => { warmup?: SenderSpec, measured: SenderSpec }
): Promise<Side> {
  const sent = async (spec: SenderSpec): Promise<SenderResult> => {
    const result = await runChild<SenderResult>('webhook sender', 'webhook-sender.js', { INGEST_SPEC: JSON.stringify(spec) })
    if (result.refused > 0) throw new Error(`${result.refused} of ${result.requests} webhook requests were refused, the first ${result.firstRefusal}`)
    return result
  }
  let span: Omit<Side, 'backlog'>
  let unapplied: number
  try {
    const origin = await app.listen({ host: '127.0.0.1', port: 0 })
    const { warmup: warmupSpec, measured: measuredSpec } = specs(origin)
    const warmup = warmupSpec === undefined ? undefined : await sent(warmupSpec)
    // Read around the whole child: the server is idle while the sender starts and builds its bodies, so
    // what it used is the span's, and its loop's busy time is taken over the span's length.
    const before = { own: ownCpuMs(), postgres: await postgresCpuMs(database), loop: performance.eventLoopUtilization() }
    const measured = await sent(measuredSpec)
    const own = ownCpuMs() - before.own
    const loopBusy = Math.min(1, performance.eventLoopUtilization(before.loop).active / measured.ms)
    const postgresAfter = await postgresCpuMs(database)
    // Backends that ended within the span take their CPU time with them, which can leave the difference a hair below 0.
    const postgresMs = postgresAfter === undefined || before.postgres === undefined ? undefined : Math.max(0, postgresAfter - before.postgres)
    span = { warmup, measured, cpu: { ownMs: own, postgresMs, inProcess: database.url === undefined, loopBusy } }
    unapplied = await journaledStatuses(database)
  } catch (error) {
    await app.close()
    throw error
  }
  const closing = performance.now()
  await app.close()
  return { ...span, backlog: { statuses: unapplied, closeMs: performance.now() - closing } }
}

/** The spans of one server as one: sums, the median of their p50s, the worst p99 and maximum, the first warm-up. */
function combined (sides: Side[]): Side {
  const sum = (of: (side: Side) => number): number => sides.reduce((total, side) => total + of(side), 0)
  const results = sides.map(side => side.measured)
  const p50s = results.map(result => result.p50Ms).sort((a, b) => a - b)
  const measured: SenderResult = {
    requests: sum(side => side.measured.requests),
    statuses: sum(side => side.measured.statuses),
    delivered: sum(side => side.measured.delivered),
    read: sum(side => side.measured.read),
    startedAt: results[0].startedAt,
    ms: sum(side => side.measured.ms),
    p50Ms: p50s[Math.floor((p50s.length - 1) / 2)],
    p99Ms: Math.max(...results.map(result => result.p99Ms)),
    maxMs: Math.max(...results.map(result => result.maxMs)),
    refused: sum(side => side.measured.refused)
  }
  const postgres = sides.map(side => side.cpu.postgresMs)
  return {
    warmup: sides.find(side => side.warmup !== undefined)?.warmup,
    measured,
    cpu: {
      ownMs: sum(side => side.cpu.ownMs),
      postgresMs: postgres.some(ms => ms === undefined) ? undefined : sum(side => side.cpu.postgresMs ?? 0),
      inProcess: sides[0].cpu.inProcess,
      loopBusy: sum(side => side.cpu.loopBusy * side.measured.ms) / measured.ms
    },
    backlog: { statuses: sum(side => side.backlog.statuses), closeMs: sum(side => side.backlog.closeMs) }
  }
}

async function journaledStatuses ({ query }: BenchDatabase): Promise<number> {
  const { rows: [row] } = await query('SELECT coalesce(sum(jsonb_array_length(statuses::jsonb)), 0)::int AS n FROM campaign_status_journal') as { rows: Array<{ n: number }> }
  return row.n
}

/** The least a webhook receiver does: the raw body, its signature checked in constant time, 200. */
function bareReceiver (): FastifyInstance {
  const app = Fastify({ logger: { level: 'warn' }, bodyLimit })
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => { done(null, body) })
  app.post(path, async (request, reply) => {
    const body = request.body as Buffer
    const header = request.headers['x-hub-signature-256']
    const given = typeof header === 'string' && header.startsWith('sha256=') ? Buffer.from(header.slice(7), 'hex') : Buffer.alloc(0)
    const expected = createHmac('sha256', appSecret).update(body).digest()
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return await reply.code(401).send({ error: 'bad signature' })
    return await reply.code(200).send({ received: true })
  })
  return app
}

/** The plugin with only what the webhook route needs: its store on the scratch database and the app secret. */
async function pluginReceiver ({ db }: BenchDatabase): Promise<FastifyInstance> {
  const app = Fastify({ logger: { level: 'warn' } })
  await app.register(campaigns, {
    store: postgresStore(db),
    // Nothing is sent: the run is over before the plugin starts.
    whatsapp: { apiUrl: 'http://127.0.0.1:9/v23.0', phoneNumberId, accessToken: 'bench-token' },
    tenant: () => tenant,
    webhook: { appSecret }
  })
  return app
}

/**
 * A run of `count` recipients worked through the store as the engine records it (claims of many rows,
 * each recorded sent with a wamid of ours), then completed: the messages the statuses name.
 */
async function completedRun (store: CampaignStore, count: number): Promise<RunRef> {
  const contacts = Array.from({ length: count }, (_, i) => ({ phone: phoneFor(i), name: `Contact ${i}`, parameters: null }))
  const campaign = await store.create(tenant, { name: 'ingest', templateName: 'hello', language: 'en', parameters: [], contacts })
  const started = await store.startRun(tenant, campaign.id, ['draft'], undefined, phoneNumberId)
  if (!started.ok) throw new Error(`the campaign did not start: ${JSON.stringify(started)}`)
  const plan = started.value
  const wamidPrefix = `wamid.bench-ingest.${plan.runId}.`
  for (;;) {
    const claimed = await store.claim(plan, 10_000, new Date(Date.now() + 600_000))
    if (claimed.length === 0) break
    await store.record(plan, claimed.map(message => ({ id: message.id, status: 'sent', messageId: wamidPrefix + String(message.id) })))
  }
  if (!await store.finishRun(plan, { status: 'completed' })) throw new Error('the run did not finish')
  return plan
}

/**
 * Counts the rows of positions `first` to `first + count - 1` with a delivered and a read timestamp,
 * and the statuses kept for no message: each status the plugin answered 200 must be in a row, or the
 * figure was not one of ingestion.
 */
async function checkApplied ({ query }: BenchDatabase, run: RunRef, label: string, first: number, count: number, results: Array<SenderResult | undefined>): Promise<string> {
  const result = await query(
    `SELECT count(*) FILTER (WHERE delivered_at IS NOT NULL)::int AS delivered, count(*) FILTER (WHERE read_at IS NOT NULL)::int AS read,
            (SELECT count(*)::int FROM campaign_early_statuses) AS early
       FROM campaign_messages WHERE run_id = $1 AND position >= $2 AND position < $3`,
    [run.runId, first, first + count]
  ) as { rows: Array<{ delivered: number, read: number, early: number }> }
  const [{ delivered, read, early }] = result.rows
  const sent = { delivered: 0, read: 0 }
  for (const answered of results) {
    if (answered === undefined) continue
    sent.delivered += answered.delivered
    sent.read += answered.read
  }
  if (delivered !== sent.delivered || read !== sent.read || early !== 0) {
    throw new Error(`${label}: ${delivered} rows delivered and ${read} read for ${sent.delivered} and ${sent.read} statuses answered 200; ${early} statuses kept for no message`)
  }
  return `${label}: ${delivered.toLocaleString('en')} delivered, ${read.toLocaleString('en')} read, as sent`
}
