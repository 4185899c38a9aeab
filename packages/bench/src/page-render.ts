import { existsSync } from 'node:fs'
import Fastify, { type FastifyInstance } from 'fastify'
import campaignsUi from 'campaigns-ui'
import campaigns, { postgresStore, type CampaignStore } from 'fastify-whatsapp-campaigns'
import { chromium, type Browser } from 'playwright-core'
import { request } from 'undici'
import { runThroughStore } from './campaign-detail.js'
import type { BenchDatabase } from './database.js'
import { phoneFor, report, timed } from './measure.js'

const tenant = 'bench-page'
const apiPrefix = '/api/whatsapp'
const rounds = 3
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

/**
 * The Campaigns page in Debian's Chromium, time to its first useful render, beside the API calls the
 * page makes for it, timed alone over the same HTTP in the same run:
 * - the list of a tenant with 1,000 campaigns: from navigation to the newest campaign's row, beside
 *   the list's first page and its counts per status (what the page asks for, at once);
 * - the detail of a 100,000-recipient campaign after its run: from navigation to its first recipient's
 *   row, beside the campaign, its stats and its first page of messages (at once, as the page does).
 * Each is the best of three, a fresh page every time (the assets come from the browser's cache after
 * the first, as for a person who comes back).
 */
export async function benchPageRender (database: BenchDatabase, campaignCount = 1_000, recipients = Number(process.env.BENCH_PAGE_RECIPIENTS ?? 100_000)): Promise<void> {
  const title = `The Campaigns page in Chromium: first useful render beside its API calls alone (best of ${rounds})`
  if (!existsSync(chromiumPath)) {
    report(title, [['skipped', `no Chromium at ${chromiumPath} (apt-get install -y chromium, or set CHROMIUM_PATH)`]])
    return
  }
  const store = postgresStore(database.db)
  await store.init?.()
  for (let i = 0; i < campaignCount; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, campaignCount - i) }, async (_, j) => {
      const n = i + j
      await store.create(tenant, { name: `Campaign ${n}`, templateName: 'hello', language: 'en', parameters: [], contacts: [0, 1, 2].map(k => ({ phone: phoneFor(n * 3 + k), name: null, parameters: null })), scheduledAt: null })
    }))
  }
  const big = await store.create(tenant, {
    name: 'The big one',
    templateName: 'hello',
    language: 'en',
    parameters: ['{{name}}'],
    scheduledAt: null,
    contacts: Array.from({ length: recipients }, (_, i) => ({ phone: phoneFor(500_000 + i), name: `Contact ${i}`, parameters: null }))
  })
  await runThroughStore(store, big.id, tenant)

  const app = await pageApp(store)
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })
  try {
    const origin = await app.listen({ host: '127.0.0.1', port: 0 })
    const api = `${origin}${apiPrefix}`
    const list = await measure(browser, rounds,
      async () => await Promise.all([get(`${api}/campaigns?limit=20&offset=0`), get(`${api}/campaigns/counts`)]),
      async page => {
        await page.goto(`${origin}/campaigns`)
        await page.getByRole('link', { name: 'The big one', exact: true }).waitFor()
      })
    const detail = await measure(browser, rounds,
      async () => await Promise.all([get(`${api}/campaigns/${big.id}`), get(`${api}/campaigns/${big.id}/stats`), get(`${api}/campaigns/${big.id}/messages?limit=50`)]),
      async page => {
        await page.goto(`${origin}/campaigns/${big.id}`)
        await page.getByRole('cell', { name: phoneFor(500_000), exact: true }).first().waitFor({ timeout: 60_000 })
      })
    const ms = (value: number): string => `${value.toFixed(0)} ms`
    report(title, [
      [`list of ${campaignCount.toLocaleString('en')} campaigns: its first page and counts, API alone (baseline)`, ms(list.api)],
      [`list of ${campaignCount.toLocaleString('en')} campaigns: the page, to the newest campaign's row`, ms(list.page)],
      ['list: ratio page / API', (list.page / list.api).toFixed(1)],
      [`detail of a ${recipients.toLocaleString('en')}-recipient run: the campaign, its stats and first messages, API alone (baseline)`, ms(detail.api)],
      [`detail of a ${recipients.toLocaleString('en')}-recipient run: the page, to its first recipient's row`, ms(detail.page)],
      ['detail: ratio page / API', (detail.page / detail.api).toFixed(1)]
    ])
  } finally {
    await browser.close()
    await app.close()
  }
}

async function pageApp (store: CampaignStore): Promise<FastifyInstance> {
  const app = Fastify({ logger: { level: 'warn' } })
  await app.register(campaigns, {
    prefix: apiPrefix,
    store,
    whatsapp: { apiUrl: 'http://127.0.0.1:9/v23.0', phoneNumberId: '103', accessToken: 'bench-token' },
    tenant: () => tenant
  })
  await app.register(campaignsUi, { prefix: '/', apiPrefix })
  return app
}

async function get (url: string): Promise<void> {
  const { statusCode, body } = await request(url)
  const text = await body.text()
  if (statusCode !== 200) throw new Error(`GET ${url} answered ${statusCode}: ${text.slice(0, 200)}`)
}

/** The best of `count` timings of the API calls alone and of the page, in turns, one fresh page a round. */
async function measure (browser: Browser, count: number, calls: () => Promise<unknown>, render: (page: Awaited<ReturnType<Browser['newPage']>>) => Promise<void>): Promise<{ api: number, page: number }> {
  const best = { api: Infinity, page: Infinity }
  const context = await browser.newContext()
  try {
    for (let i = 0; i < count; i++) {
      best.api = Math.min(best.api, await timed(calls))
      const page = await context.newPage()
      best.page = Math.min(best.page, await timed(async () => { await render(page) }))
      await page.close()
    }
  } finally {
    await context.close()
  }
  return best
}
