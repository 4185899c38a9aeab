import t from 'tap'
import { Agent } from 'undici'
import { startCloudApiFake } from '../src/index.js'
import { fakeFor, post, sendTo, templateSend, TOKEN } from './helpers.js'
import { waitFor } from './wait-for.js'

t.test('a Meta error for a recipient, with the right title and status', async t => {
  const fake = await fakeFor(t, {
    failures: {
      '+16505550001': { code: 131026 },
      16505550002: { code: 131000, details: 'Something odd' },
      16505550003: { code: 130429, http: 429, title: 'Custom title' }
    }
  })
  const undeliverable = await sendTo(fake, '16505550001')
  t.equal(undeliverable.status, 400)
  t.same(Object.keys(undeliverable.json.error), ['message', 'type', 'code', 'fbtrace_id'])
  t.match(undeliverable.json.error, { message: '(#131026) Message Undeliverable', type: 'OAuthException', code: 131026 })
  const unknown = await sendTo(fake, '+1 650-555-0002')
  t.equal(unknown.status, 500, 'the status from the code table')
  t.match(unknown.json.error, { message: '(#131000) Something went wrong', error_data: { messaging_product: 'whatsapp', details: 'Something odd' } })
  const custom = await sendTo(fake, '16505550003')
  t.equal(custom.status, 429)
  t.equal(custom.json.error.message, '(#130429) Custom title')
  t.equal((await sendTo(fake, '16505550009')).status, 200, 'other recipients go through')
  t.equal((await sendTo(fake, '16505550001')).status, 400, 'a single failure applies to every attempt')
  t.equal(fake.attemptsFor('+16505550001'), 2)
})

t.test('an array is consumed one attempt at a time, then requests succeed', async t => {
  const fake = await fakeFor(t, { failures: { 16505550001: [{ code: 131056 }, { http: 503 }, { http: 500, raw: 'oops' }] } })
  const first = await sendTo(fake, '16505550001')
  t.equal(first.status, 400)
  t.equal(first.json.error.code, 131056)
  const second = await sendTo(fake, '16505550001')
  t.equal(second.status, 503)
  t.match(second.headers['content-type'], /text\/html/)
  t.equal(second.json, undefined, 'a bare 5xx is not JSON')
  t.match(second.text, /Service Unavailable/)
  const third = await sendTo(fake, '16505550001')
  t.equal(third.status, 500)
  t.equal(third.text, 'oops')
  t.equal((await sendTo(fake, '16505550001')).status, 200)
  t.match(fake.log.map(entry => [entry.attempt, entry.outcome, entry.code, entry.http]), [
    [1, 'error', 131056, 400], [2, 'http', undefined, 503], [3, 'http', undefined, 500], [4, 'accepted', undefined, 200]
  ])
})

t.test('a failure function gets the digits and the attempt number', async t => {
  const calls: Array<[string, number]> = []
  const fake = await fakeFor(t, {
    failures: { 16505550001: [{ code: 131000 }] },
    failure: (to, attempt) => {
      calls.push([to, attempt])
      return attempt <= 2 ? { code: 131016 } : undefined
    }
  })
  t.equal((await sendTo(fake, '+16505550001')).json.error.code, 131000, 'the map comes first')
  t.equal((await sendTo(fake, '+16505550001')).json.error.code, 131016, 'then the function')
  t.equal((await sendTo(fake, '+16505550001')).status, 200)
  t.same(calls, [['16505550001', 2], ['16505550001', 3]])
})

t.test('requests refused by the checks are not attempts', async t => {
  const fake = await fakeFor(t, { failures: { 16505550001: [{ code: 131000 }] } })
  t.equal((await post(fake, { token: 'bad', body: templateSend('16505550001') })).status, 401)
  t.equal((await sendTo(fake, '16505550001')).json.error.code, 131000)
  t.equal(fake.attemptsFor('16505550001'), 1)
})

t.test('reset before: the socket dies and nothing was accepted', async t => {
  const fake = await fakeFor(t, { failures: { 16505550001: [{ reset: 'before' }], 16505550002: [{ reset: true }] } })
  await t.rejects(sendTo(fake, '16505550001'), { code: /ECONNRESET|UND_ERR_SOCKET/ })
  await t.rejects(sendTo(fake, '16505550002'), { code: /ECONNRESET|UND_ERR_SOCKET/ })
  t.equal(fake.accepted(), 0)
  t.match(fake.log, [{ outcome: 'reset', accepted: false, attempt: 1 }, { outcome: 'reset', accepted: false }])
  t.equal(fake.log[0].wamid, undefined)
  t.equal((await sendTo(fake, '16505550001')).status, 200, 'the next attempt goes through')
})

t.test('reset after: accepted and logged, then the socket dies', async t => {
  const fake = await fakeFor(t, { failures: { 16505550001: [{ reset: 'after' }] } })
  await t.rejects(sendTo(fake, '16505550001'), { code: /ECONNRESET|UND_ERR_SOCKET/ })
  t.equal(fake.acceptedFor('16505550001'), 1)
  t.match(fake.log[0], { outcome: 'reset', accepted: true, wamid: /^wamid\./ })
  t.equal((await sendTo(fake, '16505550001')).status, 200)
  t.same(fake.duplicates(), ['16505550001'], 'a blind resend delivers twice')
})

t.test('timeout: held until the client gives up; close() does not wait for it', async t => {
  const fake = await startCloudApiFake({ accessToken: TOKEN, failures: { 16505550001: { timeout: true }, 16505550002: { timeout: 'after' } } })
  const agent = new Agent()
  t.teardown(() => agent.close())
  const started = Date.now()
  await t.rejects(post(fake, { body: templateSend('16505550001'), dispatcher: agent, headersTimeout: 300 }), { code: 'UND_ERR_HEADERS_TIMEOUT' })
  t.ok(Date.now() - started >= 290)
  t.match(fake.log[0], { outcome: 'timeout', accepted: false })

  const held = post(fake, { body: templateSend('16505550002'), dispatcher: agent }).catch((error: Error) => error)
  t.match(await waitFor('the held request in the log', () => fake.log[1]), { outcome: 'timeout', accepted: true, wamid: /^wamid\./ })
  const closing = Date.now()
  await fake.close()
  t.ok(Date.now() - closing < 1000, 'closed promptly')
  t.match(await held, { code: /UND_ERR_SOCKET|ECONNRESET/ }, 'the held request ends when the fake closes')
})
