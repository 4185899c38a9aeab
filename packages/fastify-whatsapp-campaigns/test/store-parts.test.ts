/** The registration's check of a store: every method of every part, derived from the parts' lists. */
import Fastify from 'fastify'
import t from 'tap'
import campaigns, { memoryStore, storeParts, type CampaignStore } from '../src/index.js'
import { missingStoreMethods } from '../src/store/parts.js'

const account = { phoneNumberId: '1', accessToken: 'secret-token' }

/** The memory store's methods, each kept on an object of its own (no method reaches the others through `this`). */
function storeWithout (name: string): Record<string, unknown> {
  const whole = memoryStore() as unknown as Record<string, unknown>
  const copy: Record<string, unknown> = {}
  for (const key of Object.keys(whole)) if (key !== name) copy[key] = whole[key]
  return copy
}

const required = Object.entries(storeParts).flatMap(([part, methods]) =>
  Object.entries(methods).filter(([, kind]) => kind === 'required').map(([name]) => ({ part, name })))

t.test('the parts name 39 required methods: 14 of CampaignRepository, 12 of RunQueue, 2 of SendTimeline, 3 of DeliveryLedger, 4 of OptOutList, 3 of CampaignAnalytics, and close', async t => {
  const counts = Object.fromEntries(Object.entries(storeParts).map(([part, methods]) => [part, Object.keys(methods).length]))
  t.strictSame(counts, { CampaignRepository: 14, RunQueue: 12, SendTimeline: 2, DeliveryLedger: 3, OptOutList: 4, CampaignAnalytics: 3, StatusJournal: 3, StoreLifecycle: 2 })
  t.equal(required.length, 39, 'init and the status journal are the optional ones')
  t.strictSame(missingStoreMethods(memoryStore()), [], 'the memory store is all of them')
})

for (const { part, name } of required) {
  t.test(`a store without ${part}.${name} is refused at registration, naming it`, async t => {
    const app = Fastify()
    t.teardown(async () => { await app.close() })
    const store = storeWithout(name) as unknown as CampaignStore
    await t.rejects(
      async () => { await app.register(campaigns, { store, whatsapp: account }).ready() },
      { message: new RegExp(`option "store" must be a CampaignStore.*\\(missing ${part}\\.${name}\\)`) }
    )
  })
}

t.test('a method that is there as something else than a function counts as missing; init may be absent, not wrong', async t => {
  const store = { ...memoryStore(), claim: 'yes', init: 42 }
  t.strictSame(missingStoreMethods(store), ['RunQueue.claim', 'StoreLifecycle.init'])
  t.strictSame(missingStoreMethods(null).length, required.length, 'nothing is every required method missing')
})

t.test('the status journal is there whole or not at all', async t => {
  const journal = { journalStatuses: async () => 1, applyJournaled: async () => ({ matched: 0, early: 0, replies: 0, optedOut: 0, optedIn: 0 }), applyStrandedStatuses: async () => 0 }
  t.strictSame(missingStoreMethods({ ...memoryStore(), ...journal }), [], 'all three')
  t.strictSame(missingStoreMethods({ ...memoryStore(), journalStatuses: journal.journalStatuses }), ['StatusJournal.applyJournaled', 'StatusJournal.applyStrandedStatuses'], 'one of three: the others named')
})

t.test('a store that is a class instance passes: methods may live on its prototype', async t => {
  class Store {}
  for (const { name } of required) (Store.prototype as unknown as Record<string, unknown>)[name] = async () => {}
  t.strictSame(missingStoreMethods(new Store()), [])
})
