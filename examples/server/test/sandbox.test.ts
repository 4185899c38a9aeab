import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import { buildServer } from '../src/app.js'
import { configFromEnv } from '../src/config.js'
import { sandboxFromEnv } from '../src/sandbox-config.js'
import { sandboxDraw, sandboxFailure } from '../src/sandbox-failures.js'
import { waitFor } from '../../../packages/whatsapp-cloud-fake/test/wait-for.js'

const api = '/api/whatsapp'
const phoneFor = (i: number): string => `919876${String(i).padStart(6, '0')}`

async function sandboxServer (t: Test, env: Record<string, string>): Promise<FastifyInstance> {
  const dataDir = await mkdtemp(join(tmpdir(), 'wac-sandbox-'))
  const app = await buildServer(configFromEnv({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', WHATSAPP_MESSAGES_PER_SECOND: '1000', SANDBOX_LATENCY_MS: '0', ...env }))
  t.teardown(async () => {
    await app.close()
    await rm(dataDir, { recursive: true, force: true })
  })
  return app
}

async function runToEnd (app: FastifyInstance, id: number, body: Record<string, unknown> = {}): Promise<any> {
  const started = await app.inject({ method: 'POST', url: `${api}/campaigns/${id}/run`, payload: body })
  if (started.statusCode !== 202) throw new Error(`run answered ${started.statusCode}: ${started.body}`)
  return await waitFor(`campaign ${id} to end`, async () => (await app.inject({ method: 'GET', url: `${api}/campaigns/${id}` })).json(), {
    until: campaign => campaign.status === 'completed' || campaign.status === 'failed',
    timeoutMs: 60_000
  })
}

/** The first `count` phones whose sends meet `fate`: what the sandbox does to each attempt, said beforehand. */
function phonesWhere (count: number, fate: (attempt: (n: number) => number | string | undefined) => boolean, rate: number): string[] {
  const failure = sandboxFailure(rate)!
  const phones: string[] = []
  for (let i = 0; phones.length < count; i++) {
    const phone = phoneFor(i)
    const attempt = (n: number): number | string | undefined => {
      const f = failure(phone, n)
      return f === undefined ? undefined : 'code' in f ? f.code : `http ${(f as { http: number }).http}`
    }
    if (fate(attempt)) phones.push(phone)
  }
  return phones
}

t.test('SANDBOX_* settings: defaults, accepted forms, and a clear error for anything else', async t => {
  t.strictSame(sandboxFromEnv({}), { failureRate: 0, templates: undefined, latencyMs: { min: 20, max: 80 } })
  t.strictSame(sandboxFromEnv({ SANDBOX_FAILURE_RATE: '0.25', SANDBOX_TEMPLATES: 'hello_world, order_update:en_US,', SANDBOX_LATENCY_MS: '5' }), {
    failureRate: 0.25,
    templates: [{ name: 'hello_world' }, { name: 'order_update', language: 'en_US' }],
    latencyMs: { min: 5, max: 5 }
  })
  t.strictSame(sandboxFromEnv({ SANDBOX_LATENCY_MS: '100-300', SANDBOX_FAILURE_RATE: '1' }), { failureRate: 1, templates: undefined, latencyMs: { min: 100, max: 300 } })
  for (const rate of ['1.5', '-0.1', 'some', '10%']) {
    t.throws(() => configFromEnv({ SANDBOX_FAILURE_RATE: rate }), { message: `SANDBOX_FAILURE_RATE must be a share between 0 and 1, e.g. 0.1 for one send in ten (got "${rate}")` })
  }
  for (const entry of ['Hello', 'hello:en:US', 'hello:english', 'order-update']) {
    t.throws(() => configFromEnv({ SANDBOX_TEMPLATES: `ok,${entry}` }), { message: `SANDBOX_TEMPLATES is a comma-separated list of name or name:language, e.g. hello_world,order_update:en_US (got "${entry}")` })
  }
  for (const latency of ['fast', '80-20', '-5', '1.5']) {
    t.throws(() => configFromEnv({ SANDBOX_LATENCY_MS: latency }), { message: `SANDBOX_LATENCY_MS must be milliseconds, n or min-max with min <= max, e.g. 50 or 20-80 (got "${latency}")` })
  }
})

t.test('the failure function: keyed by recipient and attempt, about the share asked, permanent and retryable mixed', async t => {
  t.equal(sandboxFailure(0), undefined, 'no failures: no function')
  const failure = sandboxFailure(0.2)!
  const counts = new Map<string, number>()
  const sends = 20_000
  let unlike = 0
  for (let i = 0; i < sends; i++) {
    const f = failure(phoneFor(i), 1 + (i % 3))
    if (failure(phoneFor(i), 1 + (i % 3)) !== f) unlike++
    const kind = f === undefined ? 'sent' : 'code' in f ? String(f.code) : `http ${(f as { http: number }).http}`
    counts.set(kind, (counts.get(kind) ?? 0) + 1)
  }
  t.equal(unlike, 0, 'the same send meets the same answer every time')
  const share = (kind: string): number => (counts.get(kind) ?? 0) / sends
  t.ok(Math.abs(share('sent') - 0.8) < 0.02, `about 80% go through (${share('sent')})`)
  t.ok(Math.abs(share('131026') - 0.1) < 0.015, `half the failures are permanent, 131026 (${share('131026')})`)
  t.ok(Math.abs(share('131000') - 0.05) < 0.01, `a quarter are 131000 (${share('131000')})`)
  t.ok(Math.abs(share('http 503') - 0.05) < 0.01, `a quarter are a bare 503 (${share('http 503')})`)
  t.not(sandboxDraw(phoneFor(1), 1), sandboxDraw(phoneFor(1), 2), 'each attempt draws apart')
  const always = sandboxFailure(1)!
  t.ok(Array.from({ length: 100 }, (_, i) => always(phoneFor(i), 1)).every(f => f !== undefined), 'a rate of 1 fails every send')
})

t.test('SANDBOX_FAILURE_RATE: the predicted recipients fail, retry, and come through a "retry failed" rerun', async t => {
  const rate = 0.4
  const permanent = phonesWhere(3, attempt => attempt(1) === 131026 && attempt(2) === undefined, rate)
  const retried = phonesWhere(3, attempt => (attempt(1) === 131000 || attempt(1) === 'http 503') && attempt(2) === undefined, rate)
  const clean = phonesWhere(4, attempt => attempt(1) === undefined, rate)
  const app = await sandboxServer(t, { SANDBOX_FAILURE_RATE: String(rate) })
  const created = await app.inject({
    method: 'POST',
    url: `${api}/campaigns`,
    payload: { name: 'Flaky', templateName: 'hello_world', contacts: [...permanent, ...retried, ...clean].map(phone => ({ phone })) }
  })
  t.equal(created.statusCode, 201)
  const id: number = created.json().id

  const first = await runToEnd(app, id)
  t.match(first, { status: 'completed', totalCount: 10, successCount: 7, failedCount: 3 })
  const byPhone = new Map<string, any>(first.messages.map((m: any) => [m.phone.replace(/\D/g, ''), m]))
  for (const phone of permanent) t.match(byPhone.get(phone), { status: 'failed', attempts: 1, error: { code: 131026 } }, `${phone} failed for good`)
  for (const phone of retried) t.match(byPhone.get(phone), { status: 'sent', attempts: 2 }, `${phone} went through on its retry`)
  for (const phone of clean) t.match(byPhone.get(phone), { status: 'sent', attempts: 1 }, `${phone} went through at once`)

  const rerun = await runToEnd(app, id, { only: 'failed' })
  t.match(rerun, { status: 'completed', totalCount: 3, successCount: 3, failedCount: 0 }, 'retry failed sends the three again, and they go through')
})

t.test('SANDBOX_TEMPLATES: a listed template is sent, any other is refused with 132001 as Meta does', async t => {
  const app = await sandboxServer(t, { SANDBOX_TEMPLATES: 'hello_world,order_update:en_US' })
  const create = async (templateName: string, language: string): Promise<number> => (await app.inject({
    method: 'POST',
    url: `${api}/campaigns`,
    payload: { name: templateName, templateName, language, contacts: [{ phone: phoneFor(1) }, { phone: phoneFor(2) }] }
  })).json().id
  t.match(await runToEnd(app, await create('hello_world', 'pt_BR')), { status: 'completed', successCount: 2 }, 'a name alone: every language')
  t.match(await runToEnd(app, await create('order_update', 'en_US')), { status: 'completed', successCount: 2 }, 'name:language')
  t.match(await runToEnd(app, await create('order_update', 'en')), { status: 'failed', failedCount: 2, error: { code: 132001 } }, 'another language of a listed name')
  t.match(await runToEnd(app, await create('not_approved', 'en')), { status: 'failed', failedCount: 2, error: { code: 132001 } }, 'a name not listed')
})

t.test('SANDBOX_TEMPLATES with a language each: the sandbox has a business account, and templates are checked before anything is sent', async t => {
  const app = await sandboxServer(t, { SANDBOX_TEMPLATES: 'order_update:en_US' })
  const templates = (await app.inject({ method: 'GET', url: `${api}/templates` })).json()
  t.match(templates, [{ name: 'order_update', language: 'en_US', status: 'APPROVED', body: { parameters: 0 } }])
  const refused = await app.inject({ method: 'POST', url: `${api}/campaigns`, payload: { name: 'x', templateName: 'order_update', language: 'en', contacts: [{ phone: phoneFor(1) }] } })
  t.match(refused, { statusCode: 422 })
  t.match(refused.json(), { code: 'WAC_TEMPLATE_NOT_FOUND', message: /^template order_update \(en\) does not exist/ })
  const created = await app.inject({ method: 'POST', url: `${api}/campaigns`, payload: { name: 'x', templateName: 'order_update', language: 'en_US', contacts: [{ phone: phoneFor(1) }] } })
  t.match(await runToEnd(app, created.json().id), { status: 'completed', successCount: 1 })
})

t.test('the sandbox posts signed status webhooks back to the server: with zero setup, messages become delivered and read', async t => {
  const app = await sandboxServer(t, {})
  await app.listen({ host: '127.0.0.1', port: 0 })
  const created = await app.inject({ method: 'POST', url: `${api}/campaigns`, payload: { name: 'tracked', templateName: 'hello', contacts: Array.from({ length: 20 }, (_, i) => ({ phone: phoneFor(i) })) } })
  const id: number = created.json().id
  await runToEnd(app, id)
  const campaign = await waitFor('the delivery statuses', async () => (await app.inject({ method: 'GET', url: `${api}/campaigns/${id}` })).json(), {
    until: (c: any) => c.deliveredCount === 20 && c.readCount > 0,
    timeoutMs: 20_000
  })
  t.match(campaign, { successCount: 20, deliveredCount: 20 })
  t.ok(campaign.messages.every((m: any) => m.deliveredAt !== null), 'each message has its delivery time')
  const unsigned = await app.inject({ method: 'POST', url: `${api}/webhook`, headers: { 'content-type': 'application/json' }, payload: '{"object":"whatsapp_business_account","entry":[]}' })
  t.equal(unsigned.statusCode, 401, 'an unsigned event is refused: the sandbox signs with a secret of its own')
})
