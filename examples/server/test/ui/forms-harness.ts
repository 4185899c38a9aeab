/**
 * The reference server (PGlite and the sandbox, in this process) with the built page, and Debian's
 * Chromium driven by playwright-core: one of each per test file, a fresh browser context per test.
 *
 *   const ui = await startUi(t)
 *   const page = await ui.newPage(t)
 *   await page.goto(ui.url('campaigns/new'))
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import type { FastifyInstance } from 'fastify'
import { chromium, type Browser, type Page } from 'playwright-core'
import type { Test } from 'tap'
import { buildServer } from '../../src/app.js'
import { configFromEnv } from '../../src/config.js'

export const apiPrefix = '/api/whatsapp'
const artifacts = join(import.meta.dirname, '..', '..', 'artifacts', 'ui')

export interface Ui {
  app: FastifyInstance
  /** The page's URL of a path below its root, e.g. `campaigns/new`. */
  url: (path?: string) => string
  newPage: (t: Test) => Promise<Page>
  /** A call to the API (in process), for what the test sets up or checks behind the page. */
  api: <T = any>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) => Promise<{ status: number, body: T, headers: Record<string, unknown> }>
}

export async function startUi (t: Test, env: Record<string, string> = {}): Promise<Ui> {
  const dataDir = await mkdtemp(join(tmpdir(), 'wac-ui-forms-'))
  const app = await buildServer(configFromEnv({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', SANDBOX_LATENCY_MS: '0', WHATSAPP_MESSAGES_PER_SECOND: '1000', ...env }))
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (address === null || typeof address === 'string') throw new Error('the server has no port')
  const origin = `http://127.0.0.1:${address.port}`
  const browser: Browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
  })
  t.teardown(async () => {
    await browser.close()
    await app.close()
    await rm(dataDir, { recursive: true, force: true })
  })
  return {
    app,
    url: (path = '') => `${origin}/${path}`,
    async newPage (t) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
      t.teardown(async () => await context.close())
      const page = await context.newPage()
      page.setDefaultTimeout(15_000)
      return page
    },
    async api (method, path, body) {
      const response = await app.inject({ method, url: `${apiPrefix}${path}`, ...(body === undefined ? {} : { payload: body as object }) })
      return { status: response.statusCode, body: response.body === '' ? undefined : response.json(), headers: response.headers }
    }
  }
}

/** Axe's serious and critical violations on the page as it is, by rule and the elements it found. */
export async function seriousViolations (page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze()
  return violations
    .filter(violation => violation.impact === 'serious' || violation.impact === 'critical')
    .map(violation => `${violation.id}: ${violation.help} (${violation.nodes.map(node => node.target.join(' ')).join('; ')})`)
}

/** A full-page PNG in the ignored artifacts folder, for a person to look at. */
export async function screenshot (page: Page, name: string): Promise<void> {
  await mkdir(artifacts, { recursive: true })
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true })
}

/** Valid Indian mobile numbers, one per index. */
export const phoneFor = (i: number): string => `919876${String(i).padStart(6, '0')}`
