import t from 'tap'
import { buildCloudApiFake } from '../src/index.js'
import { fakeFor, post, sendTo, templateSend, TOKEN } from './helpers.js'

t.test('the log keeps every request in arrival order with its outcome', async t => {
  const fake = await fakeFor(t, { failures: { 16505550002: { code: 131026 } } })
  const before = Date.now()
  const ok = await sendTo(fake, '+16505550001')
  await sendTo(fake, '16505550002')
  await post(fake, { token: 'bad', body: templateSend('16505550003') })
  await post(fake, { body: 'garbage' })
  t.equal(fake.log.length, 4)
  t.match(fake.log[0], {
    phoneNumberId: '100200300',
    to: '16505550001',
    input: '+16505550001',
    template: 'welcome',
    language: 'en_US',
    components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] }],
    body: templateSend('+16505550001'),
    attempt: 1,
    outcome: 'accepted',
    accepted: true,
    wamid: ok.json.messages[0].id,
    http: 200
  })
  t.ok(fake.log[0].time >= before && fake.log[0].time <= Date.now())
  t.match(fake.log[1], { to: '16505550002', outcome: 'error', accepted: false, code: 131026, http: 400 })
  t.match(fake.log[2], { to: '16505550003', outcome: 'error', code: 190, http: 401, attempt: undefined })
  t.match(fake.log[3], { to: undefined, body: undefined, outcome: 'error', code: 100 })
})

t.test('accepted counts, per recipient, duplicates and reset()', async t => {
  const fake = await fakeFor(t)
  await sendTo(fake, '16505550001')
  await sendTo(fake, '+1 (650) 555-0001')
  await sendTo(fake, '16505550002')
  t.equal(fake.accepted(), 3)
  t.equal(fake.acceptedFor('+16505550001'), 2)
  t.equal(fake.acceptedFor('16505550002'), 1)
  t.equal(fake.acceptedFor('16505550003'), 0)
  t.same(fake.duplicates(), ['16505550001'])
  fake.reset()
  t.equal(fake.log.length, 0)
  t.equal(fake.accepted(), 0)
  t.same(fake.duplicates(), [])
  t.equal(fake.attemptsFor('16505550001'), 0)
})

t.test('keepLog: false keeps the counts only', async t => {
  const fake = await fakeFor(t, { keepLog: false })
  await sendTo(fake, '16505550001')
  t.equal(fake.log.length, 0)
  t.equal(fake.acceptedFor('16505550001'), 1)
})

t.test("keepLog: 'outcomes' keeps arrivals and outcomes without the bodies", async t => {
  const fake = await fakeFor(t, { keepLog: 'outcomes', failures: { 16505550002: { code: 131026 } } })
  await sendTo(fake, '+16505550001')
  await sendTo(fake, '16505550002')
  await post(fake, { body: 'garbage' })
  t.equal(fake.log.length, 3)
  t.match(fake.log[0], { to: '16505550001', template: 'welcome', outcome: 'accepted', accepted: true, http: 200 })
  t.match(fake.log[1], { to: '16505550002', outcome: 'error', code: 131026 })
  t.match(fake.log[2], { outcome: 'error', code: 100 })
  t.same(fake.log.map(entry => [entry.body, entry.components]), [[undefined, undefined], [undefined, undefined], [undefined, undefined]])
  t.equal(fake.acceptedFor('16505550001'), 1)
  t.throws(() => { fake.setOptions({ keepLog: 'bodies' as unknown as boolean }) }, /keepLog must be/)
})

t.test('latency: fixed, or uniform in a range; the log stays in arrival order', async t => {
  const fake = await fakeFor(t, { latencyMs: 150 })
  let started = Date.now()
  await post(fake)
  t.ok(Date.now() - started >= 145, 'fixed latency')

  fake.setOptions({ latencyMs: { min: 20, max: 200 } })
  started = Date.now()
  const order: string[] = []
  const sent = Array.from({ length: 20 }, (_, i) => `165055500${String(i).padStart(2, '0')}`)
  await Promise.all(sent.map(to => sendTo(fake, to).then(() => order.push(to))))
  t.ok(Date.now() - started >= 19, 'at least min')
  t.notSame(order, sent, 'answers come back in another order (random latency)')
  const logged = fake.log.slice(1)
  t.same(logged.map(entry => entry.to).sort(), [...sent].sort(), 'every request is logged')
  t.notSame(logged.map(entry => entry.to), order, 'the log is not in the order of the answers')
  t.ok(logged.every((entry, i) => i === 0 || entry.time >= logged[i - 1].time), 'the log is in the order the requests arrived')

  t.throws(() => { fake.setOptions({ latencyMs: { min: 5, max: 1 } }) }, /latencyMs/)
})

t.test('buildCloudApiFake answers through inject without listening', async t => {
  const { app, state } = buildCloudApiFake({ accessToken: TOKEN })
  t.teardown(() => app.close())
  await app.ready()
  t.notOk(app.server.listening, 'no port is open')
  const response = await app.inject({
    method: 'POST',
    url: '/v23.0/1/messages',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    payload: templateSend()
  })
  t.equal(response.statusCode, 200)
  t.equal(state.requests.accepted(), 1)
})

t.test('the fake mounts under a prefix in another app', async t => {
  const { default: Fastify } = await import('fastify')
  const { cloudApiFakeRoutes, CloudApiFakeState } = await import('../src/index.js')
  const host = Fastify()
  t.teardown(() => host.close())
  host.get('/health', async () => ({ ok: true }))
  await host.register(cloudApiFakeRoutes, { prefix: '/graph', state: new CloudApiFakeState({ accessToken: TOKEN }) })
  const response = await host.inject({
    method: 'POST',
    url: '/graph/v23.0/1/messages',
    headers: { authorization: `Bearer ${TOKEN}` },
    payload: templateSend()
  })
  t.equal(response.statusCode, 200)
  t.equal((await host.inject({ url: '/health' })).statusCode, 200, 'the host app is untouched')
})
