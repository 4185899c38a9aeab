import { postgresStore } from 'fastify-whatsapp-campaigns'
import { startCloudApiFake } from 'whatsapp-cloud-fake'
import { runChild } from './child-process.js'
import type { BenchDatabase } from './database.js'
import { report } from './measure.js'
import type { RssResult } from './rss-engine.js'

const tenant = 'bench-rss'

/**
 * Peak RSS of the engine sending a run of BENCH_RECIPIENTS (default 1,000,000) recipients on the
 * PostgreSQL server, beside the same process's RSS idle just before the run. The contacts are made in
 * the database by `generate_series` (not through the API, so no array of ours is in the figure) and the
 * engine runs in a child process (rss-engine.ts) with the fake here, so its high-water mark is its own.
 * A run still going after BENCH_RSS_MAX_SECONDS (default 900) is reported as far as it got.
 */
export async function benchPeakRss (database: BenchDatabase, count = Number(process.env.BENCH_RECIPIENTS ?? 1_000_000)): Promise<void> {
  const title = `Peak RSS of a ${count.toLocaleString('en')}-recipient run (the engine in its own process, unpaced)`
  if (database.url === undefined) {
    report(title, [['skipped', 'needs a PostgreSQL server: set DATABASE_URL']])
    return
  }
  if (!(Number.isInteger(count) && count > 0)) throw new Error(`BENCH_RECIPIENTS must be a positive integer (got ${process.env.BENCH_RECIPIENTS})`)
  const maxSeconds = Number(process.env.BENCH_RSS_MAX_SECONDS ?? 900)
  if (!(maxSeconds > 0)) throw new Error(`BENCH_RSS_MAX_SECONDS must be a positive number (got ${process.env.BENCH_RSS_MAX_SECONDS})`)
  await postgresStore(database.db).init?.()
  const { rows: [{ id }] } = await database.query(
    `INSERT INTO campaigns (tenant, name, template_name, language, parameters, contact_count)
     VALUES ($1, 'peak rss', 'hello', 'en', '["{{name}}"]', $2) RETURNING id`,
    [tenant, count]
  ) as { rows: Array<{ id: number }> }
  // Indian mobile numbers 91 7000000001…: valid for the API, one per position.
  await database.query(
    `INSERT INTO campaign_contacts (tenant, campaign_id, position, phone, name)
     SELECT $1, $2, g, '91' || (7000000000 + g)::text, 'Contact ' || g FROM generate_series(1, $3::int) AS g`,
    [tenant, id, count]
  )

  const fake = await startCloudApiFake({ accessToken: 'bench-token', keepLog: false })
  try {
    console.error(`  (peak RSS: sending ${count.toLocaleString('en')} messages; progress every minute)`)
    const result = await runChild<RssResult>('engine', 'rss-engine.js', {
      RSS_DATABASE_URL: database.url, RSS_API_URL: fake.apiUrl, RSS_TENANT: tenant, RSS_CAMPAIGN_ID: String(id), RSS_MAX_SECONDS: String(maxSeconds)
    })
    const finished = result.status !== 'running'
    if (finished && (result.status !== 'completed' || result.sent !== count || fake.accepted() !== count)) {
      throw new Error(`the run ended ${result.status} with ${result.sent} sent, ${result.failed} failed; the fake accepted ${fake.accepted()} of ${count}`)
    }
    const rate = (perSecond: number): string => `${Math.round(perSecond).toLocaleString('en')} msg/s`
    const mb = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`
    report(title, [
      ['the same process idle, before the run (baseline)', mb(result.idleMaxRssKb)],
      ['peak RSS over the run', mb(result.peakMaxRssKb)],
      ['peak - idle', mb(result.peakMaxRssKb - result.idleMaxRssKb)],
      ['ratio peak / idle', (result.peakMaxRssKb / result.idleMaxRssKb).toFixed(2)],
      ['largest heap in use (sampled)', `${(result.peakHeapUsed / 2 ** 20).toFixed(0)} MB`],
      [
        finished ? 'run' : `run NOT FINISHED after BENCH_RSS_MAX_SECONDS=${maxSeconds}`,
        `${result.sent.toLocaleString('en')} sent in ${(result.runMs / 1000).toFixed(0)} s: ${rate(result.sent / (result.runMs / 1000))} on average, ` +
          `${rate(result.firstMinuteRate)} over the first minute, ${rate(result.lastMinuteRate)} over the last`
      ],
      ['then app.close() (stop claiming, finish what is claimed)', `${(result.closeMs / 1000).toFixed(1)} s`]
    ])
  } finally {
    await fake.close()
  }
}
