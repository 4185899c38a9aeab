import { setTimeout as sleep } from 'node:timers/promises'
import Fastify from 'fastify'
import t, { type Test } from 'tap'
import { startCloudApiFake } from 'whatsapp-cloud-fake'
import { memoryStore, createCloudApiClient, defaultEngineSettings, type CampaignStore, type EngineSettings } from '../src/index.js'
import { Engine } from '../src/engine/engine.js'
import { allowedFrom } from '../src/campaigns/transitions.js'
import { contactsFor, phoneFor } from './helpers/app.js'

const tenant = 'acme'
const log = Fastify({ logger: { level: 'silent' } }).log

async function setup (t: Test, fakeOptions: Parameters<typeof startCloudApiFake>[0] = {}, settings: Partial<EngineSettings> = {}) {
  const fake = await startCloudApiFake({ accessToken: 'tok', ...fakeOptions })
  const sender = createCloudApiClient({ apiUrl: fake.apiUrl, phoneNumberId: '555', accessToken: 'tok' })
  const store: CampaignStore = memoryStore()
  const engines: Engine[] = []
  const newEngine = (): Engine => {
    const engine = new Engine({
      store,
      senderFor: async () => ({ sender, numberKey: 'fake/555' }),
      settings: { ...defaultEngineSettings, messagesPerSecond: 5000, retryDelayMs: 10, maxRetryDelayMs: 50, idlePollMs: 20, ...settings },
      log
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
  const finished = async (id: number) => {
    for (;;) {
      const summary = await store.get(tenant, id)
      if (summary?.status !== 'running') return summary
      await sleep(10)
    }
  }
  return { fake, store, newEngine, campaign, finished }
}

t.test('paced below the throughput limit: Meta never answers 130429', async t => {
  const { fake, newEngine, campaign, finished } = await setup(t, { messagesPerSecond: 200 }, { messagesPerSecond: 150 })
  const plan = await campaign(300)
  newEngine().start(plan)
  t.match(await finished(plan.campaignId), { status: 'completed', successCount: 300 })
  t.equal(fake.log.filter((entry: any) => entry.code === 130429).length, 0)
})

t.test('throttling slows the pace and every recipient still gets exactly one message', async t => {
  const { fake, newEngine, campaign, finished } = await setup(t, { messagesPerSecond: 100 }, { messagesPerSecond: 400, maxAttempts: 50 })
  const plan = await campaign(300)
  newEngine().start(plan)
  t.match(await finished(plan.campaignId), { status: 'completed', successCount: 300, failedCount: 0 })
  t.ok(fake.log.some((entry: any) => entry.code === 130429), 'the fake did throttle')
  for (let i = 0; i < 300; i++) t.equal(fake.acceptedFor(phoneFor(i)), 1, `recipient ${i} once`)
})

t.test('retryable errors give up after maxAttempts with the last code', async t => {
  const { newEngine, campaign, finished, store } = await setup(t, { failures: { [phoneFor(0)]: Array(10).fill({ http: 503 }) } }, { maxAttempts: 3 })
  const plan = await campaign(2)
  newEngine().start(plan)
  t.match(await finished(plan.campaignId), { status: 'completed', successCount: 1, failedCount: 1 })
  const [message] = (await store.messages(tenant, plan.campaignId, { limit: 1, status: 'failed' }))!
  t.match(message, { phone: phoneFor(0), attempts: 3, error: { code: String } })
})

t.test('a crash leaves claimed recipients in doubt: reported as UNKNOWN_OUTCOME, never resent', async t => {
  const { fake, store, newEngine, campaign, finished } = await setup(t)
  const plan = await campaign(10)
  // What a killed process leaves behind: three recipients claimed, their outcome never recorded.
  const claimed = await store.claim(plan, 3, new Date(Date.now() - 1))
  t.equal(claimed.length, 3)
  newEngine().start(plan)
  t.match(await finished(plan.campaignId), { status: 'completed', successCount: 7, failedCount: 3 })
  const inDoubt = (await store.messages(tenant, plan.campaignId, { limit: 10, status: 'failed' }))!
  t.strictSame(inDoubt.map(m => m.error?.code), ['UNKNOWN_OUTCOME', 'UNKNOWN_OUTCOME', 'UNKNOWN_OUTCOME'])
  for (const message of claimed) t.equal(fake.acceptedFor(message.phone), 0, 'not resent')
})

t.test('close records what is in flight and leaves the run for the next engine to finish', async t => {
  const { fake, store, newEngine, campaign, finished } = await setup(t, { latencyMs: 50 }, { messagesPerSecond: 100 })
  const plan = await campaign(200)
  const first = newEngine()
  first.start(plan)
  await sleep(400)
  await first.close()
  const progress = await store.progress(plan, new Date())
  t.equal(progress.sending, 0, 'nothing left claimed')
  t.ok(progress.pending > 0 && progress.pending < 200, `stopped midway (${progress.pending} pending)`)
  t.equal((await store.get(tenant, plan.campaignId))?.status, 'running')
  const second = newEngine()
  await second.resume()
  t.strictSame(second.activeRunIds, [plan.runId])
  t.match(await finished(plan.campaignId), { status: 'completed', successCount: 200, failedCount: 0 })
  t.equal(fake.log.length, 200, 'no recipient twice')
})
