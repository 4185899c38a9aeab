import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify'
import type { Test } from 'tap'
import { startCloudApiFake, type CloudApiFake, type CloudApiFakeOptions } from 'whatsapp-cloud-fake'
import campaigns, { type CampaignsPluginOptions, type CampaignStore } from '../../src/index.js'
import { waitFor } from '../../../whatsapp-cloud-fake/test/wait-for.js'

export const prefix = '/api/whatsapp'

/** A valid, distinct phone number (Indian mobile range) for recipient `i` (up to 999,999). */
export const phoneFor = (i: number): string => `919876${String(i).padStart(6, '0')}`

export const contactsFor = (count: number, from = 0): Array<{ name: string, phone: string }> =>
  Array.from({ length: count }, (_, i) => ({ name: `Contact ${from + i}`, phone: phoneFor(from + i) }))

export interface TestApp {
  app: FastifyInstance
  fake: CloudApiFake
  /** Every route the app registered (Fastify's HEAD twins of the GET routes included), as onRoute saw it. */
  routes: RouteOptions[]
}

interface TestAppOptions {
  store: CampaignStore
  fake?: CloudApiFakeOptions
  plugin?: Partial<CampaignsPluginOptions>
  /** The token the plugin sends; the fake accepts only `test-token`. */
  token?: string
  /** More of the account, e.g. its businessAccountId. */
  account?: { businessAccountId?: string }
  /** What the host registers before the plugin, e.g. @fastify/swagger. */
  beforePlugin?: (app: FastifyInstance) => Promise<void> | void
  /** Receives the app's log lines (JSON, warn and above) instead of silence. */
  log?: (line: string) => void
}

/** The plugin in a fresh Fastify app, sending over real HTTP to a fresh local fake of the Cloud API. */
export async function buildTestApp (t: Test, options: TestAppOptions): Promise<TestApp> {
  const fake = await startCloudApiFake({ accessToken: 'test-token', ...options.fake })
  const log = options.log
  const app = Fastify({ logger: log === undefined ? { level: 'silent' } : { level: 'warn', stream: { write: log } } })
  const routes: RouteOptions[] = []
  app.addHook('onRoute', route => { routes.push(route) })
  await options.beforePlugin?.(app)
  await app.register(campaigns, {
    prefix,
    store: options.store,
    whatsapp: { apiUrl: fake.apiUrl, phoneNumberId: '100200300', accessToken: options.token ?? 'test-token', ...options.account },
    sending: { messagesPerSecond: 5000, retryDelayMs: 20, maxRetryDelayMs: 200, idlePollMs: 50 },
    ...options.plugin
  })
  await app.ready()
  t.teardown(async () => {
    await app.close()
    await fake.close()
  })
  return { app, fake, routes }
}

/** Polls the campaign until its status is one of `statuses`, then answers it whole. */
export async function waitForStatus (app: FastifyInstance, id: number, statuses: string[], timeoutMs = 60_000, headers: Record<string, string> = {}): Promise<any> {
  // The list is the light read: polling the whole campaign would load every contact and message each time.
  await waitFor(`campaign ${id} to be ${statuses.join(' or ')}`, async () => {
    const list = (await app.inject({ method: 'GET', url: `${prefix}/campaigns?limit=500`, headers })).json()
    const summary = list.find((campaign: any) => campaign.id === id)
    if (summary === undefined) throw new Error(`campaign ${id} is not in the list`)
    return summary
  }, { until: summary => statuses.includes(summary.status), timeoutMs })
  return (await app.inject({ method: 'GET', url: `${prefix}/campaigns/${id}`, headers })).json()
}
