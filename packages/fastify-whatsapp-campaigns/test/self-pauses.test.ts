import Fastify from 'fastify'
import t, { type Test } from 'tap'
import { startCloudApiFake } from 'whatsapp-cloud-fake'
import { memoryStore, createCloudApiClient, defaultEngineSettings, type EngineSettings } from '../src/index.js'
import { Engine } from '../src/engine/engine.js'
import { FailureWindow } from '../src/engine/failure-window.js'
import { marketingLimitDelayMs } from '../src/engine/settings.js'
import { allowedFrom } from '../src/campaigns/transitions.js'
import { resolveOptions } from '../src/options.js'
import { viewOf } from '../src/store/conformance/context.js'
import { contactsFor, phoneFor } from './helpers/app.js'
import { waitFor } from '../../whatsapp-cloud-fake/test/wait-for.js'

const tenant = 'acme'
const log = Fastify({ logger: { level: 'silent' } }).log

async function setup (t: Test, fakeOptions: Parameters<typeof startCloudApiFake>[0], settings: Partial<EngineSettings>) {
  const fake = await startCloudApiFake({ accessToken: 'tok', ...fakeOptions })
  const sender = createCloudApiClient({ apiUrl: fake.apiUrl, phoneNumberId: '555', accessToken: 'tok' })
  const store = viewOf(memoryStore())
  const engine = new Engine({
    queue: store.stored,
    timeline: store.stored,
    ledger: store.stored,
    startScheduled: async () => null,
    senderFor: async () => ({ sender, numberKey: 'fake/555' }),
    settings: { ...defaultEngineSettings, messagesPerSecond: 5000, retryDelayMs: 10, maxRetryDelayMs: 50, idlePollMs: 20, ...settings },
    log
  })
  t.teardown(async () => {
    await engine.close()
    await sender.close()
    await fake.close()
  })
  const run = async (count: number) => {
    const created = await store.create(tenant, { name: 'c', templateName: 'hello', language: 'en', parameters: [], contacts: contactsFor(count).map(c => ({ ...c, parameters: null })) })
    const started = await store.startRun(tenant, created.id, allowedFrom.run)
    if (!started.ok) throw new Error('could not start')
    engine.start(started.value)
    return started.value
  }
  const until = async (id: number, done: (status: string | undefined) => boolean) => await waitFor(`campaign ${id}`, async () => await store.get(tenant, id), {
    until: summary => done(summary?.status),
    intervalMs: 10
  })
  return { fake, store, run, until }
}

t.test('the failure window counts the latest outcomes only, and judges none before it is full', async t => {
  const window = new FailureWindow({ share: 0.5, window: 4 })
  t.strictSame([true, true, true].map(failed => window.add(failed)), [false, false, false], 'not full yet')
  t.equal(window.add(false), true, '3 of 4')
  t.equal(window.add(false), true, 'the oldest failure left: 2 of 4 is still the share')
  t.equal(window.failures, 2)
  t.equal(window.add(false), false, '1 of 4')
  t.equal(window.failures, 1)
  for (let i = 0; i < 10_000; i++) window.add(i % 3 === 0)
  t.ok(window.failures >= 1 && window.failures <= 2, 'a long run keeps the window its size')
  t.match(window.reason(), { code: 'FAILURE_RATE', message: /of the last 4 recipients failed \(the threshold is 50%\)/ })
})

t.test('a burst of failures in a long run pauses it by the sliding window, long before the count since the start', async t => {
  // 300 good recipients, then 100 that fail: 40% of the window soon after the burst begins.
  const failures = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [phoneFor(300 + i), { code: 131026 }]))
  const { store, run, until } = await setup(t, { failures }, { pauseAfterFailures: 1000, pauseOnFailureRate: { share: 0.3, window: 100 }, concurrency: 4 })
  const plan = await run(600)
  const summary = await until(plan.campaignId, status => status !== 'running')
  t.match(summary, { status: 'paused', error: { code: 'FAILURE_RATE', title: String, message: /of the last 100 recipients failed \(the threshold is 30%\)/ } })
  t.ok(summary!.failedCount >= 30 && summary!.failedCount < 100, `${summary!.failedCount} failed before the pause`)
  t.ok((await store.progress(plan, new Date())).pending > 0, 'the rest wait for a resume')
})

t.test('failures spread thin never trip the window; false turns it off', async t => {
  // One in ten fails: under the 30% share of the default window.
  const failures = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [phoneFor(i * 10), { code: 131026 }]))
  const { run, until } = await setup(t, { failures }, {})
  const plan = await run(400)
  t.match(await until(plan.campaignId, status => status !== 'running'), { status: 'completed', failedCount: 40 })

  const all = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [phoneFor(i), { code: 131026 }]))
  const off = await setup(t, { failures: all }, { pauseOnFailureRate: false })
  const every = await off.run(300)
  t.match(await off.until(every.campaignId, status => status !== 'running'), { status: 'completed', failedCount: 300 }, 'off: the run goes on')
})

t.test('131049 (per-user marketing limit) by default fails the recipient at once, saying when Retry failed may send it', async t => {
  const { fake, store, run, until } = await setup(t, { failures: { [phoneFor(1)]: { code: 131049 } } }, {})
  const before = Date.now()
  const plan = await run(3)
  t.match(await until(plan.campaignId, status => status !== 'running'), { status: 'completed', successCount: 2, failedCount: 1 })
  const [failed] = (await store.messages(tenant, plan.campaignId, { limit: 5, status: 'failed' }))!
  t.match(failed, { phone: phoneFor(1), attempts: 1, error: { code: 131049, title: /per-user marketing limit; send it again with Retry failed no sooner than / } })
  const at = Date.parse(/no sooner than (\S+)$/.exec(failed.error!.title)![1])
  t.ok(at >= before + marketingLimitDelayMs && at <= Date.now() + marketingLimitDelayMs, 'a day after the answer')
  t.equal(fake.log.filter((entry: { to?: string }) => entry.to === phoneFor(1)).length, 1, 'never retried hot')
})

t.test("131049 with marketingLimitRetry 'later': the recipient waits a day in the same run, which stays running", async t => {
  const { fake, store, run, until } = await setup(t, { failures: { [phoneFor(1)]: { code: 131049 } } }, { marketingLimitRetry: 'later' })
  const before = Date.now()
  const plan = await run(3)
  await waitFor('the other two sent', async () => (await store.get(tenant, plan.campaignId))?.successCount === 2 || undefined, { intervalMs: 10 })
  await new Promise(resolve => setTimeout(resolve, 100))
  const progress = await store.progress(plan, new Date())
  t.match(progress, { status: 'running', pending: 1, due: 0 })
  t.ok(progress.nextDueAt!.getTime() >= before + marketingLimitDelayMs, 'due no sooner than a day later')
  const [waiting] = (await store.messages(tenant, plan.campaignId, { limit: 5, status: 'pending' }))!
  t.match(waiting, { phone: phoneFor(1), attempts: 1, error: { code: 131049 } })
  t.equal(fake.log.filter((entry: { to?: string }) => entry.to === phoneFor(1)).length, 1, 'never retried hot')
  t.equal((await until(plan.campaignId, () => true))?.status, 'running')
})

t.test('the options: the window and the 131049 choice are checked at registration', async t => {
  const base = { store: memoryStore(), whatsapp: { phoneNumberId: '1', accessToken: 'x' } }
  t.strictSame(resolveOptions(base).sending.pauseOnFailureRate, { share: 0.3, window: 200 })
  t.equal(resolveOptions(base).sending.marketingLimitRetry, 'fail')
  t.equal(resolveOptions({ ...base, sending: { pauseOnFailureRate: false } }).sending.pauseOnFailureRate, false)
  t.strictSame(resolveOptions({ ...base, sending: { pauseOnFailureRate: { share: 1, window: 10 } } }).sending.pauseOnFailureRate, { share: 1, window: 10 })
  for (const bad of [{ share: 0, window: 10 }, { share: 1.5, window: 10 }, { share: 0.3, window: 0 }, { share: 0.3, window: 1.5 }, { share: 0.3 }, { share: 0.3, window: 10, other: 1 }, true, 0.3, null]) {
    t.throws(() => resolveOptions({ ...base, sending: { pauseOnFailureRate: bad as never } }), /option "sending\.pauseOnFailureRate/, JSON.stringify(bad))
  }
  t.equal(resolveOptions({ ...base, sending: { marketingLimitRetry: 'later' } }).sending.marketingLimitRetry, 'later')
  t.throws(() => resolveOptions({ ...base, sending: { marketingLimitRetry: 'never' as never } }), /option "sending\.marketingLimitRetry" must be 'later' or 'fail'/)
})
