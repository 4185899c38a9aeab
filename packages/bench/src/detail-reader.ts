/**
 * A reader of one campaign's detail alone in a process, for the detail benchmark (campaign-detail.ts
 * starts it): the plugin on a pg Pool, `GET /campaigns/:id` through `app.inject` a few times, so that
 * `process.resourceUsage().maxRSS` is that of these reads and of nothing else.
 *
 * Env: DETAIL_DATABASE_URL, DETAIL_TENANT, DETAIL_CAMPAIGN_ID, DETAIL_READS. Prints one JSON line (DetailResult).
 */
import { setTimeout as sleep } from 'node:timers/promises'
import Fastify from 'fastify'
import campaigns, { postgresStore } from 'fastify-whatsapp-campaigns'
import pg from 'pg'
import { requiredEnv } from './child-process.js'

export interface DetailResult {
  /** The process's high-water mark (KB) once started and idle, before the reads: the baseline. */
  idleMaxRssKb: number
  /** The high-water mark (KB) after the reads. */
  peakMaxRssKb: number
  /** The resident set (KB) once the reads are over and their answers dropped. */
  afterRssKb: number
  /** Each read's time, in order. */
  readsMs: number[]
  /** The answer's body, in bytes. */
  bytes: number
  contacts: number
  messages: number
  contactsTruncated: boolean
  messagesTruncated: boolean
}

const tenant = requiredEnv('DETAIL_TENANT')
const campaignId = Number(requiredEnv('DETAIL_CAMPAIGN_ID'))
const reads = Number(requiredEnv('DETAIL_READS'))

const pool = new pg.Pool({ connectionString: requiredEnv('DETAIL_DATABASE_URL'), max: 10 })
const app = Fastify({ logger: { level: 'warn' } })
await app.register(campaigns, {
  store: postgresStore(pool),
  // Nothing is sent: the campaign's run is over before this process starts.
  whatsapp: { apiUrl: 'http://127.0.0.1:9/v23.0', phoneNumberId: '103', accessToken: 'bench-token' },
  tenant: () => tenant
})
await app.ready()
await sleep(500)
const idleMaxRssKb = process.resourceUsage().maxRSS

const readsMs: number[] = []
let bytes = 0
let body = ''
for (let i = 0; i < reads; i++) {
  const started = performance.now()
  const response = await app.inject({ method: 'GET', url: `/campaigns/${campaignId}` })
  readsMs.push(performance.now() - started)
  if (response.statusCode !== 200) throw new Error(`GET /campaigns/${campaignId} answered ${response.statusCode}: ${response.body.slice(0, 300)}`)
  bytes = response.rawPayload.length
  if (i === reads - 1) body = response.body
}
const peakMaxRssKb = process.resourceUsage().maxRSS
// What the answer held, read once the peak is taken so that parsing it is not in the figure.
const campaign = JSON.parse(body) as { contacts: unknown[], messages: unknown[], contactsTruncated?: boolean, messagesTruncated?: boolean }
body = ''
const shape = {
  contacts: campaign.contacts.length,
  messages: campaign.messages.length,
  contactsTruncated: campaign.contactsTruncated === true,
  messagesTruncated: campaign.messagesTruncated === true
}
globalThis.gc?.()
const afterRssKb = Math.round(process.memoryUsage.rss() / 1024)
await app.close()
await pool.end()

const result: DetailResult = { idleMaxRssKb, peakMaxRssKb, afterRssKb, readsMs, bytes, ...shape }
console.log(JSON.stringify(result))
