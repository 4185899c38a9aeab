import Fastify, { type FastifyInstance } from 'fastify'
import campaigns, { postgresStore, type CampaignStore } from 'fastify-whatsapp-campaigns'
import { request } from 'undici'
import { runChild } from './child-process.js'
import type { BenchDatabase } from './database.js'
import type { DetailResult } from './detail-reader.js'
import { bestOf, phoneFor, report, timed } from './measure.js'

const tenant = 'bench-detail'
const reads = 3

interface Created {
  id: number
  ms: number
  bytes: number
}

/**
 * `GET /campaigns/:id` of a campaign of `count` recipients (default 100,000) after its run, beside the
 * same read of a 1,000-recipient campaign: the time of each of three reads, the answer's size and the
 * peak RSS, each reader in a child process of its own (detail-reader.ts) so that its high-water mark
 * is the reads' alone. Both campaigns are created through `POST /campaigns` (whose 201 is measured
 * too); their runs are worked through the store, as the engine records outcomes, not sent: what is
 * measured is the read, and a run through the fake would only make the benchmark long.
 *
 * Then what a client should call instead for a campaign that size, each route's best of three reads of
 * the large one: the first and a deep page of `/contacts` and `/messages`, a status filter, `/stats`,
 * and the whole run as `messages.csv` over real HTTP, with the growth of this process's RSS while it
 * streams (sampled at every chunk).
 */
export async function benchCampaignDetail (database: BenchDatabase, count = Number(process.env.BENCH_DETAIL_RECIPIENTS ?? 100_000)): Promise<void> {
  const baselineCount = 1_000
  const title = `Read a ${count.toLocaleString('en')}-recipient campaign after its run: GET /campaigns/:id through app.inject, ${reads} reads, beside a ${baselineCount.toLocaleString('en')}-recipient one`
  if (database.url === undefined) {
    report(title, [['skipped', 'needs a PostgreSQL server: set DATABASE_URL']])
    return
  }
  if (!(Number.isInteger(count) && count > baselineCount)) throw new Error(`BENCH_DETAIL_RECIPIENTS must be an integer above ${baselineCount} (got ${process.env.BENCH_DETAIL_RECIPIENTS})`)
  const store = postgresStore(database.db)
  await store.init?.()

  const baseline = await createThroughApi(store, baselineCount)
  const large = await createThroughApi(store, count)
  for (const { id } of [baseline, large]) await runThroughStore(store, id)
  const baselineRead = await readInChild(database.url, baseline.id)
  const largeRead = await readInChild(database.url, large.id)

  const size = (bytes: number): string => bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)} MB` : `${(bytes / 1024).toFixed(1)} kB`
  const mb = (kb: number): string => `${(kb / 1024).toFixed(0)} MB`
  const ms = (value: number): string => `${value.toFixed(0)} ms`
  const shape = (read: DetailResult): string =>
    `${read.contacts.toLocaleString('en')} contacts${read.contactsTruncated ? ' (cut)' : ''}, ${read.messages.toLocaleString('en')} messages${read.messagesTruncated ? ' (cut)' : ''}`
  const line = (read: DetailResult): string =>
    `first ${ms(read.readsMs[0])}, best ${ms(Math.min(...read.readsMs))}; ${size(read.bytes)}: ${shape(read)}; ` +
    `peak RSS ${mb(read.peakMaxRssKb)} (idle ${mb(read.idleMaxRssKb)}, +${mb(read.peakMaxRssKb - read.idleMaxRssKb)}), ${mb(read.afterRssKb)} after`
  const best = (read: DetailResult): number => Math.min(...read.readsMs)
  report(title, [
    [`create's 201, ${baselineCount.toLocaleString('en')} contacts (baseline)`, `${ms(baseline.ms)}, ${size(baseline.bytes)}`],
    [`create's 201, ${count.toLocaleString('en')} contacts`, `${ms(large.ms)}, ${size(large.bytes)}`],
    [`GET, ${baselineCount.toLocaleString('en')} recipients (baseline)`, line(baselineRead)],
    [`GET, ${count.toLocaleString('en')} recipients`, line(largeRead)],
    ['ratio of the best reads, large / baseline', (best(largeRead) / best(baselineRead)).toFixed(2)],
    ['ratio of the peak RSS growths, large / baseline', ((largeRead.peakMaxRssKb - largeRead.idleMaxRssKb) / Math.max(1, baselineRead.peakMaxRssKb - baselineRead.idleMaxRssKb)).toFixed(2)]
  ])

  const paged = await pagedReads(store, large.id, count)
  const full = best(largeRead)
  report(`The paged routes of the same ${count.toLocaleString('en')}-recipient campaign, beside its full GET (best of ${reads})`, [
    ['GET /campaigns/:id (from above)', `${ms(full)}, ${size(largeRead.bytes)}`],
    ...paged.map(({ label, ms: took, bytes }): [string, string] => [label, `${ms(took)}, ${size(bytes)}; ${(took / full).toFixed(2)} of the full GET's time`]),
    ...(await csvDownload(store, large.id, count, size, mb))
  ])
}

/** An app of the plugin on the store, whose engine has nothing to run (no campaign of it is running). */
async function readerApp (store: CampaignStore): Promise<FastifyInstance> {
  const app = Fastify({ logger: { level: 'warn' } })
  await app.register(campaigns, {
    store,
    whatsapp: { apiUrl: 'http://127.0.0.1:9/v23.0', phoneNumberId: '103', accessToken: 'bench-token' },
    tenant: () => tenant
  })
  await app.ready()
  return app
}

/** The best of three reads of each paged route a client of a large campaign calls, through app.inject. */
async function pagedReads (store: CampaignStore, id: number, count: number): Promise<Array<{ label: string, ms: number, bytes: number }>> {
  const app = await readerApp(store)
  const deep = count - 100
  const routes: Array<[string, string]> = [
    ['GET /campaigns/:id/contacts?limit=100 (the first page)', `/campaigns/${id}/contacts?limit=100`],
    [`GET /campaigns/:id/contacts?limit=100&after=${deep} (the last page)`, `/campaigns/${id}/contacts?limit=100&after=${deep}`],
    ['GET /campaigns/:id/messages?limit=100 (the first page)', `/campaigns/${id}/messages?limit=100`],
    [`GET /campaigns/:id/messages?limit=100&after=${deep} (the last page)`, `/campaigns/${id}/messages?limit=100&after=${deep}`],
    ['GET /campaigns/:id/messages?status=read&limit=100 (a status none has)', `/campaigns/${id}/messages?status=read&limit=100`],
    ['GET /campaigns/:id/stats', `/campaigns/${id}/stats`],
    ['GET /campaigns?limit=50', '/campaigns?limit=50'],
    ['GET /campaigns/counts', '/campaigns/counts']
  ]
  try {
    // A first request pays for the app's first connection and compilations, which no route should carry.
    await app.inject({ method: 'GET', url: '/campaigns/counts' })
    const results: Array<{ label: string, ms: number, bytes: number }> = []
    for (const [label, url] of routes) {
      let bytes = 0
      const took = await bestOf(reads, async () => {
        const response = await app.inject({ method: 'GET', url })
        if (response.statusCode !== 200) throw new Error(`GET ${url} answered ${response.statusCode}: ${response.body.slice(0, 300)}`)
        bytes = response.rawPayload.length
      })
      results.push({ label, ms: took, bytes })
    }
    return results
  } finally {
    await app.close()
  }
}

/** The whole run as CSV over real HTTP, read as it streams: time, size, rows, and this process's RSS growth meanwhile. */
async function csvDownload (store: CampaignStore, id: number, count: number, size: (bytes: number) => string, mb: (kb: number) => string): Promise<Array<[string, string]>> {
  const app = await readerApp(store)
  try {
    const address = await app.listen({ host: '127.0.0.1', port: 0 })
    const rows: Array<[string, string]> = []
    for (let i = 0; i < reads; i++) {
      const rssBefore = process.memoryUsage.rss()
      let peak = rssBefore
      let bytes = 0
      let lines = 0
      const took = await timed(async () => {
        const response = await request(`${address}/campaigns/${id}/messages.csv`)
        if (response.statusCode !== 200) throw new Error(`messages.csv answered ${response.statusCode}: ${await response.body.text()}`)
        for await (const chunk of response.body as AsyncIterable<Buffer>) {
          bytes += chunk.length
          for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++
          peak = Math.max(peak, process.memoryUsage.rss())
        }
      })
      if (lines !== count + 1) throw new Error(`messages.csv held ${lines} lines, not ${count + 1}`)
      rows.push([`GET /campaigns/:id/messages.csv, all ${count.toLocaleString('en')} rows (read ${i + 1})`,
        `${(took / 1000).toFixed(2)} s, ${size(bytes)}, ${Math.round(count / (took / 1000)).toLocaleString('en')} rows/s; RSS +${mb((peak - rssBefore) / 1024)} while streaming`])
    }
    return rows
  } finally {
    await app.close()
  }
}

/** Creates a campaign through the API in this process, timing the 201 and weighing its body. */
async function createThroughApi (store: CampaignStore, count: number): Promise<Created> {
  const app = await readerApp(store)
  try {
    const payload = JSON.stringify({
      name: `detail ${count}`,
      templateName: 'hello',
      parameters: ['{{name}}'],
      contacts: Array.from({ length: count }, (_, i) => ({ name: `Contact ${i}`, phone: phoneFor(i) }))
    })
    let response: Awaited<ReturnType<typeof app.inject>> | undefined
    const ms = await timed(async () => {
      response = await app.inject({ method: 'POST', url: '/campaigns', payload, headers: { 'content-type': 'application/json' } })
    })
    if (response?.statusCode !== 201) throw new Error(`POST /campaigns answered ${response?.statusCode}: ${response?.body.slice(0, 300)}`)
    return { id: (response.json() as { id: number }).id, ms, bytes: response.rawPayload.length }
  } finally {
    // Closed before the run starts, so that this app's engine never takes it up.
    await app.close()
  }
}

/** Starts the campaign's run and records every recipient as sent, as the engine would, then finishes it. */
export async function runThroughStore (store: CampaignStore, id: number, owner = tenant): Promise<void> {
  const started = await store.startRun(owner, id, ['draft'])
  if (!started.ok) throw new Error(`campaign ${id} did not start: ${JSON.stringify(started)}`)
  const plan = started.value
  for (;;) {
    const claimed = await store.claim(plan, 5_000, new Date(Date.now() + 60_000))
    if (claimed.length === 0) break
    await store.record(plan, claimed.map(message => ({ id: message.id, status: 'sent', messageId: `wamid.bench-detail-${id}-${message.id}` })))
  }
  if (!await store.finishRun(plan, { status: 'completed' })) throw new Error(`the run of campaign ${id} did not finish`)
}

async function readInChild (url: string, campaignId: number): Promise<DetailResult> {
  return await runChild<DetailResult>('reader', 'detail-reader.js', {
    DETAIL_DATABASE_URL: url, DETAIL_TENANT: tenant, DETAIL_CAMPAIGN_ID: String(campaignId), DETAIL_READS: String(reads)
  }, ['--expose-gc'])
}
