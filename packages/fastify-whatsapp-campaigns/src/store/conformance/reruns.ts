/** Conformance: what a run sends to — every contact, or only the recipients that failed last time. */
import type { MessageOutcome } from '../types.js'
import { allMessages, allowed, claimIssued, contacts, draft, leaseFor, sendAll, sentOutcome, started, tenantA, type Group } from './context.js'

/** Fails the recipients at `failing` indexes (their order of claim), sends the others. */
const failingAt = (...failing: number[]) => (id: number, i: number): MessageOutcome => failing.includes(i)
  ? { id, status: 'failed', code: 131026, title: 'Undeliverable' }
  : sentOutcome(id)

export function reruns ({ test }: Group): void {
  test("reruns: 'failed' sends again to the latest run's failed recipients only, in their order, numbered anew", async (t, store) => {
    const list = [
      { phone: '919876500001', name: 'Asha', parameters: ['own'] },
      ...contacts(5, 10)
    ]
    const first = await started(store, tenantA, draft({ contacts: list }))
    await sendAll(store, first, failingAt(0, 2, 5))
    await store.finishRun(first, { status: 'completed' })
    // The list changed since: a rerun of the failed follows the run, not the list.
    allowed(await store.update(tenantA, first.campaignId, { contacts: contacts(2, 900), templateName: 'second_try' }, ['completed']))
    const second = allowed(await store.startRun(tenantA, first.campaignId, ['completed'], 'failed'))
    t.strictSame([second.totalCount, second.templateName], [3, 'second_try'], "the campaign's template as it is now")
    const summary = (await store.get(tenantA, first.campaignId))!
    t.strictSame([summary.status, summary.totalCount, summary.successCount, summary.failedCount], ['running', 3, 0, 0])
    const messages = await allMessages(store, tenantA, first.campaignId)
    t.strictSame(messages.map(m => [m.position, m.phone, m.name, m.status, m.attempts]), [
      [1, list[0].phone, 'Asha', 'pending', 0], [2, list[2].phone, list[2].name, 'pending', 0], [3, list[5].phone, list[5].name, 'pending', 0]
    ])
    const claimed = await claimIssued(store, second, 10, leaseFor())
    t.strictSame(claimed.map(m => m.parameters), [['own'], null, null], "each recipient's own parameters come along")
  })

  test("reruns: 'failed' after a run that failed nothing is empty, and nothing changes", async (t, store) => {
    const plan = await started(store, tenantA)
    await sendAll(store, plan)
    await store.finishRun(plan, { status: 'completed' })
    const before = await store.get(tenantA, plan.campaignId)
    const messages = await allMessages(store, tenantA, plan.campaignId)
    t.strictSame(await store.startRun(tenantA, plan.campaignId, ['completed'], 'failed'), { ok: false, reason: 'empty' })
    t.strictSame(await store.get(tenantA, plan.campaignId), before, 'still completed, same counts')
    t.strictSame(await allMessages(store, tenantA, plan.campaignId), messages, 'the latest run is still the last one')
    t.strictSame(await store.activeRuns(), [])
  })

  test('reruns: a campaign that never ran has no failed recipients; one without contacts none at all', async (t, store) => {
    const { id } = await store.create(tenantA, draft())
    t.strictSame(await store.startRun(tenantA, id, ['draft'], 'failed'), { ok: false, reason: 'empty' })
    const empty = await store.create(tenantA, draft({ contacts: [] }))
    t.strictSame(await store.startRun(tenantA, empty.id, ['draft']), { ok: false, reason: 'empty' })
    t.strictSame(await store.startRun(tenantA, empty.id, ['draft'], 'all'), { ok: false, reason: 'empty' })
    t.strictSame([(await store.get(tenantA, id))!.status, (await store.get(tenantA, empty.id))!.status], ['draft', 'draft'])
    t.strictSame(await store.activeRuns(), [])
    t.strictSame(await store.startRun(tenantA, empty.id, ['completed']), { ok: false, reason: 'status', status: 'draft' }, 'the status is judged first')
  })

  test("reruns: 'failed' takes every way of failing, and a rerun of a rerun narrows again", async (t, store) => {
    const first = await started(store, tenantA, draft({ contacts: contacts(4) }))
    const claimed = await claimIssued(store, first, 2, leaseFor())
    await store.record(first, [{ id: claimed[0].id, status: 'sent', messageId: 'wamid.1' }])
    await store.failExpiredLeases(first, new Date(Date.now() + 3_600_000))
    await store.finishRun(first, { status: 'failed', error: { code: 190, title: 'Token expired', message: 'x' } })
    const second = allowed(await store.startRun(tenantA, first.campaignId, ['failed'], 'failed'))
    t.equal(second.totalCount, 3, 'an unknown outcome and the two the halt left')
    await sendAll(store, second, failingAt(1))
    await store.finishRun(second, { status: 'completed' })
    const third = allowed(await store.startRun(tenantA, first.campaignId, ['completed'], 'failed'))
    t.strictSame((await allMessages(store, tenantA, first.campaignId)).map(m => m.phone), [contacts(4)[2].phone])
    t.equal(third.totalCount, 1)
  })

  test("reruns: of ten concurrent 'failed' reruns exactly one wins", async (t, store) => {
    const first = await started(store, tenantA, draft({ contacts: contacts(6) }))
    await sendAll(store, first, failingAt(0, 1))
    await store.finishRun(first, { status: 'completed' })
    const results = await Promise.all(Array.from({ length: 10 }, async () => await store.startRun(tenantA, first.campaignId, ['completed'], 'failed')))
    t.equal(results.filter(r => r.ok).length, 1, 'one winner')
    t.ok(results.every(r => r.ok || (r.reason === 'status' && r.status === 'running')), 'the others see it running')
    t.equal((await allMessages(store, tenantA, first.campaignId)).length, 2)
  })
}
