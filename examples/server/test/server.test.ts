import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import { buildServer } from '../src/app.js'
import { configFromEnv } from '../src/config.js'
import { waitFor } from '../../../packages/whatsapp-cloud-fake/test/wait-for.js'

const api = '/api/whatsapp'
const phoneFor = (i: number): string => `919876${String(i).padStart(6, '0')}`

async function tempDir (t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wac-server-'))
  t.teardown(async () => { await rm(dir, { recursive: true, force: true }) })
  return dir
}

async function waitForEnd (app: FastifyInstance, id: number, headers: Record<string, string> = {}): Promise<any> {
  return await waitFor(`campaign ${id} to be completed or failed`, async () => (await app.inject({ method: 'GET', url: `${api}/campaigns/${id}`, headers })).json(), {
    until: campaign => campaign.status === 'completed' || campaign.status === 'failed',
    timeoutMs: 60_000
  })
}

t.test('zero setup: PGlite under DATA_DIR and the sandbox; a run completes and the data survives a restart', async t => {
  const dataDir = await tempDir(t)
  const config = configFromEnv({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', WHATSAPP_MESSAGES_PER_SECOND: '1000' })
  let app = await buildServer(config)
  const created = await app.inject({
    method: 'POST',
    url: `${api}/campaigns`,
    payload: { name: 'Restart me', templateName: 'hello_world', contacts: Array.from({ length: 300 }, (_, i) => ({ name: `N${i}`, phone: phoneFor(i) })) }
  })
  t.equal(created.statusCode, 201)
  const id: number = created.json().id
  t.equal((await app.inject({ method: 'POST', url: `${api}/campaigns/${id}/run` })).statusCode, 202)
  const done = await waitForEnd(app, id)
  t.match(done, { status: 'completed', totalCount: 300, successCount: 300, failedCount: 0 })
  t.ok(done.messages.every((m: any) => typeof m.messageId === 'string' && m.messageId.startsWith('wamid.')), 'the sandbox answered every send with a wamid')
  await app.close()
  t.not((await readdir(dataDir)).length, 0, 'the database lives under DATA_DIR')

  app = await buildServer(config)
  t.teardown(async () => { await app.close() })
  const again = (await app.inject({ method: 'GET', url: `${api}/campaigns/${id}` })).json()
  t.match(again, { name: 'Restart me', status: 'completed', successCount: 300 })
  t.equal(again.contacts.length, 300)
  t.strictSame(again.messages.map((m: any) => m.messageId), done.messages.map((m: any) => m.messageId), 'the results are kept')
})

t.test('API_TOKEN guards the campaign routes, compared as a bearer token', async t => {
  const dataDir = await tempDir(t)
  const app = await buildServer(configFromEnv({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', API_TOKEN: 's3cret' }))
  t.teardown(async () => { await app.close() })
  for (const authorization of [undefined, 'Bearer wrong', 's3cret', 'Bearer ']) {
    const response = await app.inject({ method: 'GET', url: `${api}/campaigns`, headers: authorization === undefined ? {} : { authorization } })
    t.equal(response.statusCode, 401, String(authorization))
    t.match(response.json(), { statusCode: 401, error: 'Unauthorized', code: 'WAC_UNAUTHORIZED' })
  }
  const ok = await app.inject({ method: 'GET', url: `${api}/campaigns`, headers: { authorization: 'Bearer s3cret' } })
  t.equal(ok.statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200, 'health needs no token')
})

t.test('a URL Fastify cannot route is answered in the API\'s error shape, named by its own status', async t => {
  const dataDir = await tempDir(t)
  const app = await buildServer(configFromEnv({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }))
  t.teardown(async () => { await app.close() })
  const long = await app.inject({ method: 'DELETE', url: `${api}/campaigns/${'1'.repeat(200)}` })
  t.equal(long.statusCode, 414)
  t.match(long.json(), { statusCode: 414, error: 'URI Too Long', code: 'FST_ERR_MAX_PARAM_LENGTH' })
  const undecodable = await app.inject({ method: 'DELETE', url: `${api}/campaigns/%E0%A4%A` })
  t.equal(undecodable.statusCode, 400)
  t.match(undecodable.json(), { statusCode: 400, error: 'Bad Request', code: 'FST_ERR_BAD_URL' })
})

t.test('secrets never reach the log', async t => {
  const dataDir = await tempDir(t)
  const stream = new PassThrough()
  let log = ''
  stream.on('data', chunk => { log += String(chunk) })
  const app = await buildServer(configFromEnv({ DATA_DIR: dataDir, LOG_LEVEL: 'trace', API_TOKEN: 'api-token-value' }), { logStream: stream })
  await app.inject({ method: 'GET', url: `${api}/campaigns`, headers: { authorization: 'Bearer api-token-value' } })
  app.log.info({ whatsapp: { accessToken: 'graph-token-value', appSecret: 'app-secret-value' } }, 'a careless line')
  app.log.info({ accessToken: 'graph-token-value' }, 'another')
  await app.close()
  t.ok(log.includes('[redacted]'), 'redacted values are marked')
  for (const secret of ['api-token-value', 'graph-token-value', 'app-secret-value']) t.notOk(log.includes(secret), `${secret} is not logged`)
})

t.test('OpenAPI docs from the schemas at /docs', async t => {
  const dataDir = await tempDir(t)
  const app = await buildServer(configFromEnv({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }))
  t.teardown(async () => { await app.close() })
  const spec = (await app.inject({ method: 'GET', url: '/docs/json' })).json()
  for (const path of ['/api/whatsapp/campaigns', '/api/whatsapp/campaigns/{id}', '/api/whatsapp/campaigns/{id}/run', '/api/whatsapp/campaigns/{id}/messages', '/api/whatsapp/send-bulk']) {
    t.ok(spec.paths[path], path)
  }
  t.equal((await app.inject({ method: 'GET', url: '/docs' })).statusCode < 400, true)
})

t.test('configuration from the environment', async t => {
  t.match(configFromEnv({}), { port: 3000, host: '0.0.0.0', messagesPerSecond: 80, whatsapp: undefined, databaseUrl: undefined })
  const real = configFromEnv({ WHATSAPP_ACCESS_TOKEN: 'tok', WHATSAPP_PHONE_NUMBER_ID: '123', WHATSAPP_APP_SECRET: 'sec', PORT: '8080' })
  t.match(real, { port: 8080, whatsapp: { apiUrl: 'https://graph.facebook.com/v23.0', phoneNumberId: '123', accessToken: 'tok' }, webhook: { appSecret: 'sec' } })
  t.throws(() => configFromEnv({ WHATSAPP_ACCESS_TOKEN: 'tok' }), /WHATSAPP_PHONE_NUMBER_ID/)
  t.match(configFromEnv({ WHATSAPP_ACCESS_TOKEN: 'tok', WHATSAPP_PHONE_NUMBER_ID: '123', WHATSAPP_BUSINESS_ACCOUNT_ID: '102290129340398' }).whatsapp, { businessAccountId: '102290129340398' })
  t.throws(() => configFromEnv({ WHATSAPP_ACCESS_TOKEN: 'tok', WHATSAPP_PHONE_NUMBER_ID: '123', WHATSAPP_BUSINESS_ACCOUNT_ID: 'waba' }), /WHATSAPP_BUSINESS_ACCOUNT_ID must be/)
  t.throws(() => configFromEnv({ PORT: 'eighty' }), /PORT/)
  t.throws(() => configFromEnv({ WHATSAPP_MESSAGES_PER_SECOND: '-1' }), /WHATSAPP_MESSAGES_PER_SECOND/)
  t.equal(configFromEnv({ DEFAULT_COUNTRY: ' in ' }).defaultCountry, 'IN')
  for (const country of ['India', 'XX', 'ZZ', 'I']) {
    t.throws(() => configFromEnv({ DEFAULT_COUNTRY: country }), /DEFAULT_COUNTRY must be a country's ISO 3166 alpha-2 code, such as IN or US/, country)
  }
})

t.test('DEFAULT_COUNTRY lets numbers without their country code in', async t => {
  const post = async (app: FastifyInstance) => await app.inject({
    method: 'POST', url: `${api}/campaigns`, payload: { name: 'local', templateName: 'hello', contacts: [{ phone: '98760 00001' }] }
  })
  const without = await buildServer(configFromEnv({ DATA_DIR: await tempDir(t), LOG_LEVEL: 'silent' }))
  t.teardown(async () => { await without.close() })
  t.match((await post(without)).json(), { statusCode: 400, details: [{ reason: /add the country code .* or set defaultCountry/ }] })
  const india = await buildServer(configFromEnv({ DATA_DIR: await tempDir(t), LOG_LEVEL: 'silent', DEFAULT_COUNTRY: 'IN' }))
  t.teardown(async () => { await india.close() })
  const created = await post(india)
  t.equal(created.statusCode, 201)
  t.strictSame(created.json().contacts.map((c: any) => c.phone), ['919876000001'])
})

t.test('a second server on the same DATA_DIR is refused instead of corrupting it', async t => {
  const dataDir = await tempDir(t)
  const config = configFromEnv({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' })
  const first = await buildServer(config)
  t.teardown(async () => { await first.close() })
  await t.rejects(buildServer(config), /DATA_DIR .* is in use by process/)
})
