/** Conformance: a run's stats (failures by code, a per-minute timeline) and a tenant's analytics over a period. */
import type { MessageOutcome } from '../types.js'
import { allMessages, allowed, contacts, draft, sendAll, sentOutcome, sleep, started, tenantA, tenantB, type Group } from './context.js'

const undeliverable = (id: number): MessageOutcome => ({ id, status: 'failed', code: 131026, title: 'Message undeliverable' })
const network = (id: number): MessageOutcome => ({ id, status: 'failed', code: 'NETWORK_ERROR', title: 'Connection reset' })

function minuteOf (at: Date): number {
  return Math.floor(at.getTime() / 60_000) * 60_000
}

export function runStats ({ test }: Group): void {
  test('stats: the latest run, its failures by code and title (most first), its timeline per minute', async (t, store) => {
    await store.addOptOuts(tenantA, [contacts(8)[7].phone], 'api')
    const plan = await started(store, tenantA, draft({ contacts: contacts(8) }))
    const before = new Date()
    // 3 sent, 3 undeliverable, 1 network error, 1 skipped.
    await sendAll(store, plan, (id, i) => i < 3 ? sentOutcome(id) : i < 6 ? undeliverable(id) : network(id))
    const after = new Date()
    const stats = (await store.stats(tenantA, plan.campaignId, {}))!
    t.equal(stats.run.id, plan.runId)
    t.strictSame([stats.run.totalCount, stats.run.successCount, stats.run.failedCount, stats.run.skippedCount], [8, 3, 4, 1])
    t.strictSame(stats.failures, [
      { code: 131026, title: 'Message undeliverable', count: 3 },
      { code: 'NETWORK_ERROR', title: 'Connection reset', count: 1 }
    ], "Meta's codes stay numbers; skipped rows are not failures")
    const minutes = stats.timeline.map(m => m.minute.getTime())
    t.ok(minutes.every((m, i) => m % 60_000 === 0 && (i === 0 || m > minutes[i - 1])), 'whole minutes, ascending')
    t.ok(minutes.every(m => m >= minuteOf(before) && m <= minuteOf(after)), 'the minutes the outcomes were recorded in')
    const sum = (key: 'sent' | 'delivered' | 'read' | 'failed'): number => stats.timeline.reduce((n, m) => n + m[key], 0)
    // Sends are timed by their sentAt (the record's clock, or Meta's once its status came): what the messages show.
    const messages = await allMessages(store, tenantA, plan.campaignId)
    const timed = (key: 'sentAt' | 'deliveredAt' | 'readAt'): number => messages.filter(m => m[key] !== null).length
    t.strictSame([sum('sent'), sum('delivered'), sum('read'), sum('failed')], [timed('sentAt'), timed('deliveredAt'), timed('readAt'), 4],
      'each event once, by its own timestamp')
    t.ok(Math.abs(stats.readAt.getTime() - Date.now()) < 60_000, "readAt is the store's clock")
  })

  test('stats: an earlier run by id; null for a campaign that never ran, another campaign\'s run, another tenant', async (t, store) => {
    const first = await started(store, tenantA)
    await sendAll(store, first, undeliverable)
    await store.finishRun(first, { status: 'completed' })
    const second = allowed(await store.startRun(tenantA, first.campaignId, ['completed'], 'failed'))
    t.equal((await store.stats(tenantA, first.campaignId, {}))?.run.id, second.runId, 'the latest by default')
    const earlier = (await store.stats(tenantA, first.campaignId, { run: first.runId }))!
    t.strictSame([earlier.run.id, earlier.failures], [first.runId, [{ code: 131026, title: 'Message undeliverable', count: 3 }]])
    t.strictSame((await store.stats(tenantA, first.campaignId, {}))?.failures, [], 'none yet in the rerun')
    const other = await started(store, tenantA)
    t.equal(await store.stats(tenantA, first.campaignId, { run: other.runId }), null, "another campaign's run")
    t.equal(await store.stats(tenantB, first.campaignId, {}), null, "another tenant's campaign")
    t.equal(await store.stats(tenantA, 999_999, {}), null, 'no such campaign')
    const { id } = await store.create(tenantA, draft())
    t.equal(await store.stats(tenantA, id, {}), null, 'a campaign that never ran')
  })
}

export function tenantAnalytics ({ test }: Group): void {
  test("analytics: the sums over a tenant's runs started in [from, to)", async (t, store) => {
    const from = new Date(Date.now() - 1000)
    const a = await started(store, tenantA, draft({ contacts: contacts(4) }))
    await sendAll(store, a, (id, i) => i === 0 ? undeliverable(id) : sentOutcome(id))
    await store.finishRun(a, { status: 'completed' })
    const rerun = allowed(await store.startRun(tenantA, a.campaignId, ['completed'], 'failed'))
    await sendAll(store, rerun)
    await store.addOptOuts(tenantA, [contacts(2, 50)[1].phone], 'api')
    await started(store, tenantA, draft({ contacts: contacts(2, 50) }))
    await started(store, tenantB, draft({ contacts: contacts(9) }))
    const to = new Date(Date.now() + 1000)
    t.strictSame(await store.analytics(tenantA, { from, to }), {
      campaigns: 2, runs: 3, totalCount: 7, successCount: 4, failedCount: 1, deliveredCount: 0, readCount: 0, repliedCount: 0, skippedCount: 1
    })
    t.strictSame((await store.analytics(tenantB, { from, to })).totalCount, 9, "another tenant's runs are its own")
    t.strictSame(await store.analytics('tenant-c', { from, to }), {
      campaigns: 0, runs: 0, totalCount: 0, successCount: 0, failedCount: 0, deliveredCount: 0, readCount: 0, repliedCount: 0, skippedCount: 0
    }, 'zeros when nothing ran')
  })

  test('analytics: a run started at `from` counts, one started at `to` does not', async (t, store) => {
    const first = await started(store, tenantA)
    const [run] = (await store.runs(tenantA, first.campaignId))!
    const startedAt = new Date(run.startedAt)
    await sleep(5)
    t.equal((await store.analytics(tenantA, { from: startedAt, to: new Date(startedAt.getTime() + 1) })).runs, 1, 'from is in')
    t.equal((await store.analytics(tenantA, { from: new Date(startedAt.getTime() - 60_000), to: startedAt })).runs, 0, 'to is out')
    t.equal((await store.analytics(tenantA, { from: new Date(startedAt.getTime() + 1), to: new Date(Date.now() + 60_000) })).runs, 0, 'later periods')
  })
}
