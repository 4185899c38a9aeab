/**
 * The engine alone in a process, for the peak-RSS benchmark (peak-rss.ts starts it): the plugin on a
 * pg Pool, sending one campaign's run as fast as it can to the fake in the parent process, so that
 * `process.resourceUsage().maxRSS` is the engine's and nothing else's.
 *
 * Env: RSS_DATABASE_URL, RSS_API_URL, RSS_TENANT, RSS_CAMPAIGN_ID, RSS_MAX_SECONDS (stop waiting then,
 * and report what was reached). Prints progress on stderr every minute and one JSON line (RssResult).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import Fastify from 'fastify'
import campaigns, { postgresStore } from 'fastify-whatsapp-campaigns'
import pg from 'pg'
import { requiredEnv } from './child-process.js'

export interface RssResult {
  /** The process's high-water mark (KB) once started and idle, before the run: the baseline. */
  idleMaxRssKb: number
  /** The high-water mark (KB) at the run's end (or when the time ran out). */
  peakMaxRssKb: number
  /** The largest heap in use seen while running (bytes, sampled every 250 ms). */
  peakHeapUsed: number
  /** `running` when RSS_MAX_SECONDS passed first. */
  status: string
  sent: number
  failed: number
  runMs: number
  /** How long app.close() took: the in-flight sends finishing. */
  closeMs: number
  /** Recipients settled per second over the first and the last minute (or less) of the run. */
  firstMinuteRate: number
  lastMinuteRate: number
}

const tenant = requiredEnv('RSS_TENANT')
const campaignId = Number(requiredEnv('RSS_CAMPAIGN_ID'))
const maxMs = Number(requiredEnv('RSS_MAX_SECONDS')) * 1000

const pool = new pg.Pool({ connectionString: requiredEnv('RSS_DATABASE_URL'), max: 10 })
const app = Fastify({ logger: { level: 'warn' } })
await app.register(campaigns, {
  store: postgresStore(pool),
  // A number of its own: a number's pacing state is kept in the database, and the pacing benchmark's must not slow this run.
  whatsapp: { apiUrl: requiredEnv('RSS_API_URL'), phoneNumberId: '102', accessToken: 'bench-token' },
  // Unpaced, as the throughput benchmark: the run is as short as this machine allows.
  sending: { messagesPerSecond: 1_000_000, concurrency: 64 }
})
await app.ready()
await sleep(1000)
const idleMaxRssKb = process.resourceUsage().maxRSS

let peakHeapUsed = 0
const sampler = setInterval(() => { peakHeapUsed = Math.max(peakHeapUsed, process.memoryUsage().heapUsed) }, 250)
const started = performance.now()
await app.whatsappCampaigns.run(tenant, campaignId)
/** [ms since the start, recipients settled], one a second. */
const settled: Array<[number, number]> = [[0, 0]]
let summary
for (let second = 1; ; second++) {
  await sleep(started + second * 1000 - performance.now())
  // The summary only: get() would load every contact and message, which is the API's business, not the engine's.
  summary = (await app.whatsappCampaigns.list(tenant, { limit: 1 })).items[0]
  const elapsed = performance.now() - started
  settled.push([elapsed, summary.successCount + summary.failedCount])
  if (second % 60 === 0) {
    // Straight from the table, for the progress line only: how far claims run ahead of sends.
    const { rows: [{ claimed }] } = await pool.query<{ claimed: number }>(
      `SELECT count(*)::int AS claimed FROM campaign_messages m JOIN campaigns c ON c.latest_run_id = m.run_id
        WHERE c.tenant = $1 AND c.id = $2 AND m.status = 'sending'`,
      [tenant, campaignId]
    )
    process.stderr.write(`  (peak RSS: ${summary.successCount.toLocaleString('en')} sent after ${second} s, ${claimed.toLocaleString('en')} claimed, ${Math.round(process.resourceUsage().maxRSS / 1024)} MB so far)\n`)
  }
  if (summary.status !== 'running' || elapsed >= maxMs) break
}
const runMs = performance.now() - started
clearInterval(sampler)
const peakMaxRssKb = process.resourceUsage().maxRSS
// Stopping: claims stop, what was claimed is sent and recorded (all of it, if the run was cut short).
const closing = performance.now()
await app.close()
const closeMs = performance.now() - closing
await pool.end()

const rate = ([t0, n0]: [number, number], [t1, n1]: [number, number]): number => t1 > t0 ? (n1 - n0) / ((t1 - t0) / 1000) : 0
const minuteIn = Math.min(60, settled.length - 1)
const result: RssResult = {
  idleMaxRssKb,
  peakMaxRssKb,
  peakHeapUsed,
  status: summary.status,
  sent: summary.successCount,
  failed: summary.failedCount,
  runMs,
  closeMs,
  firstMinuteRate: rate(settled[0], settled[minuteIn]),
  lastMinuteRate: rate(settled[settled.length - 1 - minuteIn], settled[settled.length - 1])
}
console.log(JSON.stringify(result))
