/** Conformance: the unique recipients a sending number reached in a window (Meta's messaging limit counts them). */
import type { MessageOutcome, NewCampaign, RunPlan, Tenant } from '../types.js'
import { allowed, contacts, draft, phone, sendAll, sentOutcome, tenantA, tenantB, type Group, type StoreView } from './context.js'

const dayMs = 24 * 3_600_000

/** A campaign of `list` run from `sender`, every message given `outcome` (default: sent). */
async function ranFrom (store: StoreView, tenant: Tenant, sender: string, list: NewCampaign['contacts'], outcome?: (id: number, index: number) => MessageOutcome): Promise<RunPlan> {
  const { id } = await store.create(tenant, draft({ contacts: list }))
  const plan = allowed(await store.startRun(tenant, id, ['draft'], 'all', sender))
  await sendAll(store, plan, outcome)
  return plan
}

export function uniqueReach ({ test }: Group): void {
  test("uniqueRecipients: distinct phones the tenant's runs from one number had accepted since a time, and how many of a list are among them", async (t, store) => {
    await ranFrom(store, tenantA, 'pn-1', contacts(5))
    await ranFrom(store, tenantA, 'pn-1', contacts(4, 3))
    // Not reached: failed sends, another number's runs, another tenant's runs from the same number.
    await ranFrom(store, tenantA, 'pn-1', contacts(2, 30), id => ({ id, status: 'failed', code: 131026, title: 'Message undeliverable' }))
    await ranFrom(store, tenantA, 'pn-2', contacts(3, 10))
    await ranFrom(store, tenantB, 'pn-1', contacts(3, 20))
    const since = new Date(Date.now() - 60_000)
    const asked = [phone(0), phone(6), phone(6), phone(10), phone(20), phone(30), phone(50)]
    t.strictSame(await store.uniqueRecipients(tenantA, { sender: 'pn-1', since, phones: asked }), { reached: 7, among: 2 },
      'phones 0-6 reached, each once; of those asked, 0 and 6 (6 asked twice counts once)')
    t.strictSame(await store.uniqueRecipients(tenantA, { sender: 'pn-2', since, phones: asked }), { reached: 3, among: 1 })
    t.strictSame(await store.uniqueRecipients(tenantB, { sender: 'pn-1', since, phones: asked }), { reached: 3, among: 1 }, "another tenant's own")
    t.strictSame(await store.uniqueRecipients(tenantA, { sender: 'pn-3', since, phones: asked }), { reached: 0, among: 0 }, 'a number that sent nothing')
    t.strictSame(await store.uniqueRecipients(tenantA, { sender: 'pn-1', since, phones: [] }), { reached: 7, among: 0 }, 'no phones asked about')
    t.strictSame(await store.uniqueRecipients(tenantA, { sender: 'pn-1', since: new Date(Date.now() + 60_000), phones: asked }), { reached: 0, among: 0 },
      'nothing accepted after a time to come')
  })

  test('uniqueRecipients: a message counts by when Meta accepted it (its sent status\'s time), pending and unsent rows not at all', async (t, store) => {
    const plan = await ranFrom(store, tenantA, 'pn-1', contacts(3))
    const [first] = (await store.stored.messages(tenantA, plan.campaignId, { limit: 1 }))!
    const dayAgo = new Date(Date.now() - dayMs - 60_000)
    await store.ingest({ statuses: [{ wamid: first.messageId!, origin: null, sentAt: dayAgo, deliveredAt: null, readAt: null, failed: null }], inbound: [], preferences: [], other: [] })
    const since = new Date(Date.now() - dayMs)
    t.strictSame(await store.uniqueRecipients(tenantA, { sender: 'pn-1', since, phones: [first.phone] }), { reached: 2, among: 0 },
      'a message Meta accepted more than a day ago is out of the window')
    t.strictSame(await store.uniqueRecipients(tenantA, { sender: 'pn-1', since: new Date(dayAgo.getTime() - 1000), phones: [first.phone] }), { reached: 3, among: 1 })

    const { id } = await store.create(tenantA, draft({ contacts: contacts(2, 40) }))
    const waiting = allowed(await store.startRun(tenantA, id, ['draft'], 'all', 'pn-1'))
    await store.claim(waiting, 1, new Date(Date.now() + 60_000))
    t.strictSame(await store.uniqueRecipients(tenantA, { sender: 'pn-1', since, phones: [phone(40), phone(41)] }), { reached: 2, among: 0 },
      'a claimed row and a pending one reached nobody yet')
    await store.record(waiting, [sentOutcome((await store.claim(waiting, 1, new Date(Date.now() + 60_000)))[0].id)])
    t.strictSame(await store.uniqueRecipients(tenantA, { sender: 'pn-1', since, phones: [phone(40), phone(41)] }), { reached: 3, among: 1 },
      'recorded sent: reached')
  })
}
