/**
 * The preflight end to end through `inject` on a given store, the plugin reading the number's
 * standing from the local fake over real HTTP: what it tells, what it leaves alone, who sees it.
 */
import type { Test } from 'tap'
import type { FastifyRequest } from 'fastify'
import type { CampaignStore, StoredContact, Tenant } from '../../src/index.js'
import { buildTestApp, contactsFor, phoneFor, prefix } from './app.js'

export type StoreFactory = (t: Test) => Promise<CampaignStore>

const tenantA: Tenant = 'tenant-a'
const tenantB: Tenant = 'tenant-b'
const sender = '100200300'
const pricing = { 91: { marketing: 0.0107, utility: 0.0014 }, 1: { marketing: 0.025 } }

const tenantFromHeader = (request: FastifyRequest): string => String(request.headers['x-tenant'] ?? tenantA)

const stored = (count: number, from = 0): StoredContact[] => contactsFor(count, from).map(contact => ({ ...contact, parameters: null }))

/** A campaign of `contacts` whose run from `sender` had every message accepted, written through the store as the engine would. */
async function reached (store: CampaignStore, tenant: Tenant, contacts: StoredContact[]): Promise<void> {
  const campaign = await store.create(tenant, { name: 'Earlier', templateName: 'hello', language: 'en', parameters: [], contacts })
  const started = await store.startRun(tenant, campaign.id, ['draft'], 'all', sender)
  if (!started.ok) throw new Error(`not started: ${JSON.stringify(started)}`)
  for (;;) {
    const claimed = await store.claim(started.value, 1000, new Date(Date.now() + 60_000))
    if (claimed.length === 0) break
    await store.record(started.value, claimed.map(message => ({ id: message.id, status: 'sent', messageId: `wamid.reach-${started.value.runId}-${message.id}` })))
  }
  await store.finishRun(started.value, { status: 'completed' })
}

export function preflightSuite (t: Test, makeStore: StoreFactory): void {
  const build = async (t: Test, store: CampaignStore, options: { plugin?: Record<string, unknown>, fake?: Record<string, unknown>, token?: string, account?: { businessAccountId?: string } } = {}) =>
    await buildTestApp(t, {
      store,
      token: options.token,
      account: options.account,
      fake: { numbers: { [sender]: { messagingLimitTier: 'TIER_250', qualityRating: 'GREEN' } }, ...options.fake },
      plugin: { tenant: tenantFromHeader, sending: { messagesPerSecond: 80 }, pricing, ...options.plugin }
    })

  t.test("a draft: its rows' verdicts, the number's tier against this run, the time at the pace, the cost; nothing sent or stored", async t => {
    const store = await makeStore(t)
    await store.addOptOuts(tenantA, [phoneFor(2)], 'api')
    const { app, fake } = await build(t, store)
    const contacts = [...contactsFor(5), { name: 'Bad', phone: '12' }, { name: 'Again', phone: `+${phoneFor(1)}` }, { name: 'US', phone: '+1 415 555 2671' }]
    const response = await app.inject({ method: 'POST', url: `${prefix}/preflight`, payload: { name: 'Diwali', templateName: 'diwali_offer', contacts, category: 'marketing' } })
    t.equal(response.statusCode, 200, response.body)
    const answer = response.json()
    t.strictSame([answer.recipients, answer.toSend], [6, 5], 'six distinct valid phones, one of them opted out')
    t.strictSame(answer.contacts.counts, { valid: 5, invalid: 1, duplicate: 1, optedOut: 1 })
    t.strictSame(answer.contacts.rows.map((row: any) => [row.index, row.verdict]), [[2, 'optedOut'], [5, 'invalid'], [6, 'duplicate']], 'only the rows that are not valid')
    t.match(answer.template, { checked: false, reason: /^not configured/ })
    t.strictSame(answer.number, {
      phoneNumberId: sender,
      checked: true,
      tier: 'TIER_250',
      limit: 250,
      qualityRating: 'GREEN',
      throughput: 'STANDARD',
      reachedLast24h: 0,
      alreadyReached: 0,
      newRecipients: 5,
      fits: true,
      refused: 0
    })
    t.strictSame(answer.duration, { recipients: 5, messagesPerSecond: 80, seconds: 1, text: '1 s' })
    t.strictSame(answer.cost, {
      currency: 'USD',
      category: 'marketing',
      categoryFrom: 'request',
      total: 0.0678,
      unpriced: 0,
      byCallingCode: [{ callingCode: '91', recipients: 4, rate: 0.0107, cost: 0.0428 }, { callingCode: '1', recipients: 1, rate: 0.025, cost: 0.025 }]
    })
    t.ok(answer.warnings.some((w: string) => /1 row is not a valid phone number/.test(w)))
    t.ok(answer.warnings.some((w: string) => /1 recipient is on the opt-out list/.test(w)))
    t.equal(fake.accepted(), 0, 'nothing sent')
    t.equal((await app.inject({ method: 'GET', url: `${prefix}/campaigns` })).headers['x-total-count'], '0', 'nothing stored')
  })

  t.test('a saved campaign against the unique recipients the number reached in 24 h: what already counts, and how many Meta would refuse', async t => {
    const store = await makeStore(t)
    await reached(store, tenantA, stored(300))
    // Another tenant's runs from the same number are its own.
    await reached(store, tenantB, stored(50, 1000))
    const { app, fake } = await build(t, store)
    const created = (await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: { name: 'Next', templateName: 'hello', contacts: contactsFor(100, 250) } })).json()
    const response = await app.inject({ method: 'POST', url: `${prefix}/campaigns/${created.id}/preflight` })
    t.equal(response.statusCode, 200, response.body)
    const answer = response.json()
    t.match(answer.number, { tier: 'TIER_250', limit: 250, reachedLast24h: 300, alreadyReached: 50, newRecipients: 50, fits: false, refused: 100 })
    t.ok(answer.warnings.some((w: string) => /does not fit.*TIER_250 allows 250 unique recipients in 24 h, 300 were reached in the last 24 h and this run adds 50: Meta would not deliver about 100/.test(w)), answer.warnings.join(' | '))
    t.strictSame(answer.contacts, { counts: { valid: 100, invalid: 0, duplicate: 0, optedOut: 0 }, rows: [] })
    t.strictSame([answer.cost.total, answer.cost.categoryFrom], [null, 'unknown'], 'no category: no total')
    t.match(answer.cost.note, /category is not known/)
    t.strictSame(answer.cost.byCallingCode, [{ callingCode: '91', recipients: 100, rate: null, cost: null }])

    fake.setNumberQuality(sender, { messagingLimitTier: 'TIER_2K', qualityRating: 'RED' })
    const cached = (await app.inject({ method: 'POST', url: `${prefix}/campaigns/${created.id}/preflight`, payload: { category: 'utility' } })).json()
    t.strictSame([cached.number.tier, cached.number.fits], ['TIER_250', false], "the number's standing is kept a while: Graph calls count against the app's limit")
    t.strictSame([cached.cost.total, cached.cost.categoryFrom], [0.14, 'request'])
    t.equal((await app.inject({ method: 'GET', url: `${prefix}/campaigns/${created.id}` })).json().status, 'draft', 'still a draft')
    t.equal(fake.accepted(), 0, 'nothing sent')

    const fresh = await build(t, store, { fake: { numbers: { [sender]: { messagingLimitTier: 'TIER_2K', qualityRating: 'RED' } } } })
    const again = (await fresh.app.inject({ method: 'POST', url: `${prefix}/campaigns/${created.id}/preflight` })).json()
    t.match(again.number, { tier: 'TIER_2K', limit: 2000, qualityRating: 'RED', fits: true, refused: 0 })
    t.ok(again.warnings.some((w: string) => /quality rating is RED/.test(w)))
    t.notOk(again.warnings.some((w: string) => /does not fit/.test(w)))
  })

  t.test('an unlimited tier always fits; a number the Graph API will not tell about is said so, the rest still answered', async t => {
    const store = await makeStore(t)
    const unlimited = await build(t, store, { fake: { numbers: { [sender]: { messagingLimitTier: 'TIER_UNLIMITED', throughput: 'HIGH' } } } })
    const open = (await unlimited.app.inject({ method: 'POST', url: `${prefix}/preflight`, payload: { name: 'x', templateName: 'hello', contacts: contactsFor(3) } })).json()
    t.match(open.number, { tier: 'TIER_UNLIMITED', limit: null, throughput: 'HIGH', fits: true, refused: 0 })

    const refused = await build(t, store, { token: 'not-the-token' })
    const answer = (await refused.app.inject({ method: 'POST', url: `${prefix}/preflight`, payload: { name: 'x', templateName: 'hello', contacts: contactsFor(3) } })).json()
    t.match(answer.number, { phoneNumberId: sender, checked: false, reason: /the Graph API answered 401 \(code 190\)/, newRecipients: 3, fits: null, refused: null })
    t.notOk('tier' in answer.number)
    t.ok(answer.warnings.some((w: string) => /messaging limit is not known/.test(w)))
    t.equal(answer.toSend, 3)
  })

  t.test("with the business account's templates: the start's own verdict, and the template's category prices the estimate", async t => {
    const store = await makeStore(t)
    const templates = [
      { name: 'order_update', language: 'en', category: 'UTILITY' as const, bodyParameters: 2 },
      { name: 'paused_offer', language: 'en', status: 'PAUSED' as const, bodyParameters: 1 }
    ]
    const { app } = await build(t, store, { fake: { businessAccountId: '4440004', templates } })
    const { app: api } = await build(t, store, { fake: { businessAccountId: '4440004', templates }, account: { businessAccountId: '4440004' } })
    const fits = (await api.inject({ method: 'POST', url: `${prefix}/preflight`, payload: { name: 'x', templateName: 'order_update', parameters: ['{{name}}', 'A-1'], contacts: contactsFor(2) } })).json()
    t.strictSame(fits.template, { checked: true, ok: true })
    t.strictSame([fits.cost.category, fits.cost.categoryFrom, fits.cost.total], ['utility', 'template', 0.0028], "the template's category over the request's")
    const short = (await api.inject({ method: 'POST', url: `${prefix}/preflight`, payload: { name: 'x', templateName: 'order_update', parameters: ['only one'], contacts: contactsFor(2) } })).json()
    t.strictSame(short.template, { checked: true, ok: false, statusCode: 422, code: 'WAC_TEMPLATE_PARAMETERS', message: 'template order_update (en) needs 2 body parameters; the campaign gives 1' })
    t.ok(short.warnings.includes('The run would be refused: template order_update (en) needs 2 body parameters; the campaign gives 1'))
    const paused = (await api.inject({ method: 'POST', url: `${prefix}/preflight`, payload: { name: 'x', templateName: 'paused_offer', parameters: ['a'], contacts: contactsFor(1), category: 'utility' } })).json()
    t.match(paused.template, { checked: true, ok: false, statusCode: 409, code: 'WAC_TEMPLATE_NOT_APPROVED' })
    t.strictSame([paused.cost.category, paused.cost.categoryFrom], ['marketing', 'template'])
    t.match((await app.inject({ method: 'POST', url: `${prefix}/preflight`, payload: { name: 'x', templateName: 'order_update', contacts: contactsFor(1) } })).json().template,
      { checked: false, reason: /^not configured/ }, 'no business account id: not checked, said so')
  })

  t.test('without a price table the estimate says none is built in; a run under the pace takes its time', async t => {
    const store = await makeStore(t)
    const { app } = await build(t, store, { plugin: { pricing: undefined, sending: { messagesPerSecond: 2 } } })
    const answer = (await app.inject({ method: 'POST', url: `${prefix}/preflight`, payload: { name: 'x', templateName: 'hello', contacts: contactsFor(250), category: 'marketing' } })).json()
    t.strictSame([answer.cost.currency, answer.cost.total, answer.cost.unpriced], [null, null, 250])
    t.match(answer.cost.note, /No price table is configured, and none is built in/)
    t.strictSame(answer.duration, { recipients: 250, messagesPerSecond: 2, seconds: 125, text: '2 min 5 s' })
    t.match(answer.number, { reachedLast24h: 0, newRecipients: 250, fits: true, refused: 0 }, 'exactly the limit fits')
  })

  t.test("404 for a campaign that is not there or is another tenant's; 400 in Fastify's shape for a bad body", async t => {
    const store = await makeStore(t)
    const { app } = await build(t, store)
    const created = (await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: { name: 'Mine', templateName: 'hello', contacts: contactsFor(2) } })).json()
    const other = await app.inject({ method: 'POST', url: `${prefix}/campaigns/${created.id}/preflight`, headers: { 'x-tenant': tenantB } })
    t.equal(other.statusCode, 404)
    t.match(other.json(), { statusCode: 404, error: 'Not Found', code: 'WAC_CAMPAIGN_NOT_FOUND' })
    t.equal((await app.inject({ method: 'POST', url: `${prefix}/campaigns/999999/preflight` })).statusCode, 404)
    for (const [url, payload, words] of [
      [`${prefix}/campaigns/${created.id}/preflight`, { category: 'promo' }, /category/],
      [`${prefix}/campaigns/${created.id}/preflight`, { categroy: 'utility' }, /did you mean "category"/],
      [`${prefix}/preflight`, { name: 'x', templateName: 'Bad Name' }, /templateName/],
      [`${prefix}/preflight`, { name: 'x', templateName: 'hello', contact: [] }, /did you mean "contacts"/],
      [`${prefix}/campaigns/abc/preflight`, {}, /id/]
    ] as const) {
      const response = await app.inject({ method: 'POST', url, payload })
      t.equal(response.statusCode, 400, `${url} ${JSON.stringify(payload)}`)
      t.match(response.json(), { statusCode: 400, error: 'Bad Request', message: words })
    }
    const tooMany = await build(t, store, { plugin: { maxContacts: 3 } })
    const over = await tooMany.app.inject({ method: 'POST', url: `${prefix}/preflight`, payload: { name: 'x', templateName: 'hello', contacts: contactsFor(4) } })
    t.match([over.statusCode, over.json().code], [400, 'WAC_TOO_MANY_CONTACTS'], 'the create\'s limit')
  })
}
