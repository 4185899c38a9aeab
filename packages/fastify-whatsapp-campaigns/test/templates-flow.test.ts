/**
 * The template check end to end, over real HTTP both ways: the plugin reads the business account's
 * templates from the local fake of the Graph API, refuses starts and saves that do not fit, and the
 * fake's message_template_status_update webhooks pause (and let resume) the runs of a template. On
 * every adapter.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import { metaJson, signatureOf, startCloudApiFake, type CloudApiFake, type TemplateDefinition } from 'whatsapp-cloud-fake'
import campaigns, { memoryStore, postgresStore, type CampaignsPluginOptions, type CampaignStore } from '../src/index.js'
import { waitFor } from '../../whatsapp-cloud-fake/test/wait-for.js'
import { contactsFor, prefix } from './helpers/app.js'
import { migratedPGlite } from './helpers/pglite.js'
import { freshDatabase, postgresUrl } from './helpers/postgres.js'

const appSecret = 'templates-flow-secret'

const templates: TemplateDefinition[] = [
  { name: 'order_update', language: 'en', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hi {{1}}, order {{2}} ships today', example: { body_text: [['Ana', '42']] } }] },
  { name: 'hello', language: 'en', bodyParameters: 1 },
  { name: 'promo', language: 'en', status: 'PAUSED', bodyParameters: 1 },
  { name: 'photo', language: 'en', components: [{ type: 'HEADER', format: 'IMAGE' }, { type: 'BODY', text: 'Look {{1}}' }] },
  { name: 'track', language: 'en', components: [{ type: 'BODY', text: 'Hi {{1}}' }, { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Track', url: 'https://shop.test/{{1}}' }] }] }
]

interface Flow {
  app: FastifyInstance
  fakes: CloudApiFake[]
  api: (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown, tenant?: string) => Promise<{ statusCode: number, body: any }>
}

/** Tenant `a` sends from the first fake's business account, `b` from the second's (`c`: no business account id). */
async function flow (t: Test, store: CampaignStore, plugin: Partial<CampaignsPluginOptions> = {}, messagesPerSecond = 2000): Promise<Flow> {
  const fakes = [
    await startCloudApiFake({ accessToken: 'test-token', templates, businessAccountId: '1110001' }),
    await startCloudApiFake({ accessToken: 'test-token', templates, businessAccountId: '2220002' })
  ]
  const app = Fastify({ logger: { level: 'silent' } })
  await app.register(campaigns, {
    prefix,
    store,
    whatsapp: tenant => tenant === 'c'
      ? { apiUrl: fakes[0].apiUrl, phoneNumberId: '100200300', accessToken: 'test-token' }
      : { apiUrl: fakes[tenant === 'b' ? 1 : 0].apiUrl, phoneNumberId: tenant === 'b' ? '200300400' : '100200300', accessToken: 'test-token', businessAccountId: tenant === 'b' ? '2220002' : '1110001' },
    tenant: request => (request.headers['x-tenant'] as string | undefined) ?? 'a',
    webhook: { appSecret },
    sending: { messagesPerSecond, idlePollMs: 50 },
    ...plugin
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  for (const fake of fakes) fake.setOptions({ webhooks: { url: `http://127.0.0.1:${port}${prefix}/webhook`, appSecret, sentDelayMs: 0, delivered: { share: 0 } } })
  t.teardown(async () => {
    for (const fake of fakes) await fake.close()
    await app.close()
  })
  const api: Flow['api'] = async (method, url, payload, tenant = 'a') => {
    const response = await app.inject({ method, url: `${prefix}${url}`, payload: payload as any, headers: { 'x-tenant': tenant } })
    return { statusCode: response.statusCode, body: response.body === '' ? undefined : response.json() }
  }
  return { app, fakes, api }
}

const adapters: Array<{ name: string, store: (t: Test) => Promise<CampaignStore> }> = [
  { name: 'memory', store: async () => memoryStore() },
  { name: 'PGlite', store: async t => postgresStore(await migratedPGlite(t)) }
]
if (postgresUrl !== undefined) adapters.push({ name: 'PostgreSQL', store: async t => postgresStore((await freshDatabase(t)).pool) })

for (const adapter of adapters) {
  t.test(`${adapter.name}: GET /templates, and starts and saves refused with the reason, nothing sent`, async t => {
    const { api, fakes } = await flow(t, await adapter.store(t))
    const listed = await api('GET', '/templates')
    t.equal(listed.statusCode, 200)
    t.same(listed.body.map((x: any) => x.name), templates.map(x => x.name))
    t.match(listed.body[0], { name: 'order_update', language: 'en', status: 'APPROVED', category: 'UTILITY', parameterFormat: 'POSITIONAL', body: { text: 'Hi {{1}}, order {{2}} ships today', parameters: 2 }, header: null, buttons: [] })
    t.match(listed.body[3].header, { format: 'IMAGE', parameters: 0 })
    t.match(listed.body[4].buttons, [{ type: 'URL', url: 'https://shop.test/{{1}}', parameters: 1 }])
    t.same((await api('GET', '/templates?status=PAUSED')).body.map((x: any) => x.name), ['promo'])
    t.same((await api('GET', '/templates', undefined, 'c')).body, [], 'no business account id: none listed')

    const refused = await api('POST', '/campaigns', { name: 'x', templateName: 'order_update', parameters: ['{{name}}'], contacts: contactsFor(3) })
    t.same(refused, { statusCode: 422, body: { statusCode: 422, error: 'Unprocessable Entity', code: 'WAC_TEMPLATE_PARAMETERS', message: 'template order_update (en) needs 2 body parameters; the campaign gives 1' } })
    t.match(await api('POST', '/campaigns', { name: 'x', templateName: 'promo', contacts: contactsFor(3) }), { statusCode: 409, body: { code: 'WAC_TEMPLATE_NOT_APPROVED', message: /^template promo \(en\) is PAUSED/ } })
    t.match(await api('POST', '/campaigns', { name: 'x', templateName: 'nope', language: 'de', contacts: contactsFor(3) }), { statusCode: 422, body: { code: 'WAC_TEMPLATE_NOT_FOUND', message: /^template nope \(de\) does not exist/ } })
    t.match(await api('POST', '/campaigns', { name: 'x', templateName: 'photo', contacts: contactsFor(3) }), { statusCode: 422, body: { code: 'WAC_TEMPLATE_COMPONENTS' } })
    t.match(await api('POST', '/campaigns', { name: 'x', templateName: 'track', contacts: contactsFor(3) }), { statusCode: 422, body: { code: 'WAC_TEMPLATE_COMPONENTS', message: /URL button/ } })
    t.match(await api('POST', '/send-bulk', { templateName: 'order_update', phoneNumbers: ['919876000001'] }), { statusCode: 422, body: { code: 'WAC_TEMPLATE_PARAMETERS', message: 'template order_update (en) needs 2 body parameters; the campaign gives 0' } })
    t.same((await api('GET', '/campaigns')).body, [], 'nothing stored by a refusal')

    // Tenant c has no business account id: nothing is checked, and the fake is the judge.
    t.equal((await api('POST', '/campaigns', { name: 'unchecked', templateName: 'nope', contacts: contactsFor(1) }, 'c')).statusCode, 201)

    const good = await api('POST', '/campaigns', { name: 'ok', templateName: 'order_update', parameters: ['{{name}}', '42'], contacts: contactsFor(3) })
    t.equal(good.statusCode, 201)
    const edit = await api('PUT', `/campaigns/${good.body.id as number}`, { parameters: ['only one'] })
    t.match(edit, { statusCode: 422, body: { message: 'template order_update (en) needs 2 body parameters; the campaign gives 1' } })
    t.equal((await api('PUT', `/campaigns/${good.body.id as number}`, { name: 'renamed' })).statusCode, 200, 'an edit of the name is not checked')
    const mixed = await api('PUT', `/campaigns/${good.body.id as number}`, { contacts: [...contactsFor(2), { phone: '919876000099', parameters: ['a'] }] })
    t.match(mixed, { statusCode: 422, body: { message: /; 1 of 3 contacts get 1 \(the first at position 2/ } })
    t.equal((await api('POST', `/campaigns/${good.body.id as number}/run`)).statusCode, 202)
    await waitFor('the run', async () => (await api('GET', `/campaigns/${good.body.id as number}`)).body, { until: (c: any) => c.status === 'completed', timeoutMs: 20_000 })
    t.equal(fakes[0].accepted(), 3)
  })

  t.test(`${adapter.name}: checkOnSave false saves; the run is refused until the campaign fits`, async t => {
    const { api, fakes } = await flow(t, await adapter.store(t), { templates: { checkOnSave: false } })
    const saved = await api('POST', '/campaigns', { name: 'later', templateName: 'promo', contacts: contactsFor(5) })
    t.equal(saved.statusCode, 201)
    const id: number = saved.body.id
    t.match(await api('POST', `/campaigns/${id}/run`), { statusCode: 409, body: { code: 'WAC_TEMPLATE_NOT_APPROVED' } })
    t.equal((await api('GET', `/campaigns/${id}`)).body.status, 'draft')
    t.equal(fakes[0].accepted(), 0)
    fakes[0].setTemplateStatus('promo', 'en', 'APPROVED')
    await waitFor('the approval to be seen', async () => (await api('GET', '/templates?name=promo')).body[0].status, { until: (s: string) => s === 'APPROVED', timeoutMs: 10_000 })
    t.equal((await api('POST', `/campaigns/${id}/run`)).statusCode, 202)
  })

  t.test(`${adapter.name}: a status webhook pausing a template pauses the runs on its business account, with the reason; approved again, they resume`, async t => {
    const { app, api, fakes } = await flow(t, await adapter.store(t), {}, 40)
    const body = { name: 'long', templateName: 'hello', contacts: contactsFor(100) }
    const a = (await api('POST', '/campaigns', body)).body.id as number
    const b = (await api('POST', '/campaigns', body, 'b')).body.id as number
    const other = (await api('POST', '/campaigns', { ...body, templateName: 'order_update', parameters: ['x', 'y'], contacts: contactsFor(100, 1000) })).body.id as number
    for (const [id, tenant] of [[a, 'a'], [b, 'b'], [other, 'a']] as const) t.equal((await api('POST', `/campaigns/${id}/run`, undefined, tenant)).statusCode, 202)
    await waitFor('some sends', async () => fakes[0].accepted(), { until: (n: number) => n >= 10, timeoutMs: 20_000 })
    // Meta's webhook alone (the fake still accepts the template): what pauses the run is the webhook.
    const update = (event: string): string => metaJson({
      object: 'whatsapp_business_account',
      entry: [{ id: '1110001', time: 1, changes: [{ value: { event, message_template_id: 1234567890123456, message_template_name: 'hello', message_template_language: 'en', reason: 'LOW_QUALITY' }, field: 'message_template_status_update' }] }]
    })
    const post = async (text: string): Promise<number> => (await app.inject({
      method: 'POST', url: `${prefix}/webhook`, payload: text, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureOf(text, appSecret) }
    })).statusCode
    t.equal(await post(update('PAUSED')), 200)
    const paused = (await api('GET', `/campaigns/${a}`)).body
    t.equal(paused.status, 'paused', 'paused by the time the webhook is answered')
    t.match(paused.error, { code: 132015, title: 'Template is Paused', message: 'template hello (en) is PAUSED: Meta refuses its sends, so the run paused itself; resume it once the template is APPROVED again, or cancel it' })
    t.equal((await api('GET', `/campaigns/${b}`, undefined, 'b')).body.status, 'running', "another business account's run goes on")
    t.equal((await api('GET', `/campaigns/${other}`)).body.status, 'running', "another template's run goes on")
    t.match((await api('GET', '/templates?name=hello')).body, [{ status: 'PAUSED' }], 'the kept list shows it at once')
    t.match(await api('POST', `/campaigns/${a}/resume`), { statusCode: 409, body: { code: 'WAC_TEMPLATE_NOT_APPROVED', message: /^template hello \(en\) is PAUSED/ } })

    t.equal(await post(update('APPROVED')), 200)
    t.equal((await api('POST', `/campaigns/${a}/resume`)).statusCode, 200)
    for (const [id, tenant] of [[a, 'a'], [b, 'b'], [other, 'a']] as const) {
      const done = await waitFor('the end', async () => (await api('GET', `/campaigns/${id}`, undefined, tenant)).body, { until: (c: any) => c.status === 'completed' || c.status === 'failed', timeoutMs: 60_000 })
      t.equal(done.status, 'completed')
    }
    t.equal(fakes[0].accepted(), 200)
    t.same(fakes[0].duplicates(), [])
    t.equal(fakes[1].accepted(), 100)
  })

  t.test(`${adapter.name}: a template Meta pauses mid-run (sends refused with 132015, then its webhook): the run pauses, resumes once approved, each recipient sent once`, async t => {
    const { api, fakes } = await flow(t, await adapter.store(t), {}, 40)
    const a = (await api('POST', '/campaigns', { name: 'long', templateName: 'hello', contacts: contactsFor(120) })).body.id as number
    await api('POST', `/campaigns/${a}/run`)
    await waitFor('some sends', async () => fakes[0].accepted(), { until: (n: number) => n >= 10, timeoutMs: 20_000 })
    fakes[0].setTemplateStatus('hello', 'en', 'PAUSED', 'LOW_QUALITY')
    const paused = await waitFor('the pause', async () => (await api('GET', `/campaigns/${a}`)).body, { until: (c: any) => c.status === 'paused', timeoutMs: 20_000 })
    // Whichever comes first, a refused send or the webhook, the reason is the template's pause.
    t.match(paused.error, { code: 132015, title: 'Template is Paused' })
    await fakes[0].webhooks.idle()
    t.match(await api('POST', `/campaigns/${a}/resume`), { statusCode: 409, body: { code: 'WAC_TEMPLATE_NOT_APPROVED' } })
    fakes[0].setTemplateStatus('hello', 'en', 'APPROVED')
    await waitFor('the approval', async () => (await api('POST', `/campaigns/${a}/resume`)).statusCode, { until: (s: number) => s === 200, timeoutMs: 10_000 })
    const done = await waitFor('the end', async () => (await api('GET', `/campaigns/${a}`)).body, { until: (c: any) => c.status === 'completed' || c.status === 'failed', timeoutMs: 30_000 })
    t.match(done, { status: 'completed', successCount: 120, failedCount: 0 })
    t.equal(fakes[0].accepted(), 120)
    t.same(fakes[0].duplicates(), [])
  })

  // Its run is started, then paused before any claim: for that moment the campaign shows running.
  t.test(`${adapter.name}: a scheduled campaign whose template fails is not started: paused with the reason`, async t => {
    const { api, fakes } = await flow(t, await adapter.store(t), { templates: { checkOnSave: false } })
    const scheduledAt = new Date(Date.now() + 1500).toISOString()
    const id = (await api('POST', '/campaigns', { name: 'at night', templateName: 'promo', contacts: contactsFor(5), scheduledAt })).body.id as number
    const paused = await waitFor('the scheduled start', async () => (await api('GET', `/campaigns/${id}`)).body, { until: (c: any) => c.status !== 'scheduled' && c.status !== 'running', timeoutMs: 20_000 })
    t.match(paused, { status: 'paused', error: { code: 'WAC_TEMPLATE_NOT_APPROVED', message: /^template promo \(en\) is PAUSED/ } })
    await new Promise(resolve => setTimeout(resolve, 500))
    t.equal(fakes[0].accepted(), 0)
    t.equal(fakes[0].log.length, 0, 'not one request')
  })
}
