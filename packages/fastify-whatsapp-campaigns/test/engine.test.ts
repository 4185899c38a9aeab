import Fastify from 'fastify'
import t, { type Test } from 'tap'
import { startCloudApiFake } from 'whatsapp-cloud-fake'
import { memoryStore, createCloudApiClient, defaultEngineSettings, type EngineSettings } from '../src/index.js'
import { Engine } from '../src/engine/engine.js'
import { allowedFrom } from '../src/campaigns/transitions.js'
import { startScheduled } from '../src/campaigns/service.js'
import { viewOf, type StoreView } from '../src/store/conformance/context.js'
import type { ClaimedMessage, RunPlan } from '../src/store/types.js'
import { contactsFor, phoneFor } from './helpers/app.js'
import { waitFor } from '../../whatsapp-cloud-fake/test/wait-for.js'

const tenant = 'acme'
const log = Fastify({ logger: { level: 'silent' } }).log

async function setup (t: Test, fakeOptions: Parameters<typeof startCloudApiFake>[0] = {}, settings: Partial<EngineSettings> = {}, engineLog = log) {
  const fake = await startCloudApiFake({ accessToken: 'tok', ...fakeOptions })
  const sender = createCloudApiClient({ apiUrl: fake.apiUrl, phoneNumberId: '555', accessToken: 'tok' })
  const memory = memoryStore()
  /** The rate of every reservation of slots the engines made, in messages per second: the pace. */
  const reservedRates: number[] = []
  // Read as the API shows it; the engine works on the store itself.
  const store = viewOf({
    ...memory,
    reserveSlots: async (numberKey, count, maxRate) => {
      const reservation = await memory.reserveSlots(numberKey, count, maxRate)
      reservedRates.push(1000 / reservation.intervalMs)
      return reservation
    }
  })
  const engines: Engine[] = []
  const newEngine = (): Engine => {
    const engine = new Engine({
      queue: store.stored,
      timeline: store.stored,
      ledger: store.stored,
      startScheduled: async (tenant, id) => await startScheduled(store.stored, tenant, id),
      senderFor: async () => ({ sender, numberKey: 'fake/555' }),
      settings: { ...defaultEngineSettings, messagesPerSecond: 5000, retryDelayMs: 10, maxRetryDelayMs: 50, idlePollMs: 20, ...settings },
      log: engineLog
    })
    engines.push(engine)
    return engine
  }
  t.teardown(async () => {
    for (const engine of engines) await engine.close()
    await sender.close()
    await fake.close()
  })
  const campaign = async (count: number) => {
    const created = await store.create(tenant, { name: 'c', templateName: 'hello', language: 'en', parameters: [], contacts: contactsFor(count).map(c => ({ ...c, parameters: null })) })
    const started = await store.startRun(tenant, created.id, allowedFrom.run)
    if (!started.ok) throw new Error('could not start')
    return started.value
  }
  /** The campaign once its run stopped running (ended or paused). */
  const finished = async (id: number) => await waitFor(`campaign ${id} to stop running`, async () => await store.get(tenant, id), {
    until: summary => summary?.status !== 'running',
    intervalMs: 10
  })
  return { fake, store, newEngine, campaign, finished, reservedRates }
}

t.test('paced below the throughput limit: Meta never answers 130429', async t => {
  const { fake, newEngine, campaign, finished } = await setup(t, { messagesPerSecond: 200 }, { messagesPerSecond: 150 })
  const plan = await campaign(300)
  newEngine().start(plan)
  t.match(await finished(plan.campaignId), { status: 'completed', successCount: 300 })
  t.equal(fake.log.filter((entry: any) => entry.code === 130429).length, 0)
})

t.test('throttling slows the pace and every recipient still gets exactly one message', async t => {
  const { fake, newEngine, campaign, finished, reservedRates } = await setup(t, { messagesPerSecond: 100 }, { messagesPerSecond: 400, maxAttempts: 50 })
  const plan = await campaign(300)
  newEngine().start(plan)
  t.match(await finished(plan.campaignId), { status: 'completed', successCount: 300, failedCount: 0 })
  t.ok(fake.log.some((entry: any) => entry.code === 130429), 'the fake did throttle')
  const [first] = reservedRates
  const slowest = Math.min(...reservedRates)
  t.ok(first > 300 && first <= 400, `the run began at the configured pace, less the headroom (${first.toFixed(1)}/s)`)
  t.ok(slowest <= first * 0.98 + 1e-6, `the pace came down after the refusals (slowest ${slowest.toFixed(1)}/s)`)
  for (let i = 0; i < 300; i++) t.equal(fake.acceptedFor(phoneFor(i)), 1, `recipient ${i} once`)
})

t.test('retryable errors give up after maxAttempts with the last code', async t => {
  // A different retryable answer each attempt: only the last one may be reported.
  const failures = [{ code: 131016 }, { http: 503 }, { code: 131000 }, ...Array(7).fill({ http: 503 })]
  const { fake, newEngine, campaign, finished, store } = await setup(t, { failures: { [phoneFor(0)]: failures } }, { maxAttempts: 3 })
  const plan = await campaign(2)
  newEngine().start(plan)
  t.match(await finished(plan.campaignId), { status: 'completed', successCount: 1, failedCount: 1 })
  const answers = fake.log.filter((entry: any) => entry.to === phoneFor(0))
  t.strictSame(answers.map((entry: any) => entry.code ?? entry.http), [131016, 503, 131000], 'three attempts, three different answers')
  const [message] = (await store.messages(tenant, plan.campaignId, { limit: 1, status: 'failed' }))!
  t.match(message, { phone: phoneFor(0), attempts: 3, error: { code: 131000, title: 'Something went wrong' } }, 'the code of the last answer')
})

/** What a killed process leaves behind: `count` recipients claimed, the first `issued` of them maybe sent, no outcome recorded. */
async function abandonedClaim (store: StoreView, plan: RunPlan, count: number, issued = count): Promise<ClaimedMessage[]> {
  const leaseUntil = new Date(Date.now() - 1)
  const claimed = await store.claim(plan, count, leaseUntil)
  if (issued > 0) await store.markIssued(plan, leaseUntil, claimed[issued - 1].id)
  return claimed
}

t.test('a crash leaves claimed recipients in doubt: reported as UNKNOWN_OUTCOME, never resent', async t => {
  const { fake, store, newEngine, campaign, finished } = await setup(t)
  const plan = await campaign(10)
  const claimed = await abandonedClaim(store, plan, 3)
  t.equal(claimed.length, 3)
  newEngine().start(plan)
  t.match(await finished(plan.campaignId), { status: 'completed', successCount: 7, failedCount: 3 })
  const inDoubt = (await store.messages(tenant, plan.campaignId, { limit: 10, status: 'failed' }))!
  t.strictSame(inDoubt.map(m => m.error?.code), ['UNKNOWN_OUTCOME', 'UNKNOWN_OUTCOME', 'UNKNOWN_OUTCOME'])
  for (const message of claimed) t.equal(fake.acceptedFor(message.phone), 0, 'not resent')
})

t.test('a crash, then a cancel: the scan fails the claims nobody holds as UNKNOWN_OUTCOME, with a warning', async t => {
  const warnings: Array<{ msg: string, count?: number }> = []
  const stream = { write: (line: string) => { warnings.push(JSON.parse(line)) } }
  const { fake, store, newEngine, campaign } = await setup(t, {}, {}, Fastify({ logger: { level: 'warn', stream } }).log)
  const plan = await campaign(10)
  // A killed process's claims, in a run cancelled afterwards: no worker of that run will settle them.
  const claimed = await abandonedClaim(store, plan, 3)
  t.ok((await store.cancel(tenant, plan.campaignId, allowedFrom.cancel)).ok)
  newEngine().scan()
  const summary = await waitFor('every recipient of the cancelled run to be settled', async () => await store.get(tenant, plan.campaignId), {
    until: summary => summary!.successCount + summary!.failedCount >= summary!.totalCount,
    intervalMs: 10
  })
  t.match(summary, { status: 'cancelled', totalCount: 10, successCount: 0, failedCount: 10 })
  const failed = (await store.messages(tenant, plan.campaignId, { limit: 10 }))!
  t.strictSame(failed.map(m => m.error?.code), [...Array(3).fill('UNKNOWN_OUTCOME'), ...Array(7).fill('CANCELLED')])
  t.match(warnings, [{ count: 3, msg: /UNKNOWN_OUTCOME/ }], 'one warning, with the count')
  for (const message of claimed) t.equal(fake.acceptedFor(message.phone), 0, 'not resent')
})

t.test('a crash past the mark: what the killed process never issued is sent by the next one, once; the rest stays unknown', async t => {
  const { fake, store, newEngine, campaign, finished } = await setup(t)
  const plan = await campaign(10)
  const claimed = await abandonedClaim(store, plan, 4, 1)
  newEngine().start(plan)
  t.match(await finished(plan.campaignId), { status: 'completed', successCount: 9, failedCount: 1 })
  const failed = (await store.messages(tenant, plan.campaignId, { limit: 10, status: 'failed' }))!
  t.strictSame(failed.map(m => [m.phone, m.error?.code]), [[claimed[0].phone, 'UNKNOWN_OUTCOME']], 'only the one it may have sent')
  t.strictSame(claimed.map(m => fake.acceptedFor(m.phone)), [0, 1, 1, 1], 'the three past the mark sent once')
})

t.test('close records what is in flight and leaves the run for the next engine to finish', async t => {
  const { fake, store, newEngine, campaign, finished } = await setup(t, { latencyMs: 50 }, { messagesPerSecond: 100 })
  const plan = await campaign(200)
  const first = newEngine()
  first.start(plan)
  // Some way into the run (200 recipients take two seconds at this pace).
  await waitFor('20 sends to the fake', () => fake.log.length >= 20 || undefined, { intervalMs: 5 })
  await first.close()
  const progress = await store.progress(plan, new Date())
  t.equal(progress.sending, 0, 'nothing left claimed')
  t.ok(progress.pending > 0 && progress.pending < 200, `stopped midway (${progress.pending} pending)`)
  const closed = await store.get(tenant, plan.campaignId)
  t.equal(closed?.status, 'running')
  t.equal(closed?.successCount, fake.accepted(), 'every send the fake accepted is recorded')
  const second = newEngine()
  second.scan()
  await waitFor('the scan to pick a run up', () => second.activeRunIds.length > 0 || undefined, { intervalMs: 5 })
  t.strictSame(second.activeRunIds, [plan.runId], 'the scan picked the run up')
  t.match(await finished(plan.campaignId), { status: 'completed', successCount: 200, failedCount: 0 })
  t.equal(fake.log.length, 200, 'no recipient twice')
})

t.test('a spam-rate answer (131048) pauses the run with the reason; recipients wait for the resume', async t => {
  const { store, newEngine, campaign, finished } = await setup(t, { failures: { [phoneFor(5)]: { code: 131048 } } }, { messagesPerSecond: 200 })
  const plan = await campaign(50)
  newEngine().start(plan)
  const summary = await finished(plan.campaignId)
  t.match(summary, { status: 'paused', error: { code: 131048, title: String, message: /low quality/ } })
  const failed = await store.messages(tenant, plan.campaignId, { limit: 50, status: 'failed' })
  t.strictSame(failed, [], 'nobody failed for it')
  t.equal(summary!.successCount + (await store.progress(plan, new Date())).pending, 50, 'the rest is pending')
  const pending = (await store.messages(tenant, plan.campaignId, { limit: 50, status: 'pending' }))!
  const refused = pending.find(message => message.phone.endsWith(phoneFor(5)))
  t.match(refused, { attempts: 0, error: { code: 131048 } }, 'the refused recipient shows why, its attempt given back')
})

t.test('a run whose failures pass the threshold pauses itself', async t => {
  const failures = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [phoneFor(i), { code: 131026 }]))
  const { store, newEngine, campaign, finished } = await setup(t, { failures }, { messagesPerSecond: 100, pauseAfterFailures: 10 })
  const plan = await campaign(100)
  newEngine().start(plan)
  const summary = await finished(plan.campaignId)
  t.match(summary, { status: 'paused', error: { code: 'FAILURE_THRESHOLD', message: /threshold is 10/ } })
  t.ok(summary!.failedCount >= 10 && summary!.failedCount < 100, `${summary!.failedCount} failed before the pause`)
  const messages = (await store.messages(tenant, plan.campaignId, { limit: 100 }))!
  t.ok(messages.some(message => message.status === 'pending'), 'the rest wait for a resume')
  t.ok(messages.filter(message => message.status === 'failed').every(message => message.error?.code === 131026), 'only the refused ones failed')
})

t.test('the pair-rate limit (131056) is retried for that recipient alone, on its own budget', async t => {
  const { fake, store, newEngine, campaign, finished } = await setup(t, {
    failures: { [phoneFor(0)]: Array(3).fill({ code: 131056 }), [phoneFor(1)]: Array(20).fill({ code: 131056 }) }
  }, { maxAttempts: 2, maxPairRateRetries: 3, retryDelayMs: 5, maxRetryDelayMs: 40 })
  const plan = await campaign(4)
  newEngine().start(plan)
  t.match(await finished(plan.campaignId), { status: 'completed', successCount: 3, failedCount: 1 })
  const messages = (await store.messages(tenant, plan.campaignId, { limit: 4 }))!
  t.match(messages[0], { status: 'sent', attempts: 4 }, 'three pair-rate answers did not use up maxAttempts = 2')
  t.match(messages[1], { status: 'failed', attempts: 4, error: { code: 131056 } }, 'its own budget of 3 retries ran out')
  t.equal(fake.attemptsFor(phoneFor(2)), 1, 'the others were sent once')
  const order = fake.log.map(entry => entry.to)
  const firstRetry = order.indexOf(phoneFor(0), order.indexOf(phoneFor(0)) + 1)
  t.ok(order.indexOf(phoneFor(2)) < firstRetry && order.indexOf(phoneFor(3)) < firstRetry, 'and went on at once, before the first retry')
})

t.test('a resume while the paused worker is still finishing its sends starts sending again without waiting for a scan', async t => {
  // Slow answers keep the worker busy after the pause; the scan is too far off to be what restarts it.
  const { fake, store, newEngine, campaign, finished } = await setup(t, { latencyMs: 200 }, { messagesPerSecond: 50, idlePollMs: 60_000 })
  const plan = await campaign(40)
  const engine = newEngine()
  engine.start(plan)
  await waitFor('a first send', () => fake.log.length > 0 ? true : undefined)
  if (!(await store.pause(tenant, plan.campaignId, allowedFrom.pause)).ok) throw new Error('could not pause')
  engine.stopped(plan.campaignId, 'pause')
  const resumed = await store.resume(tenant, plan.campaignId, allowedFrom.resume)
  if (!resumed.ok) throw new Error('could not resume')
  t.ok(engine.activeRunIds.includes(plan.runId), 'the paused worker is still at work when the resume comes')
  engine.start(resumed.value)
  t.match(await finished(plan.campaignId), { status: 'completed', successCount: 40, failedCount: 0 })
  t.equal(new Set(fake.log.map(entry => entry.to)).size, fake.log.length, 'nobody got a message twice')
})
