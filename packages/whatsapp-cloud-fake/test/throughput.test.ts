import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { fakeFor, post, sendTo } from './helpers.js'

t.test('over messagesPerSecond, per phone number id, within a sliding second', async t => {
  const fake = await fakeFor(t, { messagesPerSecond: 5 })
  const burst = await Promise.all(Array.from({ length: 8 }, (_, i) => sendTo(fake, `1650555000${i}`)))
  const refused = burst.filter(answer => answer.status !== 200)
  t.equal(burst.length - refused.length, 5)
  t.equal(refused.length, 3)
  for (const answer of refused) {
    t.equal(answer.status, 400, 'Meta answers throttling with 400')
    t.match(answer.json.error, {
      message: '(#130429) Rate limit hit',
      type: 'OAuthException',
      code: 130429,
      error_data: { messaging_product: 'whatsapp', details: 'Cloud API message throughput has been reached.' }
    })
  }
  t.equal((await post(fake, { path: '/v23.0/other-number/messages' })).status, 200, 'another number has its own window')
  await sleep(1050)
  t.equal((await sendTo(fake, '16505550100')).status, 200, 'a second later the window has room again')
  t.equal(fake.log.filter(entry => entry.code === 130429).length, 3)
})

t.test('a sender just over the limit still gets the limit through', async t => {
  const fake = await fakeFor(t, { messagesPerSecond: 20 })
  const started = Date.now()
  let accepted = 0
  // 40 requests a second for 1.5 s: refused requests must not count against the window.
  for (let i = 0; i < 60; i++) {
    if ((await sendTo(fake, `165055510${String(i).padStart(2, '0')}`)).status === 200) accepted++
    await sleep(25)
  }
  const seconds = (Date.now() - started) / 1000
  // Refusals counted in the window would keep it full: nothing past the first second's 20 would go through.
  t.ok(accepted > 20 && accepted <= Math.ceil(seconds + 1) * 20, `${accepted} accepted in ${seconds.toFixed(2)} s`)
})

t.test('the HTTP status per code can be configured, and the limit changed at runtime', async t => {
  const fake = await fakeFor(t, { messagesPerSecond: 1, httpStatusFor: { 130429: 429 } })
  t.equal((await post(fake)).status, 200)
  const second = await post(fake)
  t.equal(second.status, 429)
  t.equal(second.json.error.code, 130429)
  fake.setOptions({ messagesPerSecond: 0 })
  for (let i = 0; i < 5; i++) t.equal((await post(fake)).status, 200, '0 means unlimited')
})

t.test('arrivalHeader: the window and the log go by the arrival a front wrote, else by the fake\'s clock', async t => {
  const fake = await fakeFor(t, { messagesPerSecond: 2, arrivalHeader: 'X-Arrival' })
  const at = Date.now() - 60_000
  const arriving = async (ms: number | string): Promise<number> =>
    (await post(fake, { headers: { 'x-arrival': String(ms) } })).status
  // Sent at once, but arrived 1.5 s apart by the front's clock: every one has room.
  t.same([await arriving(at), await arriving(at + 10), await arriving(at + 1500.5)], [200, 200, 200])
  t.same(fake.log.map(entry => entry.time), [at, at + 10, at + 1500.5], 'logged at their arrival')
  // Sent slowly, but arrived within a second: the third is over the limit.
  t.same([await arriving(at + 3000), await arriving(at + 3001), await sleep(50).then(() => arriving(at + 3002))], [200, 200, 400])
  const before = Date.now()
  await arriving('not a time')
  t.ok(fake.log[6].time >= before, 'a header without a time: the fake\'s own clock')
})
