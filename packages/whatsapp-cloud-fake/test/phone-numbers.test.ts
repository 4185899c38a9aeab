import t from 'tap'
import { request } from 'undici'
import type { CloudApiFake } from '../src/index.js'
import { fakeFor, TOKEN } from './helpers.js'

const fields = 'messaging_limit_tier,quality_rating,throughput'

async function getNumber (fake: CloudApiFake, id: string, query = `?fields=${fields}`, token: string | null = TOKEN): Promise<{ status: number, type: string | undefined, json: any }> {
  const response = await request(`${fake.apiUrl}/${id}${query}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } })
  const type = response.headers['content-type']
  return { status: response.statusCode, type: typeof type === 'string' ? type : undefined, json: await response.body.json() }
}

t.test("a number's tier, quality rating and throughput in Meta's shape; a new number's by default", async t => {
  const fake = await fakeFor(t, { numbers: { 111: { messagingLimitTier: 'TIER_10K', qualityRating: 'YELLOW', throughput: 'HIGH' } } })
  const named = await getNumber(fake, '111')
  t.equal(named.status, 200)
  t.match(named.type, /^application\/json/)
  t.strictSame(named.json, { messaging_limit_tier: 'TIER_10K', quality_rating: 'YELLOW', throughput: { level: 'HIGH' }, id: '111' })
  t.strictSame((await getNumber(fake, '222')).json, { messaging_limit_tier: 'TIER_250', quality_rating: 'GREEN', throughput: { level: 'STANDARD' }, id: '222' })
  t.strictSame((await getNumber(fake, '111', '?fields=quality_rating')).json, { quality_rating: 'YELLOW', id: '111' }, 'only the fields asked for, and the id')
  t.strictSame((await getNumber(fake, '111', '?fields=whatsapp_business_manager_messaging_limit')).json,
    { whatsapp_business_manager_messaging_limit: 'TIER_10K', id: '111' }, "the tier's newer name")
  t.strictSame((await getNumber(fake, '111', '')).json, { quality_rating: 'YELLOW', id: '111' }, 'no fields: the default ones')
})

t.test('setNumberQuality changes a number from the next request on; setOptions({ numbers }) replaces them all', async t => {
  const fake = await fakeFor(t, { numbers: { 111: { messagingLimitTier: 'TIER_2K' } } })
  t.strictSame(fake.setNumberQuality('111', { qualityRating: 'RED' }), { messagingLimitTier: 'TIER_2K', qualityRating: 'RED', throughput: 'STANDARD' })
  t.match((await getNumber(fake, '111')).json, { messaging_limit_tier: 'TIER_2K', quality_rating: 'RED' })
  fake.setNumberQuality('333', { messagingLimitTier: 'TIER_UNLIMITED' })
  t.match((await getNumber(fake, '333')).json, { messaging_limit_tier: 'TIER_UNLIMITED', quality_rating: 'GREEN' })
  fake.setOptions({ numbers: { 333: { qualityRating: 'UNKNOWN' } } })
  t.match((await getNumber(fake, '111')).json, { messaging_limit_tier: 'TIER_250', quality_rating: 'GREEN' })
  t.match((await getNumber(fake, '333')).json, { messaging_limit_tier: 'TIER_250', quality_rating: 'UNKNOWN' })
  t.throws(() => fake.setNumberQuality('111', { messagingLimitTier: 'TIER_1K' as never }), /messagingLimitTier must be one of/)
  t.throws(() => fake.setNumberQuality('111', { qualityRating: 'BLUE' as never }), /qualityRating must be one of/)
})

t.test("the token, the number ids and the fields are checked as Graph does, in Graph's error shape", async t => {
  const fake = await fakeFor(t, { phoneNumberIds: ['111'] })
  const noToken = await getNumber(fake, '111', `?fields=${fields}`, null)
  t.equal(noToken.status, 401)
  t.equal(noToken.json.error.code, 190)
  t.equal((await getNumber(fake, '111', `?fields=${fields}`, 'wrong')).json.error.code, 190)
  t.equal((await getNumber(fake, '111', `?fields=${fields}&access_token=${TOKEN}`, null)).status, 200, 'the token as a query parameter')
  const unknownNumber = await getNumber(fake, '999')
  t.equal(unknownNumber.status, 400)
  t.match(unknownNumber.json.error, { code: 100, error_subcode: 33, type: 'GraphMethodException', message: /Unsupported get request/ })
  const badField = await getNumber(fake, '111', '?fields=quality_rating,colour')
  t.equal(badField.status, 400)
  t.match(badField.json.error, { code: 100, message: '(#100) Tried accessing nonexisting field (colour) on node type (WhatsAppBusinessPhoneNumber)' })
  const badVersion = await request(`${fake.url}/latest/111?fields=${fields}`, { headers: { authorization: `Bearer ${TOKEN}` } })
  t.equal(badVersion.statusCode, 400)
  t.match(await badVersion.body.json(), { error: { code: 2500 } })
})
