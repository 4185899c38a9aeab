import t, { type Test } from 'tap'
import { memoryStore } from '../src/index.js'
import { qualityPauseOf } from '../src/webhooks/quality-signals.js'
import { SenderDirectory } from '../src/webhooks/sender-directory.js'
import { signWebhookBody } from '../src/whatsapp/webhook-signature.js'
import { buildTestApp, contactsFor, prefix, waitForStatus } from './helpers/app.js'

const secret = 'app-secret'
const waba = '102290129340398'
const display = '15550001111'

/** A running campaign sending slowly from phone number id 100200300, and a way to post signed webhooks. */
async function running (t: Test) {
  const { app } = await buildTestApp(t, {
    store: memoryStore(),
    plugin: { webhook: { appSecret: secret }, sending: { messagesPerSecond: 4, idlePollMs: 50 } }
  })
  const created = await app.whatsappCampaigns.create('default', { name: 'slow', templateName: 'hello', language: 'en', contacts: contactsFor(200) })
  await app.whatsappCampaigns.run('default', created.id)
  const post = async (body: unknown) => {
    const payload = JSON.stringify(body)
    return await app.inject({ method: 'POST', url: `${prefix}/webhook`, payload, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhookBody(payload, secret) } })
  }
  return { app, id: created.id, post }
}

const change = (field: string, value: unknown) => ({ object: 'whatsapp_business_account', entry: [{ id: waba, time: 1748454394, changes: [{ field, value }] }] })
/** A status webhook: its metadata names the number both ways. */
const statusOf = (phoneNumberId: string, displayNumber = display) => change('messages', {
  messaging_product: 'whatsapp',
  metadata: { display_phone_number: displayNumber, phone_number_id: phoneNumberId },
  statuses: [{ id: 'wamid.unknown', status: 'delivered', timestamp: '1750000000', recipient_id: '16505551234' }]
})
const quality = (value: Record<string, string>) => change('phone_number_quality_update', { display_phone_number: display, ...value })

t.test('which quality updates pause: FLAGGED, DOWNGRADE, a lower limit; never an upgrade or an unflag', async t => {
  t.match(qualityPauseOf({ display_phone_number: '+1 555-000-1111', event: 'FLAGGED', current_limit: 'TIER_10K' }), { displayPhoneNumber: display, reason: { code: 'QUALITY_FLAGGED' } })
  t.match(qualityPauseOf({ display_phone_number: display, event: 'DOWNGRADE', old_limit: 'TIER_10K', current_limit: 'TIER_2K' }), { reason: { code: 'TIER_DOWNGRADED', message: /from TIER_10K to TIER_2K/ } })
  t.match(qualityPauseOf({ display_phone_number: display, event: 'SOMETHING_NEW', old_limit: 'TIER_100K', max_daily_conversations_per_business: 'TIER_10K' }), { reason: { code: 'TIER_DOWNGRADED' } }, 'the limits say it even when the event is new')
  for (const event of ['UNFLAGGED', 'UPGRADE', 'ONBOARDING', 'THROUGHPUT_UPGRADE']) t.equal(qualityPauseOf({ display_phone_number: display, event, current_limit: 'TIER_UNLIMITED' }), null, event)
  t.equal(qualityPauseOf({ display_phone_number: display, event: 'UPGRADE', old_limit: 'TIER_2K', current_limit: 'TIER_10K' }), null)
  t.equal(qualityPauseOf({ display_phone_number: '+', event: 'FLAGGED' }), null, 'no digits, no number')
})

t.test('the directory keeps the ids of a display number, and forgets the oldest number past its size', async t => {
  const directory = new SenderDirectory(2)
  directory.learn('1', 'a')
  directory.learn('1', 'b')
  directory.learn('1', 'a')
  directory.learn('2', 'c')
  t.strictSame(directory.idsOf('1'), ['a', 'b'])
  directory.learn('3', 'd')
  t.strictSame([directory.idsOf('1'), directory.idsOf('2'), directory.idsOf('3')], [[], ['c'], ['d']])
  directory.learn('', 'x')
  t.strictSame(directory.idsOf(''), [])
})

t.test('a FLAGGED quality update pauses the running run of that number, with the reason, and it can be resumed', async t => {
  const { app, id, post } = await running(t)
  t.equal((await post(statusOf('100200300'))).statusCode, 200, 'a status webhook names the number')
  const answer = await post(quality({ event: 'FLAGGED', current_limit: 'TIER_10K' }))
  t.equal(answer.statusCode, 200)
  const paused = await waitForStatus(app, id, ['paused'], 10_000)
  t.match(paused, { status: 'paused', error: { code: 'QUALITY_FLAGGED', title: String, message: /Meta flagged the quality of 15550001111/ } })
  const resumed = await app.inject({ method: 'POST', url: `${prefix}/campaigns/${id}/resume` })
  t.equal(resumed.statusCode, 200)
  t.match(resumed.json(), { status: 'running' })
  t.equal(resumed.json().error, undefined, 'the reason is gone with the resume')
})

t.test('a downgrade pauses; an upgrade, another number, or a number no webhook named yet do not', async t => {
  const { app, id, post } = await running(t)
  t.equal((await post(quality({ event: 'FLAGGED' }))).statusCode, 200, 'unknown number: acknowledged')
  await post(statusOf('999', '15559999999'))
  t.equal((await post(quality({ event: 'FLAGGED' }))).statusCode, 200, 'the number is known now, but another id sends from it')
  await post(statusOf('100200300'))
  await post(quality({ event: 'UPGRADE', old_limit: 'TIER_2K', current_limit: 'TIER_10K' }))
  await post(change('phone_number_quality_update', { display_phone_number: display, event: 42 }))
  await new Promise(resolve => setTimeout(resolve, 200))
  t.equal((await app.inject({ url: `${prefix}/campaigns/${id}` })).json().status, 'running', 'still running')
  t.equal((await post(quality({ event: 'DOWNGRADE', old_limit: 'TIER_10K', current_limit: 'TIER_2K' }))).statusCode, 200)
  t.match(await waitForStatus(app, id, ['paused'], 10_000), { error: { code: 'TIER_DOWNGRADED', message: /from TIER_10K to TIER_2K/ } })
})

t.test('a failing store while pausing answers 503, so Meta sends the update again', async t => {
  const store = memoryStore()
  const { app } = await buildTestApp(t, { store: { ...store, runningFrom: async () => { throw new Error('down') } }, plugin: { webhook: { appSecret: secret } } })
  const post = async (body: unknown) => {
    const payload = JSON.stringify(body)
    return await app.inject({ method: 'POST', url: `${prefix}/webhook`, payload, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhookBody(payload, secret) } })
  }
  await post(statusOf('100200300'))
  const answer = await post(quality({ event: 'FLAGGED' }))
  t.equal(answer.statusCode, 503)
  t.match(answer.json(), { statusCode: 503, code: 'WAC_WEBHOOK_NOT_STORED' })
})
