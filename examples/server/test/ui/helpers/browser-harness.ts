/**
 * The reference server (PGlite in a temporary directory and the sandbox) on an ephemeral port, and
 * Debian's Chromium driven by playwright-core, started once per test file:
 *
 *   const ui = await startUi(t, { WHATSAPP_MESSAGES_PER_SECOND: '50' })
 *   const page = await ui.newPage(t)
 *   await page.goto(ui.url('/'))
 *   await ui.checkAccessibility(t, page, 'list')   // axe, and a screenshot under artifacts/screenshots
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import type { FastifyInstance } from 'fastify'
import { chromium, type Browser, type Page } from 'playwright-core'
import type { Test } from 'tap'
import { buildServer } from '../../../src/app.js'
import { configFromEnv } from '../../../src/config.js'

export const apiPrefix = '/api/whatsapp'
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const screenshotDir = join(import.meta.dirname, '..', '..', '..', '..', '..', 'artifacts', 'screenshots')

/** Valid Indian mobile numbers, one per index. */
export const phoneFor = (i: number): string => `919876${String(i).padStart(6, '0')}`

export interface UiHarness {
  app: FastifyInstance
  browser: Browser
  origin: string
  url: (path: string) => string
  /** A fresh browser context (its own sessionStorage) and page, closed at the test's end. */
  newPage: (t: Test) => Promise<Page>
  /** A call to the API straight over HTTP, with the token when the server has one. */
  api: (method: string, path: string, body?: unknown) => Promise<{ status: number, body: any, headers: Headers }>
  /** axe on the page as it is: no serious or critical violation; and a screenshot named after it. */
  checkAccessibility: (t: Test, page: Page, name: string) => Promise<void>
}

const chromiumArgs = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

export async function startUi (t: Test, env: Record<string, string> = {}): Promise<UiHarness> {
  const dataDir = await mkdtemp(join(tmpdir(), 'wac-ui-'))
  t.teardown(async () => { await rm(dataDir, { recursive: true, force: true }) })
  const config = configFromEnv({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env })
  const app = await buildServer(config)
  t.teardown(async () => { await app.close() })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('the server has no TCP address')
  const origin = `http://127.0.0.1:${address.port}`

  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })
  t.teardown(async () => { await browser.close() })
  await mkdir(screenshotDir, { recursive: true })

  const token = env.API_TOKEN
  return {
    app,
    browser,
    origin,
    url: path => `${origin}${path}`,
    async newPage (t) {
      const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, acceptDownloads: true })
      t.teardown(async () => { await context.close() })
      const page = await context.newPage()
      page.setDefaultTimeout(15_000)
      // A page error is a bug in the page: fail the test that met it.
      page.on('pageerror', error => t.fail(`page error: ${error.message}`))
      return page
    },
    async api (method, path, body) {
      const headers: Record<string, string> = {}
      if (body !== undefined) headers['content-type'] = 'application/json'
      if (token !== undefined) headers.authorization = `Bearer ${token}`
      const response = await fetch(`${origin}${apiPrefix}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
      const text = await response.text()
      return { status: response.status, body: text === '' ? null : JSON.parse(text), headers: response.headers }
    },
    async checkAccessibility (t, page, name) {
      await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true })
      const results = await new AxeBuilder({ page }).analyze()
      const serious = results.violations.filter(violation => violation.impact === 'serious' || violation.impact === 'critical')
      t.same(serious.map(violation => `${violation.id}: ${violation.help} (${violation.nodes.map(node => node.target.join(' ')).join(', ')})`), [], `${name}: no serious or critical accessibility violation`)
    }
  }
}

/** Creates a campaign of `count` contacts through the API; answers its id. */
export async function createCampaign (ui: UiHarness, name: string, count: number, offset = 0): Promise<number> {
  const contacts = Array.from({ length: count }, (_, i) => ({ name: `Person ${offset + i}`, phone: phoneFor(offset + i) }))
  const created = await ui.api('POST', '/campaigns', { name, templateName: 'hello_world', language: 'en_US', contacts })
  if (created.status !== 201) throw new Error(`creating ${name} answered ${created.status}: ${JSON.stringify(created.body)}`)
  return created.body.id
}

/** Polls the API until the campaign is in one of `statuses`. */
export async function waitForStatus (ui: UiHarness, id: number, statuses: string[], timeoutMs = 60_000): Promise<any> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const { body } = await ui.api('GET', '/campaigns?limit=500')
    const campaign = body.find((entry: any) => entry.id === id)
    if (campaign !== undefined && statuses.includes(campaign.status)) return campaign
    if (Date.now() > deadline) throw new Error(`campaign ${id} is ${campaign?.status}, not ${statuses.join(' or ')}, after ${timeoutMs} ms`)
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}

/** Tries `check` until it answers true (the page polls on its own; the test waits for what it shows). */
export async function eventually (what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check().catch(() => false)) return
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 150))
  }
}
