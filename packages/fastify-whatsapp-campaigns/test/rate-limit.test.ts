import Fastify, { type RouteOptions } from 'fastify'
import t, { type Test } from 'tap'
import campaigns, { memoryStore, type CampaignsPluginOptions } from '../src/index.js'
import { resolveOptions } from '../src/options.js'
import { signWebhookBody } from '../src/whatsapp/webhook-signature.js'

const prefix = '/api/whatsapp'
const secret = 'app-secret'
const whatsapp = { phoneNumberId: '1', accessToken: 'token' }

async function build (t: Test, options: Partial<CampaignsPluginOptions>) {
  const app = Fastify({ logger: { level: 'silent' } })
  const routes: RouteOptions[] = []
  app.addHook('onRoute', route => { routes.push(route) })
  await app.register(campaigns, { prefix, store: memoryStore(), whatsapp, webhook: { appSecret: secret }, ...options })
  await app.ready()
  t.teardown(async () => { await app.close() })
  return { app, routes }
}

t.test('past its limit a client gets 429 in the error shape, with Retry-After; another client is not counted', async t => {
  const { app } = await build(t, { rateLimit: { max: 5, timeWindow: 60_000 } })
  for (let i = 0; i < 5; i++) t.equal((await app.inject({ url: `${prefix}/campaigns` })).statusCode, 200)
  const refused = await app.inject({ url: `${prefix}/campaigns` })
  t.equal(refused.statusCode, 429)
  t.strictSame(refused.json(), { statusCode: 429, error: 'Too Many Requests', message: 'Too many requests: at most 5 in 1 minute from one client; wait and try again (see the Retry-After header)', code: 'WAC_RATE_LIMITED' })
  t.ok(Number(refused.headers['retry-after']) > 0, 'Retry-After says when')
  t.equal(refused.headers['x-ratelimit-limit'], '5')
  t.equal((await app.inject({ url: `${prefix}/campaigns`, remoteAddress: '10.0.0.2' })).statusCode, 200, 'another IP')
  t.equal((await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: 'x'.repeat(1000), headers: { 'content-type': 'application/json' } })).statusCode, 429, 'refused before its body is read')
})

t.test('the webhook is never limited: Meta sends as it must', async t => {
  const { app } = await build(t, { rateLimit: { max: 2, timeWindow: 60_000 } })
  const payload = JSON.stringify({ object: 'whatsapp_business_account', entry: [] })
  for (let i = 0; i < 20; i++) {
    const answer = await app.inject({ method: 'POST', url: `${prefix}/webhook`, payload, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhookBody(payload, secret) } })
    t.equal(answer.statusCode, 200)
  }
  t.equal((await app.inject({ url: `${prefix}/webhook?hub.mode=subscribe` })).statusCode, 403, 'verification is answered, not limited')
})

t.test('false turns it off; every API route documents the 429, the webhook none', async t => {
  const { app } = await build(t, { rateLimit: false })
  for (let i = 0; i < 700; i++) if ((await app.inject({ url: `${prefix}/campaigns` })).statusCode !== 200) t.fail(`request ${i}`)
  const { routes } = await build(t, {})
  const api = routes.filter(route => !String(route.url).endsWith('/webhook') && route.schema?.response !== undefined)
  t.ok(api.length > 10, `${api.length} API routes`)
  for (const route of api) t.ok(429 in (route.schema!.response as object), `${String(route.method)} ${route.url}`)
  for (const route of routes.filter(route => String(route.url).endsWith('/webhook'))) t.notOk(429 in ((route.schema?.response ?? {}) as object), `${String(route.method)} ${route.url}`)
})

t.test('the option: 600 a minute by default, checked at registration', async t => {
  const base = { store: memoryStore(), whatsapp }
  t.strictSame(resolveOptions(base).rateLimit, { max: 600, timeWindow: 60_000 })
  t.strictSame(resolveOptions({ ...base, rateLimit: { max: 50 } as never }).rateLimit, { max: 50, timeWindow: 60_000 })
  t.equal(resolveOptions({ ...base, rateLimit: false }).rateLimit, false)
  for (const bad of [true, null, 5, { max: 0, timeWindow: 1 }, { max: 1, timeWindow: -1 }, { max: 1.5, timeWindow: 1000 }, { max: 1, window: 1 }]) {
    t.throws(() => resolveOptions({ ...base, rateLimit: bad as never }), /option "rateLimit/, JSON.stringify(bad))
  }
})
