import Fastify, { type FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import { request } from 'undici'
import campaigns, { memoryStore, type CampaignsPluginOptions, type DeliveryReports, type IngestSummary } from '../src/index.js'
import { signWebhookBody } from '../src/whatsapp/webhook-signature.js'

const prefix = '/api/whatsapp'
const secret = 'app-secret'
const summary: IngestSummary = { matched: 0, early: 0, replies: 0, optedOut: 0, optedIn: 0 }

interface Built { app: FastifyInstance, calls: DeliveryReports[], url: string }

async function build (t: Test, webhook: CampaignsPluginOptions['webhook'], ingest?: (r: DeliveryReports) => Promise<IngestSummary>, extra: Partial<CampaignsPluginOptions> = {}): Promise<Built> {
  const calls: DeliveryReports[] = []
  const store = { ...memoryStore(), ingest: async (reports: DeliveryReports) => { calls.push(reports); return await (ingest?.(reports) ?? summary) } }
  const app = Fastify({ logger: { level: 'silent' } })
  await app.register(campaigns, { prefix, store, whatsapp: { phoneNumberId: '1', accessToken: 'token' }, webhook, ...extra })
  const url = await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(async () => { await app.close() })
  return { app, calls, url }
}

const statusBody = (id: string, status = 'delivered'): string => JSON.stringify({
  object: 'whatsapp_business_account',
  entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550001111', phone_number_id: '1' }, statuses: [{ id, status, timestamp: '1750000000', recipient_id: '16505551234' }] } }] }]
})

async function post (url: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<{ statusCode: number, json: any }> {
  const response = await request(`${url}${prefix}/webhook`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } })
  const text = await response.body.text()
  let json: any
  try { json = JSON.parse(text) } catch { json = text }
  return { statusCode: response.statusCode, json }
}

const signed = (body: string | Buffer): Record<string, string> => ({ 'x-hub-signature-256': signWebhookBody(body, secret) })

t.test("Meta's test vector", async t => {
  t.equal(signWebhookBody('test', 'secret'), 'sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914')
})

t.test('verification GET', async t => {
  const { app } = await build(t, { appSecret: secret, verifyToken: 'verify-me' })
  const ok = await app.inject({ url: `${prefix}/webhook?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=verify-me` })
  t.equal(ok.statusCode, 200)
  t.equal(ok.body, '1158201444')
  t.match(ok.headers['content-type'], /^text\/plain/)
  const wrong = await app.inject({ url: `${prefix}/webhook?hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope` })
  t.equal(wrong.statusCode, 403)
  t.match(wrong.json(), { statusCode: 403, error: 'Forbidden', code: 'WAC_WEBHOOK_VERIFICATION' })
  t.notMatch(wrong.body, /verify-me/, 'the token is never echoed')
  t.equal((await app.inject({ url: `${prefix}/webhook?hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=verify-me` })).statusCode, 403)

  const { app: bare } = await build(t, { appSecret: secret })
  const none = await bare.inject({ url: `${prefix}/webhook?hub.mode=subscribe&hub.challenge=1&hub.verify_token=x` })
  t.equal(none.statusCode, 403)
  t.match(none.json().message, /webhook\.verifyToken/)
})

t.test('the verify token never reaches the request log', async t => {
  const lines: string[] = []
  const app = Fastify({ logger: { level: 'info', stream: { write: (line: string) => { lines.push(line) } } } })
  await app.register(campaigns, { prefix, store: memoryStore(), whatsapp: { phoneNumberId: '1', accessToken: 'token' }, webhook: { verifyToken: 'verify-me' } })
  t.teardown(async () => { await app.close() })
  const ok = await app.inject({ url: `${prefix}/webhook?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=9` })
  t.equal(ok.body, '9')
  t.ok(lines.some(line => line.includes('hub.verify_token=[redacted]')), 'the URL is logged without it')
  t.notOk(lines.some(line => line.includes('verify-me')))
})

t.test('signatures over the raw bytes', async t => {
  const { url, calls } = await build(t, { appSecret: secret })
  const body = statusBody('wamid.A')
  t.match(await post(url, body, signed(body)), { statusCode: 200, json: { received: true } })
  t.equal(calls.length, 1)
  t.equal(calls[0].statuses[0].wamid, 'wamid.A')

  const changed = body.replace('wamid.A', 'wamid.B')
  t.match(await post(url, changed, signed(body)), { statusCode: 401, json: { code: 'WAC_WEBHOOK_SIGNATURE' } }, 'one byte changed')
  t.match(await post(url, body), { statusCode: 401, json: { message: /missing/ } }, 'no header')
  t.equal((await post(url, body, { 'x-hub-signature-256': 'sha256=zz' })).statusCode, 401, 'a garbled header')
  t.equal((await post(url, body, { 'x-hub-signature-256': signWebhookBody(body, secret).slice(7) })).statusCode, 401, 'no sha256= prefix')
  t.equal(calls.length, 1, 'nothing refused reached the store')

  // Meta escapes non-ASCII text: only its bytes verify, the re-serialised JSON would not.
  const escaped = '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"message_template_status_update","value":{"reason":"Gr\\u00fc\\u00dfe \\ud83d\\udc4b"}}]}]}'
  t.not(JSON.stringify(JSON.parse(escaped)), escaped)
  t.equal((await post(url, escaped, signed(escaped))).statusCode, 200)
  t.equal((calls[1].other[0].value as any).reason, 'Grüße 👋')
  const reserialised = JSON.stringify(JSON.parse(escaped))
  t.equal((await post(url, reserialised, signed(escaped))).statusCode, 401)
})

t.test('refusals: not configured, content types, JSON, structure, size', async t => {
  const { url: unconfigured } = await build(t, { verifyToken: 'v' })
  t.match(await post(unconfigured, statusBody('wamid.A')), { statusCode: 503, json: { statusCode: 503, error: 'Service Unavailable', code: 'WAC_WEBHOOK_NOT_CONFIGURED' } })

  const { url, calls } = await build(t, { appSecret: secret })
  const body = statusBody('wamid.A')
  t.equal((await post(url, body, { ...signed(body), 'content-type': 'application/json; charset=utf-8' })).statusCode, 200, 'with a charset')
  t.match(await post(url, body, { ...signed(body), 'content-type': 'text/plain' }), { statusCode: 415, json: { code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' } })
  const bad = '{"object":'
  t.match(await post(url, bad, signed(bad)), { statusCode: 400, json: { code: 'FST_ERR_CTP_INVALID_JSON_BODY' } })
  t.match(await post(url, bad), { statusCode: 401 }, 'the signature is checked before the JSON')
  const wrong = '{"object":"whatsapp_business_account","entry":{"id":"1"}}'
  t.match(await post(url, wrong, signed(wrong)), { statusCode: 400, json: { code: 'WAC_WEBHOOK_INVALID_BODY', message: /entry/ } })
  const other = '{"object":"page","entry":[{"id":"1","changes":[{"field":"feed","value":{}}]}]}'
  t.equal((await post(url, other, signed(other))).statusCode, 200, 'another object is acknowledged')
  const big = Buffer.alloc(4 * 1024 * 1024, 0x20)
  t.equal((await post(url, big, signed(big))).statusCode, 413)
  t.equal(calls.length, 1, 'only the good body was stored')
})

t.test("the host's hooks do not guard the webhook", async t => {
  const { url, app } = await build(t, { appSecret: secret }, undefined, {
    hooks: { onRequest: async (_request, reply) => { await reply.code(401).send({ statusCode: 401, error: 'Unauthorized', message: 'no', code: 'HOST' }) } }
  })
  t.equal((await app.inject({ url: `${prefix}/campaigns` })).statusCode, 401)
  const body = statusBody('wamid.A')
  t.equal((await post(url, body, signed(body))).statusCode, 200)
})

t.test('concurrent requests share ingest calls, each answered after its call', async t => {
  let release!: () => void
  const gate = new Promise<void>(resolve => { release = resolve })
  const resolvedAt: number[] = []
  let failing = false
  const { url, calls } = await build(t, { appSecret: secret }, async reports => {
    if (calls.length === 1) await gate
    if (failing && reports.statuses.some(s => s.wamid === 'wamid.fail')) throw new Error('database down')
    resolvedAt.push(Date.now())
    return summary
  })
  const answers = Array.from({ length: 20 }, async (_, i) => {
    const body = statusBody(`wamid.${i}`)
    const answer = await post(url, body, signed(body))
    return { ...answer, at: Date.now() }
  })
  await new Promise(resolve => setTimeout(resolve, 300))
  t.equal(calls.length, 1, 'one call under way, the others wait')
  release()
  const results = await Promise.all(answers)
  t.ok(results.every(r => r.statusCode === 200))
  t.ok(calls.length < 20, `${calls.length} calls for 20 requests`)
  t.equal(calls.reduce((n, c) => n + c.statuses.length, 0), 20)
  t.ok(results.every(r => r.at >= resolvedAt[0]), 'no answer before the first call committed')

  failing = true
  const failBody = statusBody('wamid.fail')
  t.match(await post(url, failBody, signed(failBody)), { statusCode: 503, json: { code: 'WAC_WEBHOOK_NOT_STORED' } })
  const okBody = statusBody('wamid.ok')
  t.equal((await post(url, okBody, signed(okBody))).statusCode, 200, 'a later call goes on')
})

t.test('webhook options are checked at registration, secrets never echoed', async t => {
  const cases: Array<[CampaignsPluginOptions['webhook'], RegExp]> = [
    [{ appSecret: '' }, /option "webhook.appSecret"/],
    [{ verifyToken: 42 as any }, /option "webhook.verifyToken"/],
    [{ stopKeywords: ['  '] }, /option "webhook.stopKeywords"/],
    [{ startKeywords: ['stop'] }, /option "webhook.startKeywords"/],
    [{ witnessWindowMs: -1 }, /option "webhook.witnessWindowMs"/],
    [{ secret: 'x' } as any, /option "webhook.secret"/]
  ]
  for (const [webhook, message] of cases) {
    const app = Fastify()
    const error = await (async () => { await app.register(campaigns, { store: memoryStore(), whatsapp: { phoneNumberId: '1', accessToken: 't' }, webhook }).ready() })().catch((e: Error) => e)
    t.match(error, { message }, String(message))
    t.notMatch(String(error), /42/)
    await app.close()
  }
})
