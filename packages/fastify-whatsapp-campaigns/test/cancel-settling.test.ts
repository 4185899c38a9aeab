/** A cancel's answer: final counts once the sends in flight are recorded, or `settling: true` when that takes too long. */
import t from 'tap'
import { createCampaignService, type RunStarter } from '../src/campaigns/service.js'
import { memoryStore } from '../src/index.js'
import type { RunPlan } from '../src/store/types.js'
import { contactsFor } from './helpers/app.js'

/** An engine that works on nothing, while `idle` waits for whatever the test says. */
function engineThat (idle: () => Promise<void>): RunStarter & { plans: RunPlan[] } {
  const plans: RunPlan[] = []
  return { plans, start: plan => { plans.push(plan) }, stopped: () => {}, idle }
}

t.test('a send still in flight after the wait: the answer says the counts are settling; a later read has them final', async t => {
  const store = memoryStore()
  const engine = engineThat(async () => await new Promise(() => {}))
  const service = createCampaignService(store, engine, { maxContacts: 100 }, { inlineLimit: 1000, cancelSettleMs: 150 })
  const { id } = await service.create('t', { name: 'c', templateName: 'hello', contacts: contactsFor(5) })
  await service.run('t', id)
  const [plan] = engine.plans
  const [inFlight] = await store.claim(plan, 1, new Date(Date.now() + 60_000))

  const began = Date.now()
  const answer = await service.cancel('t', id)
  t.ok(Date.now() - began >= 140, 'it waited')
  t.match(answer, { status: 'cancelled', totalCount: 5, successCount: 0, failedCount: 4, settling: true })

  await store.record(plan, [{ id: inFlight.id, status: 'sent', messageId: 'wamid.1' }])
  const later = (await service.list('t')).items[0]
  t.match(later, { successCount: 1, failedCount: 4 })
  t.notOk('settling' in later)
})

t.test('recorded while the cancel waits (by another instance, say): the answer has the final counts, and no flag', async t => {
  const store = memoryStore()
  const engine = engineThat(async () => {})
  const service = createCampaignService(store, engine, { maxContacts: 100 }, { inlineLimit: 1000, cancelSettleMs: 2000 })
  const { id } = await service.create('t', { name: 'c', templateName: 'hello', contacts: contactsFor(3) })
  await service.run('t', id)
  const [plan] = engine.plans
  const [inFlight] = await store.claim(plan, 1, new Date(Date.now() + 60_000))
  setTimeout(() => { void store.record(plan, [{ id: inFlight.id, status: 'sent', messageId: 'wamid.1' }]) }, 200)
  const answer = await service.cancel('t', id)
  t.match(answer, { status: 'cancelled', successCount: 1, failedCount: 2 })
  t.notOk('settling' in answer)
})

t.test('a campaign cancelled before it ever ran answers at once', async t => {
  const store = memoryStore()
  const service = createCampaignService(store, engineThat(async () => {}), { maxContacts: 100 }, { inlineLimit: 1000, cancelSettleMs: 5000 })
  const { id } = await service.create('t', { name: 'c', templateName: 'hello', contacts: contactsFor(2), scheduledAt: new Date(Date.now() + 3_600_000).toISOString() })
  const began = Date.now()
  t.match(await service.cancel('t', id), { status: 'cancelled', totalCount: 2, successCount: 0 })
  t.ok(Date.now() - began < 1000)
})
