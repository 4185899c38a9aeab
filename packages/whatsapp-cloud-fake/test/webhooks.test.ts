import t, { type Test } from 'tap'
import Fastify from 'fastify'
import { metaJson, signatureOf, type CloudApiFake } from '../src/index.js'
import { fakeFor, post, sendTo, templateSend } from './helpers.js'
import { waitFor } from './wait-for.js'

const SECRET = 'app-secret'

interface Received { raw: string, body: any, signatureOk: boolean }

/** A real Fastify receiver on 127.0.0.1 that checks the signature over the raw bytes; `answer` picks the status. */
async function receiver (t: Test, answer: () => number = () => 200, port = 0): Promise<{ url: string, port: number, received: Received[], close: () => Promise<void> }> {
  const received: Received[] = []
  const app = Fastify()
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => { done(null, body) })
  app.post('/webhook', async (request, reply) => {
    const raw = request.body as string
    const signatureOk = request.headers['x-hub-signature-256'] === signatureOf(raw, SECRET)
    const status = answer()
    if (status === 200) received.push({ raw, body: JSON.parse(raw), signatureOk })
    return reply.code(status).send('')
  })
  await app.listen({ host: '127.0.0.1', port })
  const address = app.server.address() as { port: number }
  t.teardown(() => app.close())
  return { url: `http://127.0.0.1:${address.port}/webhook`, port: address.port, received, close: () => app.close() }
}

const statusesOf = (received: Received[]): any[] =>
  received.flatMap(r => r.body.entry.flatMap((e: any) => e.changes.flatMap((c: any) => c.value.statuses ?? [])))

const fast = { sentDelayMs: 0, delivered: { delayMs: 5 }, read: { delayMs: 5 } }

t.test("Meta's test vector and the ASCII-only escaping", async t => {
  t.equal(signatureOf('test', 'secret'), 'sha256=0329a06b62cd16b33eb6792be8c60b158d89a2ee3a876fce9a881ebb488c0914')
  t.equal(metaJson({ text: 'Grüße 👋' }), '{"text":"Gr\\u00fc\\u00dfe \\ud83d\\udc4b"}')
})

t.test('sent, delivered and read in order, callback data echoed, signed', async t => {
  const hook = await receiver(t)
  const fake = await fakeFor(t, { webhooks: { url: hook.url, appSecret: SECRET, ...fast, read: { share: 1, delayMs: 5 } } })
  const answer = await post(fake, { body: templateSend('16505550001', { biz_opaque_callback_data: 'wac1:7:1' }) })
  t.equal(fake.log[0].callbackData, 'wac1:7:1')
  await fake.webhooks.idle()
  const statuses = statusesOf(hook.received)
  t.same(statuses.map(s => s.status), ['sent', 'delivered', 'read'])
  for (const s of statuses) {
    t.match(s, { id: answer.json.messages[0].id, recipient_id: '16505550001', biz_opaque_callback_data: 'wac1:7:1' })
    t.match(s.timestamp, /^\d+$/)
  }
  t.ok(hook.received.every(r => r.signatureOk))
  t.match(hook.received[0].body, {
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { phone_number_id: '100200300' } } }] }]
  })
  t.equal(fake.webhooks.pending(), 0)
  t.ok(fake.webhooks.deliveries.every(d => d.http === 200 && typeof d.body === 'string'))
})

t.test('callback data over 512 characters is refused with code 100', async t => {
  const fake = await fakeFor(t)
  const answer = await post(fake, { body: templateSend('16505550001', { biz_opaque_callback_data: 'x'.repeat(513) }) })
  t.equal(answer.status, 400)
  t.equal(answer.json.error.code, 100)
})

t.test('shares: nothing but sent, and failed after sent with its error', async t => {
  const hook = await receiver(t)
  const fake = await fakeFor(t, {
    webhooks: { url: hook.url, appSecret: SECRET, ...fast, delivered: { share: 0 }, failedAfterSent: { '+16505550009': { code: 131026 } } }
  })
  await sendTo(fake, '16505550001')
  await sendTo(fake, '16505550009')
  await fake.webhooks.idle()
  const statuses = statusesOf(hook.received)
  t.same(statuses.filter(s => s.recipient_id === '16505550001').map(s => s.status), ['sent'])
  const failed = statuses.filter(s => s.recipient_id === '16505550009')
  t.same(failed.map(s => s.status), ['sent', 'failed'])
  t.same(failed[1].errors, [{ code: 131026, title: 'Message Undeliverable', message: 'Message Undeliverable', error_data: { details: 'Message Undeliverable' } }])
})

t.test('without reorder no status comes before its sent, across many messages; read without delivered', async t => {
  const hook = await receiver(t)
  const fake = await fakeFor(t, { webhooks: { url: hook.url, appSecret: SECRET, sentDelayMs: { min: 0, max: 30 }, delivered: { delayMs: { min: 0, max: 5 } }, read: { share: 1, delayMs: 0 }, readWithoutDelivered: 0.5 } })
  for (let i = 0; i < 40; i++) await sendTo(fake, `165055510${String(i).padStart(2, '0')}`)
  await fake.webhooks.idle()
  const seen = new Map<string, string[]>()
  for (const s of statusesOf(hook.received)) seen.set(s.id, [...(seen.get(s.id) ?? []), s.status])
  t.equal(seen.size, 40)
  for (const list of seen.values()) t.ok(list[0] === 'sent' && list.at(-1) === 'read', list.join(','))
  const withoutDelivered = [...seen.values()].filter(list => !list.includes('delivered')).length
  t.ok(withoutDelivered > 5 && withoutDelivered < 35, `${withoutDelivered} reads without delivered`)
})

t.test('reorder lets a status come before sent', async t => {
  const hook = await receiver(t)
  const fake = await fakeFor(t, { webhooks: { url: hook.url, appSecret: SECRET, ...fast, read: { share: 1, delayMs: 5 }, reorder: true } })
  for (let i = 0; i < 30; i++) await sendTo(fake, `165055520${String(i).padStart(2, '0')}`)
  await fake.webhooks.idle()
  const first = new Map<string, string>()
  for (const s of statusesOf(hook.received)) if (!first.has(s.id)) first.set(s.id, s.status)
  t.ok([...first.values()].some(status => status !== 'sent'))
})

t.test('duplicates and batching of several phone numbers in one body', async t => {
  const hook = await receiver(t)
  const fake = await fakeFor(t, { webhooks: { url: hook.url, appSecret: SECRET, sentDelayMs: 20, delivered: { share: 0 }, duplicates: 1, batch: { maxStatuses: 1000, maxWaitMs: 50 } } })
  await Promise.all([
    sendTo(fake, '16505550001'),
    post(fake, { path: '/v23.0/200300400/messages', body: templateSend('16505550002') })
  ])
  await fake.webhooks.idle()
  const statuses = statusesOf(hook.received)
  t.equal(statuses.length, 4, 'each sent posted twice')
  const first = hook.received[0].body.entry[0].changes
  t.same(first.map((c: any) => c.value.metadata.phone_number_id).sort(), ['100200300', '200300400'])
})

t.test('a body holds at most maxStatuses', async t => {
  const hook = await receiver(t)
  const fake = await fakeFor(t, { webhooks: { url: hook.url, appSecret: SECRET, sentDelayMs: 20, delivered: { share: 0 }, batch: { maxStatuses: 2, maxWaitMs: 100 } } })
  await Promise.all(['16505550001', '16505550002', '16505550003', '16505550004', '16505550005'].map(to => sendTo(fake, to)))
  await fake.webhooks.idle()
  const sizes = fake.webhooks.deliveries.map(d => d.statuses)
  t.ok(sizes.every(n => n <= 2) && sizes.includes(2), `body sizes ${sizes.join(',')}`)
  t.equal(statusesOf(hook.received).length, 5)
})

t.test('a withheld phone: no recipient_id, no wa_id; failed carries no contacts', async t => {
  const hook = await receiver(t)
  const fake = await fakeFor(t, {
    webhooks: { url: hook.url, appSecret: SECRET, ...fast, businessScopedIds: { phoneWithheld: 1 }, failedAfterSent: { 16505550001: { code: 131049 } } }
  })
  await sendTo(fake, '16505550001')
  await fake.webhooks.idle()
  const values = hook.received.flatMap(r => r.body.entry[0].changes.map((c: any) => c.value))
  const statuses = statusesOf(hook.received)
  t.same(statuses.map(s => s.status), ['sent', 'failed'])
  t.ok(statuses.every(s => s.recipient_id === undefined && /^US\./.test(s.recipient_user_id)))
  t.same(values[0].contacts, [{ user_id: statuses[0].recipient_user_id }])
  t.equal(values[1].contacts, undefined)
  t.equal(statuses[1].errors[0].code, 131049)
})

t.test('retries while the receiver answers 500 or is down, then delivers', async t => {
  let failures = 3
  const hook = await receiver(t, () => failures-- > 0 ? 500 : 200)
  const fake = await fakeFor(t, { webhooks: { url: hook.url, appSecret: SECRET, ...fast, delivered: { share: 0 }, retry: { firstDelayMs: 20, maxDelayMs: 40 } } })
  await sendTo(fake, '16505550001')
  await fake.webhooks.idle()
  t.same(fake.webhooks.deliveries.map(d => d.http), [500, 500, 500, 200])
  t.same(fake.webhooks.deliveries.map(d => d.attempt), [1, 2, 3, 4])
  t.ok(fake.webhooks.deliveries[3].time - fake.webhooks.deliveries[2].time >= 35, 'the delay grew')

  await hook.close()
  await sendTo(fake, '16505550002')
  await waitFor('a failed try', () => fake.webhooks.deliveries.find(d => d.error !== undefined))
  t.equal(fake.webhooks.pending(), 1)
  const back = await receiver(t, () => 200, hook.port)
  await fake.webhooks.idle()
  t.equal(statusesOf(back.received).length, 1)
})

t.test('gives up after giveUpAfterMs', async t => {
  const hook = await receiver(t, () => 503)
  const fake = await fakeFor(t, { webhooks: { url: hook.url, appSecret: SECRET, ...fast, delivered: { share: 0 }, retry: { firstDelayMs: 10, giveUpAfterMs: 100 } } })
  await sendTo(fake, '16505550001')
  await fake.webhooks.idle()
  t.equal(fake.webhooks.pending(), 0)
  t.ok(fake.webhooks.deliveries.length >= 3)
})

t.test('inbound text with unicode, a button tap and user_preferences', async t => {
  const hook = await receiver(t)
  const fake = await fakeFor(t, { webhooks: { url: hook.url, appSecret: SECRET, displayPhoneNumber: '15550783881' } })
  const id = fake.webhooks.inbound({ from: '16505550001', phoneNumberId: '100200300', text: 'Grüße 👋', name: 'Ana' })
  await fake.webhooks.idle()
  t.match(id, /^wamid\./)
  t.ok(hook.received[0].raw.includes('Gr\\u00fc\\u00dfe \\ud83d\\udc4b'))
  t.ok(/^[\x20-\x7e]*$/.test(hook.received[0].raw), 'ASCII only')
  t.ok(hook.received[0].signatureOk)
  t.match(hook.received[0].body.entry[0].changes[0], {
    field: 'messages',
    value: { contacts: [{ profile: { name: 'Ana' }, wa_id: '16505550001' }], messages: [{ from: '16505550001', id, type: 'text', text: { body: 'Grüße 👋' } }] }
  })
  fake.webhooks.inbound({ from: '16505550001', phoneNumberId: '100200300', button: { payload: 'STOP', text: 'Stop promotions' }, context: 'wamid.X' })
  fake.webhooks.userPreference({ waId: '16505550001', phoneNumberId: '100200300', value: 'stop' })
  await fake.webhooks.idle()
  const changes = hook.received.slice(1).flatMap(r => r.body.entry[0].changes)
  t.match(changes.find((c: any) => c.field === 'messages').value.messages[0], { type: 'button', button: { payload: 'STOP', text: 'Stop promotions' }, context: { from: '15550783881', id: 'wamid.X' } })
  const preference = changes.find((c: any) => c.field === 'user_preferences').value.user_preferences[0]
  t.match(preference, { wa_id: '16505550001', category: 'marketing_messages', value: 'stop', detail: 'User requested to stop marketing messages' })
  t.equal(typeof preference.timestamp, 'number')
})

t.test('business-scoped ids and pricing', async t => {
  const hook = await receiver(t)
  const fake = await fakeFor(t, { webhooks: { url: hook.url, appSecret: SECRET, ...fast, read: { share: 0 }, businessScopedIds: { phoneWithheld: 0 }, pricing: true } })
  await sendTo(fake, '16505550001')
  await fake.webhooks.idle()
  const [sent, delivered] = statusesOf(hook.received)
  t.match(sent.recipient_user_id, /^US\.\d{20}$/)
  t.match(delivered.pricing, { billable: true, pricing_model: 'PMP' })
  t.notOk(sent.pricing)
  t.match(hook.received[0].body.entry[0].changes[0].value.contacts, [{ wa_id: '16505550001', user_id: sent.recipient_user_id }])
})

t.test('off by default; close() leaves no timer and posts nothing more', async t => {
  const off: CloudApiFake = await fakeFor(t)
  t.throws(() => off.webhooks.inbound({ from: '1', phoneNumberId: '2', text: 'x' }))
  const hook = await receiver(t)
  const fake = await fakeFor(t, { webhooks: { url: hook.url, appSecret: SECRET, sentDelayMs: 300 } })
  await sendTo(fake, '16505550001')
  t.equal(fake.webhooks.pending(), 1)
  await fake.close()
  await fake.webhooks.idle()
  await new Promise(resolve => setTimeout(resolve, 400))
  t.equal(hook.received.length, 0)
  t.notOk(process.getActiveResourcesInfo().includes('Timeout'))
})
