/** The preflight's parts on their own: durations in words, calling codes and costs, the number's standing and its cache, the price options, the template verdict. */
import t from 'tap'
import { startCloudApiFake } from 'whatsapp-cloud-fake'
import { durationText } from '../src/campaigns/preflight.js'
import { callingCodeOf, estimateCost } from '../src/campaigns/preflight-cost.js'
import { readNumberStanding, StandingCache, type StandingResult } from '../src/whatsapp/number-standing.js'
import { resolveOptions } from '../src/options.js'
import { memoryStore } from '../src/store/memory.js'
import { templateJudge } from '../src/campaigns/preflight-template.js'
import { templateFromGraph } from '../src/templates/graph-template.js'

t.test('durations: the largest unit and the next', async t => {
  const cases: Array<[number, string]> = [[0, '0 s'], [1, '1 s'], [59, '59 s'], [60, '1 min'], [1250, '20 min 50 s'], [3600, '1 h'], [3661, '1 h 1 min'], [7500, '2 h 5 min'], [97_200, '1 d 3 h'], [86_401, '1 d']]
  for (const [seconds, text] of cases) t.equal(durationText(seconds), text, `${seconds} s`)
})

t.test("calling codes from libphonenumber's metadata: 1, 2 and 3 digits, non-geographic, unknown", async t => {
  t.equal(callingCodeOf('14155552671'), '1')
  t.equal(callingCodeOf('919876543210'), '91')
  t.equal(callingCodeOf('447700900123'), '44')
  t.equal(callingCodeOf('971501234567'), '971')
  t.equal(callingCodeOf('88213600000'), '882', 'a non-geographic code')
  t.equal(callingCodeOf('999'), 'unknown')
})

t.test('costs: per calling code with the category\'s rate; codes without one are unpriced, and said so', async t => {
  const phones = ['919876543210', '919876543211', '14155552671', '447700900123']
  const cost = estimateCost(phones, { value: 'marketing', from: 'template' }, { currency: 'INR', table: { 91: { marketing: 0.7846 }, 1: { utility: 0.3 } } })
  t.strictSame(cost, {
    currency: 'INR',
    category: 'marketing',
    categoryFrom: 'template',
    total: 1.5692,
    unpriced: 2,
    byCallingCode: [
      { callingCode: '91', recipients: 2, rate: 0.7846, cost: 1.5692 },
      { callingCode: '1', recipients: 1, rate: null, cost: null },
      { callingCode: '44', recipients: 1, rate: null, cost: null }
    ],
    note: '2 recipients of calling codes without a marketing rate in the price table are not in the total'
  })
  t.strictSame(estimateCost([], { value: 'utility', from: 'request' }, { currency: 'USD', table: {} }).total, 0)
})

t.test("the number's standing over real HTTP: the tier's limit, a tier not known, a Graph error, no answer at all", async t => {
  const fake = await startCloudApiFake({ accessToken: 'the-token', numbers: { 42: { messagingLimitTier: 'TIER_100K', qualityRating: 'YELLOW' } } })
  t.teardown(async () => { await fake.close() })
  const account = { apiUrl: fake.apiUrl, phoneNumberId: '42', accessToken: 'the-token' }
  t.strictSame(await readNumberStanding(account), { ok: true, standing: { tier: 'TIER_100K', limit: 100_000, qualityRating: 'YELLOW', throughput: 'STANDARD' } })
  const wrong = await readNumberStanding({ ...account, accessToken: 'another-token' })
  t.match(wrong, { ok: false, reason: /^the Graph API answered 401 \(code 190\): Invalid OAuth access token/ })
  const gone = await readNumberStanding({ ...account, apiUrl: 'http://127.0.0.1:9/v23.0' })
  t.match(gone, { ok: false, reason: /^the Graph API could not be reached/ })
})

t.test('the standing cache: readers at once share one request, a result is kept for its ttl, a failure is not', async t => {
  let reads = 0
  let next: StandingResult = { ok: true, standing: { tier: 'TIER_2K', limit: 2000, qualityRating: 'GREEN', throughput: undefined } }
  const cache = new StandingCache({
    ttlMs: 50,
    read: async () => {
      reads++
      await new Promise(resolve => setTimeout(resolve, 10))
      return next
    }
  })
  const account = { apiUrl: 'http://x/v23.0', phoneNumberId: '1', accessToken: 't' }
  const all = await Promise.all([cache.standingOf(account), cache.standingOf(account), cache.standingOf(account)])
  t.equal(reads, 1, 'one request for three readers')
  t.ok(all.every(result => result.ok))
  await cache.standingOf(account)
  t.equal(reads, 1, 'kept')
  await cache.standingOf({ ...account, phoneNumberId: '2' })
  t.equal(reads, 2, 'another number is read on its own')
  await new Promise(resolve => setTimeout(resolve, 60))
  next = { ok: false, reason: 'down' }
  t.match(await cache.standingOf(account), { ok: false })
  t.equal(reads, 3, 'read again past the ttl')
  next = { ok: true, standing: { tier: 'TIER_10K', limit: 10_000, qualityRating: 'GREEN', throughput: undefined } }
  t.match(await cache.standingOf(account), { ok: true, standing: { tier: 'TIER_10K' } })
  t.equal(reads, 4, 'a failure was not kept')
})

t.test('the price options are checked at registration, naming the option; the caller\'s table is not kept', async t => {
  const base = { store: memoryStore(), whatsapp: { phoneNumberId: '1', accessToken: 'token' } }
  t.strictSame(resolveOptions(base).pricing, { currency: 'USD' }, 'none by default')
  const table = { 91: { marketing: 0.01 } }
  const resolved = resolveOptions({ ...base, pricing: table, currency: 'EUR' }).pricing
  t.strictSame(resolved, { currency: 'EUR', table: { 91: { marketing: 0.01 } } })
  table[91].marketing = 5
  t.equal(resolved.table?.[91].marketing, 0.01, 'a copy')
  const refused: Array<[Record<string, unknown>, RegExp]> = [
    [{ currency: 'usd' }, /option "currency" must be an ISO 4217 code/],
    [{ pricing: [] }, /option "pricing" must be an object of calling codes/],
    [{ pricing: { '+91': { marketing: 1 } } }, /option "pricing" must be keyed by country calling codes/],
    [{ pricing: { 91: 0.01 } }, /option "pricing.91" must be an object/],
    [{ pricing: { 91: { promo: 0.01 } } }, /option "pricing.91.promo" must be one of marketing, utility, authentication/],
    [{ pricing: { 91: { marketing: -1 } } }, /option "pricing.91.marketing" must be a price of zero or more/]
  ]
  for (const [options, message] of refused) t.throws(() => resolveOptions({ ...base, ...options } as never), message)
})

t.test("the template verdict: the start's own check, and the template's category for the estimate", async t => {
  const graph = (name: string, status: string, body: string, category = 'MARKETING'): unknown =>
    ({ id: '1234567890123456', name, language: 'en', status, category, components: [{ type: 'BODY', text: body }] })
  const templates = new Map([
    ['order_update', templateFromGraph(graph('order_update', 'APPROVED', 'Hi {{1}}, order {{2}} is on its way', 'UTILITY'))!],
    ['paused_one', templateFromGraph(graph('paused_one', 'PAUSED', 'Hi {{1}}'))!]
  ])
  const judge = templateJudge(async (_tenant, name) => name === 'no_catalogue' ? { unavailable: 'not configured' } : templates.get(name))
  const campaign = (templateName: string, parameters: string[]) => ({ templateName, language: 'en', parameters, contacts: [{ phone: '919876543210', name: 'Asha' }] })
  t.strictSame(await judge('a', campaign('order_update', ['{{name}}', 'A-1'])), { verdict: { checked: true, ok: true }, category: 'utility' })
  t.strictSame(await judge('a', campaign('order_update', ['only one'])), {
    verdict: { checked: true, ok: false, statusCode: 422, code: 'WAC_TEMPLATE_PARAMETERS', message: 'template order_update (en) needs 2 body parameters; the campaign gives 1' },
    category: 'utility'
  })
  t.match(await judge('a', campaign('paused_one', ['x'])), { verdict: { checked: true, ok: false, statusCode: 409, code: 'WAC_TEMPLATE_NOT_APPROVED' }, category: 'marketing' })
  const missing = await judge('a', campaign('missing', []))
  t.match(missing, { verdict: { checked: true, ok: false, statusCode: 422, code: 'WAC_TEMPLATE_NOT_FOUND' } })
  t.notOk('category' in missing, 'no template, no category')
  t.strictSame(await judge('a', campaign('no_catalogue', [])), { verdict: { checked: false, reason: 'not configured' } })
})
