import Fastify from 'fastify'
import t from 'tap'
import campaigns, { frameworkErrors, memoryStore, type CampaignsPluginOptions } from '../src/index.js'
import { buildTestApp, contactsFor, prefix, waitForStatus } from './helpers/app.js'

const account = { phoneNumberId: '1', accessToken: 'secret-token' }

function deepFreeze<T> (value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner)
    Object.freeze(value)
  }
  return value
}

t.test('options are checked at registration with an error that names the option', async t => {
  const cases: Array<[string, Partial<CampaignsPluginOptions>, RegExp]> = [
    ['no store', { whatsapp: account }, /option "store"/],
    ['a store missing methods', { store: { create: () => {} } as any, whatsapp: account }, /option "store".*missing CampaignRepository.list,/],
    ['no account', { store: memoryStore() }, /option "whatsapp"/],
    ['no token', { store: memoryStore(), whatsapp: { phoneNumberId: '1' } as any }, /option "whatsapp.accessToken"/],
    ['a bad apiUrl', { store: memoryStore(), whatsapp: { ...account, apiUrl: 'graph' } }, /option "whatsapp.apiUrl"/],
    ['an unknown sending option', { store: memoryStore(), whatsapp: account, sending: { speed: 3 } as any }, /option "sending.speed"/],
    ['a negative rate', { store: memoryStore(), whatsapp: account, sending: { messagesPerSecond: -1 } }, /option "sending.messagesPerSecond" must be a positive number/],
    ['a headroom that leaves nothing', { store: memoryStore(), whatsapp: account, sending: { pacingHeadroom: 0.9 } }, /option "sending.pacingHeadroom" must be a share/],
    ['a fractional concurrency', { store: memoryStore(), whatsapp: account, sending: { concurrency: 2.5 } }, /option "sending.concurrency" must be a positive integer/],
    ['a fractional maxContacts', { store: memoryStore(), whatsapp: account, maxContacts: 1.5 }, /option "maxContacts"/],
    ['a country that does not exist', { store: memoryStore(), whatsapp: account, defaultCountry: 'XX' as any }, /option "defaultCountry" must be a country's ISO 3166 alpha-2 code/],
    ['an inlineLimit of 0', { store: memoryStore(), whatsapp: account, inlineLimit: 0 }, /option "inlineLimit" must be a positive integer/],
    ['a tenant that is not a function', { store: memoryStore(), whatsapp: account, tenant: 'a' as any }, /option "tenant"/],
    ['a hook that is not a function', { store: memoryStore(), whatsapp: account, hooks: { onRequest: [42 as any] } }, /option "hooks.onRequest"/],
    ['a business account id that is not digits', { store: memoryStore(), whatsapp: { ...account, businessAccountId: 'waba' } }, /option "whatsapp.businessAccountId" must be the WhatsApp Business Account id/],
    ['an unknown templates option', { store: memoryStore(), whatsapp: account, templates: { check: false } as any }, /option "templates.check" must be one of checkOnSave, cacheTtlMs/],
    ['a checkOnSave that is not a boolean', { store: memoryStore(), whatsapp: account, templates: { checkOnSave: 'no' as any } }, /option "templates.checkOnSave" must be true or false/],
    ['a cache TTL of 0', { store: memoryStore(), whatsapp: account, templates: { cacheTtlMs: 0 } }, /option "templates.cacheTtlMs" must be a positive integer/]
  ]
  for (const [label, options, message] of cases) {
    const app = Fastify()
    await t.rejects(async () => { await app.register(campaigns, options as CampaignsPluginOptions).ready() }, message, label)
    await app.close()
  }
  const app = Fastify()
  const error = await (async () => { await app.register(campaigns, { store: memoryStore(), whatsapp: { phoneNumberId: '', accessToken: 'secret-token' } }).ready() })().catch((e: Error) => e)
  t.match(error, { message: /option "whatsapp.phoneNumberId"/ }, 'an empty phoneNumberId is refused')
  t.notMatch(String(error), /secret-token/, 'the token is never echoed')
  await app.close()
})

t.test("the caller's options object is never changed", async t => {
  const options = deepFreeze({ store: memoryStore(), whatsapp: { ...account }, sending: { messagesPerSecond: 10, pauseAfterFailures: 0, pacingHeadroom: 0 }, hooks: { onRequest: [async () => {}] } })
  const app = Fastify()
  t.teardown(async () => { await app.close() })
  // Modules run in strict mode: a write to a frozen object, at any depth, throws and fails the registration.
  await t.resolves((async () => { await app.register(campaigns, options).ready() })(), 'registers with the options frozen at every depth')
})

t.test('programmatic use through app.whatsappCampaigns', async t => {
  const { app } = await buildTestApp(t, { store: memoryStore() })
  const created = await app.whatsappCampaigns.create('default', { name: 'from code', templateName: 'hello', contacts: contactsFor(3) })
  await app.whatsappCampaigns.run('default', created.id)
  const done = await waitForStatus(app, created.id, ['completed'])
  t.match(done, { name: 'from code', successCount: 3 })
  await t.rejects(app.whatsappCampaigns.get('other-tenant', created.id), { statusCode: 404 } as any)
})

t.test("the host's hooks guard the campaign routes only; the host keeps its own body coercion", async t => {
  const host = Fastify()
  host.post('/echo', { schema: { body: { type: 'object', properties: { n: { type: 'string' } } } } }, async request => request.body)
  await host.register(campaigns, {
    prefix,
    store: memoryStore(),
    whatsapp: account,
    hooks: {
      onRequest: async (request, reply) => {
        if (request.headers['x-key'] !== 'k') await reply.code(401).send({ statusCode: 401, error: 'Unauthorized', message: 'no key', code: 'HOST_AUTH' })
      }
    }
  })
  t.teardown(async () => { await host.close() })
  t.equal((await host.inject({ method: 'GET', url: `${prefix}/campaigns` })).statusCode, 401)
  t.equal((await host.inject({ method: 'GET', url: `${prefix}/campaigns`, headers: { 'x-key': 'k' } })).statusCode, 200)
  const echo = await host.inject({ method: 'POST', url: '/echo', payload: { n: 5 } })
  t.equal(echo.statusCode, 200, "the host's own route needs no key")
  t.strictSame(echo.json(), { n: '5' }, "the host's routes keep Fastify's defaults")
})

t.test('a host that passes frameworkErrors gets the requests Fastify cannot route answered in the error shape, named by their status', async t => {
  const answers = async (options: { frameworkErrors?: typeof frameworkErrors }): Promise<Array<{ status: number, body: Record<string, unknown> }>> => {
    const app = Fastify(options)
    await app.register(campaigns, { store: memoryStore(), whatsapp: account, prefix })
    t.teardown(async () => { await app.close() })
    const urls = [`${prefix}/campaigns/${'1'.repeat(200)}`, `${prefix}/campaigns/%E0%A4%A`]
    return await Promise.all(urls.map(async url => {
      const response = await app.inject({ method: 'GET', url })
      return { status: response.statusCode, body: response.json() }
    }))
  }
  t.match(await answers({ frameworkErrors }), [
    { status: 414, body: { statusCode: 414, error: 'URI Too Long', code: 'FST_ERR_MAX_PARAM_LENGTH' } },
    { status: 400, body: { statusCode: 400, error: 'Bad Request', code: 'FST_ERR_BAD_URL' } }
  ])
  t.match(await answers({}), [{ status: 414, body: { statusCode: 414, error: 'Bad Request' } }], "without it, Fastify's own answer misnames the 414")
})
