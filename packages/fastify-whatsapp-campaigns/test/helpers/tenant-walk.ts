import type { FastifyRequest, InjectOptions, LightMyRequestResponse } from 'fastify'
import type { Test } from 'tap'
import type { CampaignsPluginOptions } from '../../src/index.js'
import { contactsFor, phoneFor, prefix, waitForStatus, type TestApp } from './app.js'

/** How one route is tried as tenant B on tenant A's data: the request, and what B must get. */
interface TenantCheck {
  url: string
  payload?: Record<string, unknown>
  /** It stores something of B's: tried after the reads, so that those see B with nothing. */
  stores?: true
  expect: (t: Test, response: LightMyRequestResponse) => void | Promise<void>
}

type Setup = (t: Test, options: { plugin: Partial<CampaignsPluginOptions> }) => Promise<TestApp>

const tenantOf = (request: FastifyRequest): string => String(request.headers['x-tenant'] ?? 'none')

/**
 * Every route of the app, as onRoute saw them, tried by tenant B on tenant A's data: A's ids answer
 * 404, B's lists, counts and figures hold none of A's rows, B's writes stay B's, and A's data reads
 * the same at the end. A route the walk has no check for fails it: a new route must say how it keeps
 * tenants apart.
 */
export function tenantWalk (t: Test, setup: Setup): void {
  t.test('tenants: through every route, one never sees, changes or deletes another\'s data', async t => {
    const { app, routes } = await setup(t, { plugin: { tenant: tenantOf } })
    const as = (tenant: string) => async (method: string, url: string, payload?: Record<string, unknown>) =>
      await app.inject({ method: method as InjectOptions['method'], url: `${prefix}${url}`, headers: { 'x-tenant': tenant }, ...(payload === undefined ? {} : { payload }) })
    const a = as('a')
    const b = as('b')

    // A's: a campaign that ran (runs, messages, stats, an export), a draft, an opt-out.
    const optedOut = phoneFor(900)
    const ran = (await a('POST', '/campaigns', { name: 'ran', templateName: 'hello', contacts: contactsFor(3) })).json().id as number
    await a('POST', `/campaigns/${ran}/run`)
    await waitForStatus(app, ran, ['completed'], 60_000, { 'x-tenant': 'a' })
    const draft = (await a('POST', '/campaigns', { name: 'draft', templateName: 'hello', contacts: [{ phone: optedOut }], scheduledAt: `${new Date().getUTCFullYear() + 1}-01-01T09:00:00Z` })).json().id as number
    await a('POST', '/opt-outs', { phones: [optedOut] })
    const runId = (await a('GET', `/campaigns/${ran}/runs`)).json()[0].id as number
    // A fixed period: the default one ends now, which moves.
    const period = `from=2000-01-01T00:00:00Z&to=${new Date().getUTCFullYear() + 1}-01-01T00:00:00Z`
    const aView = async () => Object.fromEntries(await Promise.all([
      `/campaigns/${ran}`, `/campaigns/${draft}`, `/campaigns/${ran}/runs`, `/campaigns/${ran}/messages`, '/campaigns', '/opt-outs', `/analytics?${period}`
    ].map(async url => [url, (await a('GET', url)).body])))
    const before = await aView()

    const notFound = (url: string, payload?: Record<string, unknown>): TenantCheck => ({
      url,
      payload,
      expect: (t, response) => {
        t.equal(response.statusCode, 404, 'A\'s id is not found')
        if (response.body !== '') t.match(response.json(), { statusCode: 404, error: 'Not Found', code: /^WAC_(CAMPAIGN|OPT_OUT)_NOT_FOUND$/ })
      }
    })
    const unseenBy = async (t: Test, tenant: typeof a, id: number): Promise<void> => {
      t.equal((await tenant('GET', `/campaigns/${id}`)).statusCode, 404, `campaign ${id} is not the other tenant's to see`)
    }
    const campaign = `/campaigns/${ran}`
    const checks: Record<string, TenantCheck | string> = {
      'GET /campaigns/:id': notFound(campaign),
      'GET /campaigns/:id/summary': notFound(`${campaign}/summary`),
      'PUT /campaigns/:id': notFound(campaign, { name: 'taken' }),
      'DELETE /campaigns/:id': notFound(campaign),
      'POST /campaigns/:id/run': notFound(`/campaigns/${ran}/run`, { only: 'failed' }),
      'POST /campaigns/:id/pause': notFound(`${campaign}/pause`),
      'POST /campaigns/:id/resume': notFound(`${campaign}/resume`),
      'POST /campaigns/:id/cancel': notFound(`/campaigns/${draft}/cancel`),
      'GET /campaigns/:id/contacts': notFound(`${campaign}/contacts`),
      'GET /campaigns/:id/messages': notFound(`${campaign}/messages?run=${runId}`),
      'GET /campaigns/:id/messages.csv': notFound(`${campaign}/messages.csv`),
      'GET /campaigns/:id/runs': notFound(`${campaign}/runs`),
      'GET /campaigns/:id/stats': notFound(`${campaign}/stats?run=${runId}`),
      'POST /campaigns/:id/preflight': notFound(`/campaigns/${draft}/preflight`),
      'DELETE /opt-outs/:phone': notFound(`/opt-outs/${optedOut}`),
      'GET /campaigns': {
        url: '/campaigns?limit=500',
        expect: (t, response) => {
          t.strictSame(response.json(), [], 'none of A\'s campaigns listed')
          t.equal(response.headers['x-total-count'], '0')
        }
      },
      'GET /campaigns/counts': { url: '/campaigns/counts', expect: (t, response) => { t.match(response.json(), { all: 0, completed: 0, scheduled: 0 }, 'none of A\'s counted') } },
      'GET /analytics': { url: `/analytics?${period}`, expect: (t, response) => { t.match(response.json(), { campaigns: 0, runs: 0, totalCount: 0, successCount: 0 }, 'none of A\'s runs in B\'s figures') } },
      'GET /opt-outs': { url: `/opt-outs?phone=${optedOut}`, expect: (t, response) => { t.strictSame(response.json(), [], 'A\'s opt-out is not B\'s') } },
      'POST /contacts/check': {
        url: '/contacts/check',
        payload: { contacts: [{ phone: optedOut }] },
        expect: (t, response) => { t.match(response.json(), { rows: [{ verdict: 'valid' }] }, 'A\'s opt-out does not count for B') }
      },
      'POST /preflight': {
        url: '/preflight',
        payload: { name: 'b', templateName: 'hello', contacts: [{ phone: optedOut }, ...contactsFor(3)] },
        // The same phones A's run reached, from the same number: A's reach is not B's.
        expect: (t, response) => {
          t.match(response.json(), { contacts: { counts: { valid: 4, optedOut: 0 }, rows: [] }, number: { reachedLast24h: 0, alreadyReached: 0 } }, 'A\'s opt-out and reach do not count for B')
        }
      },
      'GET /templates': { url: '/templates', expect: (t, response) => { t.equal(response.statusCode, 200, 'the account\'s templates (one account serves both tenants here)') } },
      'POST /campaigns': {
        url: '/campaigns',
        payload: { name: 'b\'s', templateName: 'hello', contacts: contactsFor(1) },
        stores: true,
        expect: async (t, response) => {
          t.equal(response.statusCode, 201)
          await unseenBy(t, a, response.json().id)
        }
      },
      'POST /send-bulk': {
        url: '/send-bulk',
        payload: { templateName: 'hello', phoneNumbers: [optedOut] },
        stores: true,
        expect: async (t, response) => {
          t.equal(response.statusCode, 202)
          const sent = await waitForStatus(app, response.json().id, ['completed'], 60_000, { 'x-tenant': 'b' })
          t.match(sent, { successCount: 1, skippedCount: 0 }, 'A\'s opt-out does not stop B\'s send')
          await unseenBy(t, a, sent.id)
        }
      },
      'POST /opt-outs': {
        url: '/opt-outs',
        payload: { phones: [optedOut, phoneFor(901)] },
        stores: true,
        expect: (t, response) => { t.match(response.json(), { added: 2, listed: 2 }, 'A\'s opt-out is not on B\'s list: both are new') }
      },
      'GET /webhook': 'Meta\'s verification: no tenant\'s data',
      'POST /webhook': 'Meta\'s events: each status goes to the message its wamid names, whoever\'s it is'
    }

    const tried: Array<{ key: string, method: string, check: TenantCheck }> = []
    for (const route of routes) {
      const method = String(route.method)
      const key = `${method} ${route.url.slice(prefix.length)}`
      if (tried.some(entry => entry.key === key)) continue
      // Fastify's HEAD twin of a GET route answers as it does.
      const check = checks[key] ?? (method === 'HEAD' ? checks[key.replace(/^HEAD/, 'GET')] : undefined)
      if (check === undefined) t.fail(`${key}: no tenant check for this route; add one to the walk`)
      else if (typeof check !== 'string') tried.push({ key, method, check })
    }
    const ordered = [...tried.filter(entry => entry.check.stores !== true), ...tried.filter(entry => entry.check.stores === true)]
    for (const { key, method, check } of ordered) {
      const response = await b(method, check.url, check.payload)
      if (method === 'HEAD') {
        const get = await b('GET', check.url)
        t.equal(response.statusCode, get.statusCode, `${key} answers as its GET`)
      } else {
        await t.test(key, async t => { await check.expect(t, response) })
      }
    }
    t.strictSame(await aView(), before, 'A\'s campaigns, runs, messages, list, opt-outs and figures read as before')
  })
}
