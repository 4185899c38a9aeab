/** Conformance: each tenant's opt-out list, and runs that skip the phones on it at their start and at each claim. */
import { optedOut } from '../codes.js'
import { allMessages, allowed, contacts, draft, leaseFor, phone, sendAll, started, tenantA, tenantB, type Group } from './context.js'

export function optOutList ({ test }: Group): void {
  test('opt-outs: added in bulk, new ones counted, listed in phone order with their source', async (t, store) => {
    t.equal(await store.addOptOuts(tenantA, [], 'api'), 0, 'an empty list adds nothing')
    t.equal(await store.addOptOuts(tenantA, [phone(3), phone(1), phone(2)], 'api'), 3)
    t.equal(await store.addOptOuts(tenantA, [phone(2), phone(4), phone(4)], 'keyword'), 1, 'those already there, and repeats, are not new')
    const list = await store.optOuts(tenantA, { limit: 10 })
    t.strictSame(list.map(o => [o.phone, o.source]), [[phone(1), 'api'], [phone(2), 'api'], [phone(3), 'api'], [phone(4), 'keyword']],
      'in order; a phone already there keeps its source')
    t.ok(list.every(o => o.createdAt instanceof Date && Math.abs(o.createdAt.getTime() - Date.now()) < 60_000), 'added now')
  })

  test('opt-outs: pages follow the phone cursor; the phone filter finds one', async (t, store) => {
    await store.addOptOuts(tenantA, Array.from({ length: 7 }, (_, i) => phone(i)), 'api')
    const first = await store.optOuts(tenantA, { limit: 3 })
    const second = await store.optOuts(tenantA, { limit: 3, after: first[2].phone })
    const third = await store.optOuts(tenantA, { limit: 3, after: second[2].phone })
    t.strictSame([...first, ...second, ...third].map(o => o.phone), Array.from({ length: 7 }, (_, i) => phone(i)))
    t.strictSame(await store.optOuts(tenantA, { limit: 3, after: phone(6) }), [], 'past the end')
    t.strictSame((await store.optOuts(tenantA, { limit: 10, phone: phone(4) })).map(o => o.phone), [phone(4)])
    t.strictSame(await store.optOuts(tenantA, { limit: 10, phone: phone(99) }), [], 'a phone not there')
  })

  test('opt-outs: removed one at a time, saying whether it was there', async (t, store) => {
    await store.addOptOuts(tenantA, [phone(1), phone(2)], 'error')
    t.equal(await store.removeOptOut(tenantA, phone(1)), true)
    t.equal(await store.removeOptOut(tenantA, phone(1)), false, 'not twice')
    t.strictSame((await store.optOuts(tenantA, { limit: 10 })).map(o => o.phone), [phone(2)])
    t.equal(await store.addOptOuts(tenantA, [phone(1)], 'preference'), 1, 'and back again, anew')
  })

  test("opt-outs: one tenant's list is not another's", async (t, store) => {
    await store.addOptOuts(tenantA, [phone(1), phone(2)], 'api')
    t.equal(await store.addOptOuts(tenantB, [phone(2)], 'keyword'), 1, 'new to tenant B')
    t.strictSame((await store.optOuts(tenantB, { limit: 10 })).map(o => [o.phone, o.source]), [[phone(2), 'keyword']])
    t.equal(await store.removeOptOut(tenantB, phone(1)), false, "tenant A's phone is not on B's list")
    t.equal((await store.optOuts(tenantA, { limit: 10 })).length, 2, "A's list is whole")
  })
}

export function optOutSkips ({ test }: Group): void {
  test('opt-outs: a run skips the recipients on the list at its start, counted, shown as skipped', async (t, store) => {
    const list = contacts(5)
    await store.addOptOuts(tenantA, [list[1].phone, list[3].phone], 'api')
    await store.addOptOuts(tenantB, [list[0].phone], 'api')
    const plan = await started(store, tenantA, draft({ contacts: list }))
    t.equal(plan.totalCount, 5, 'the total is every recipient')
    const messages = await allMessages(store, tenantA, plan.campaignId)
    t.strictSame(messages.map(m => [m.phone, m.status]), list.map((c, i) => [c.phone, i === 1 || i === 3 ? 'skipped' : 'pending']),
      "only this tenant's list counts")
    t.strictSame(messages.filter(m => m.status === 'skipped').map(m => [m.error, m.attempts]), [[optedOut, 0], [optedOut, 0]], 'OPTED_OUT, never sent')
    t.strictSame(await store.counters(plan), { status: 'running', totalCount: 5, successCount: 0, failedCount: 0, skippedCount: 2 })
    const summary = (await store.get(tenantA, plan.campaignId))!
    t.strictSame([summary.totalCount, summary.skippedCount, summary.progress?.pending], [5, 2, 3])
    t.strictSame((await store.messages(tenantA, plan.campaignId, { status: 'skipped', limit: 10 }))!.map(m => m.phone), [list[1].phone, list[3].phone])
    const claimed = await store.claim(plan, 10, leaseFor())
    t.strictSame(claimed.map(m => m.phone), [list[0].phone, list[2].phone, list[4].phone], 'the others are claimed')
    t.strictSame(await store.progress(plan, new Date()), { status: 'running', pending: 0, due: 0, sending: 3, doubt: 0, nextDueAt: null })
  })

  test('opt-outs: a phone that opts out mid-run is skipped at its claim, and counted', async (t, store) => {
    const list = contacts(6)
    const plan = await started(store, tenantA, draft({ contacts: list }))
    await store.record(plan, (await store.claim(plan, 2, leaseFor())).map(m => ({ id: m.id, status: 'sent' as const, messageId: `wamid.mid-${m.id}-${plan.runId}` })))
    await store.addOptOuts(tenantA, [list[0].phone, list[2].phone, list[5].phone], 'keyword')
    const next = await store.claim(plan, 2, leaseFor())
    t.strictSame(next.map(m => m.phone), [list[3].phone], 'the picked row on the list is not handed out')
    const rest = await store.claim(plan, 10, leaseFor())
    t.strictSame(rest.map(m => m.phone), [list[4].phone])
    const messages = await allMessages(store, tenantA, plan.campaignId)
    t.strictSame(messages.map(m => m.status), ['sent', 'sent', 'skipped', 'pending', 'pending', 'skipped'], 'one sent before its opt-out stays sent')
    t.strictSame(messages[2].error, optedOut)
    t.strictSame(await store.counters(plan), { status: 'running', totalCount: 6, successCount: 2, failedCount: 0, skippedCount: 2 })
  })

  test('opt-outs: a run whose recipients are all on the list starts, with nothing to claim', async (t, store) => {
    const list = contacts(3)
    await store.addOptOuts(tenantA, list.map(c => c.phone), 'api')
    const plan = await started(store, tenantA, draft({ contacts: list }))
    t.equal(plan.totalCount, 3)
    t.strictSame(await store.claim(plan, 10, leaseFor()), [])
    t.strictSame(await store.progress(plan, new Date()), { status: 'running', pending: 0, due: 0, sending: 0, doubt: 0, nextDueAt: null }, 'nothing left: the engine completes it')
    t.ok(await store.finishRun(plan, { status: 'completed' }))
    const summary = (await store.get(tenantA, plan.campaignId))!
    t.strictSame([summary.status, summary.totalCount, summary.successCount, summary.failedCount, summary.skippedCount], ['completed', 3, 0, 0, 3])
  })

  test('opt-outs: a rerun of the failed skips those who opted out since', async (t, store) => {
    const list = contacts(3)
    const first = await started(store, tenantA, draft({ contacts: list }))
    await sendAll(store, first, id => ({ id, status: 'failed', code: 131026, title: 'Undeliverable' }))
    await store.finishRun(first, { status: 'completed' })
    await store.addOptOuts(tenantA, [list[1].phone], 'error')
    const rerun = allowed(await store.startRun(tenantA, first.campaignId, ['completed'], 'failed'))
    t.equal(rerun.totalCount, 3)
    t.strictSame((await allMessages(store, tenantA, first.campaignId)).map(m => m.status), ['pending', 'skipped', 'pending'])
    t.equal((await store.counters(rerun))?.skippedCount, 1)
  })
}

export function optOutLookup ({ test }: Group): void {
  test('opt-outs: which of many phones are on the list, in one call, for this tenant only', async (t, store) => {
    t.strictSame(await store.optedOutAmong(tenantA, []), new Set(), 'nothing asked, nothing found')
    t.strictSame(await store.optedOutAmong(tenantA, [phone(1)]), new Set(), 'an empty list holds nothing')
    await store.addOptOuts(tenantA, [phone(1), phone(3), phone(5)], 'api')
    await store.addOptOuts(tenantB, [phone(2)], 'keyword')
    const asked = Array.from({ length: 7 }, (_, i) => phone(i))
    t.strictSame(await store.optedOutAmong(tenantA, asked), new Set([phone(1), phone(3), phone(5)]))
    t.strictSame(await store.optedOutAmong(tenantB, asked), new Set([phone(2)]), "B's list alone")
    t.strictSame(await store.optedOutAmong(tenantA, [phone(3), phone(3), phone(4)]), new Set([phone(3)]), 'a phone asked twice is found once')
    await store.removeOptOut(tenantA, phone(3))
    t.strictSame(await store.optedOutAmong(tenantA, asked), new Set([phone(1), phone(5)]), 'a removed phone is no longer found')
  })

  test('opt-outs: a lookup of 100,000 phones finds the listed among them', async (t, store) => {
    const asked = Array.from({ length: 100_000 }, (_, i) => phone(i))
    const listed = asked.filter((_, i) => i % 997 === 0)
    await store.addOptOuts(tenantA, listed, 'api')
    t.strictSame(await store.optedOutAmong(tenantA, asked), new Set(listed))
  })
}
