/**
 * Conformance: the StatusJournal, for a store that has one. Journaled statuses wait until applied;
 * each entry counts once, whoever applies it; stranded entries go oldest first; a send in doubt is
 * judged only after the journal.
 */
import { claimIssued, contacts, draft, leaseFor, started, tenantA, type Assert, type Group, type StoreView } from './context.js'
import { at, figures, later, sentRun, status, stored } from './deliveries.js'

/** Whether the store has a journal; says so when it has none (its webhooks are applied before they are answered). */
function journaling (t: Assert, store: StoreView): boolean {
  if (store.journalStatuses !== undefined) return true
  t.ok(true, 'this store has no status journal: its webhooks are applied before they are answered')
  return false
}

export function statusJournal ({ test }: Group): void {
  test('journal: journaled statuses wait until applied; applied once, with Meta\'s timestamps and errors', async (t, store) => {
    if (!journaling(t, store)) return
    const plan = await sentRun(store, tenantA, 3, 'wamid.j')
    const failed = { at: at(7), code: 131026, title: 'Message undeliverable ✗' }
    const statuses = [status('wamid.j1', { deliveredAt: at(5), readAt: at(6) }), status('wamid.j2', { failed }), status('wamid.j3', { deliveredAt: at(8) })]
    const id = await store.journalStatuses!(statuses)
    t.strictSame((await stored(store, tenantA, plan)).map(m => m.status), ['sent', 'sent', 'sent'], 'not applied yet')
    const summary = await store.applyJournaled!([{ id, statuses }])
    t.strictSame([summary.matched, summary.early], [3, 0])
    const [m1, m2, m3] = await stored(store, tenantA, plan)
    t.strictSame([m1.status, m1.deliveredAt, m1.readAt], ['read', at(5), at(6)])
    t.strictSame([m2.status, m2.error], ['failed', { code: 131026, title: 'Message undeliverable ✗' }])
    t.strictSame([m3.status, m3.deliveredAt], ['delivered', at(8)])
    const counted = { success: 2, failed: 1, delivered: 2, read: 1, replied: 0 }
    t.strictSame(await figures(store, tenantA, plan), counted)
    t.strictSame(await store.applyJournaled!([{ id, statuses }]), { matched: 0, early: 0, replies: 0, optedOut: 0, optedIn: 0 }, 'an entry applied is gone')
    t.strictSame(await figures(store, tenantA, plan), counted, 'counted once')
    t.equal(await store.applyStrandedStatuses!(later(), 100), 0, 'nothing left')
  })

  test('journal: stranded entries, received before the cut, are applied oldest first, each once whoever applies it', async (t, store) => {
    if (!journaling(t, store)) return
    const plan = await sentRun(store, tenantA, 2, 'wamid.s')
    const first = { id: await store.journalStatuses!([status('wamid.s1', { deliveredAt: at(1) })]), statuses: [status('wamid.s1', { deliveredAt: at(1) })] }
    const second = { id: await store.journalStatuses!([status('wamid.s2', { deliveredAt: at(2) })]), statuses: [status('wamid.s2', { deliveredAt: at(2) })] }
    t.equal(await store.applyStrandedStatuses!(new Date(Date.now() - 3_600_000), 100), 0, 'none is old enough')
    t.equal(await store.applyStrandedStatuses!(later(), 1), 1, 'a page of one')
    t.strictSame((await stored(store, tenantA, plan)).map(m => m.status), ['delivered', 'sent'], 'the oldest first')
    const summary = await store.applyJournaled!([first, second])
    t.equal(summary.matched, 1, 'the entry the sweep applied is skipped')
    t.strictSame((await stored(store, tenantA, plan)).map(m => m.status), ['delivered', 'delivered'])
    t.strictSame(await figures(store, tenantA, plan), { success: 2, failed: 0, delivered: 2, read: 0, replied: 0 })
    t.equal(await store.applyStrandedStatuses!(later(), 100), 0)
  })

  test('journal: a journaled status of a message not recorded yet is kept early, as by ingest', async (t, store) => {
    if (!journaling(t, store)) return
    const statuses = [status('wamid.not-yet', { deliveredAt: at(3) })]
    const summary = await store.applyJournaled!([{ id: await store.journalStatuses!(statuses), statuses }])
    t.strictSame([summary.matched, summary.early], [0, 1])
  })

  test('journal: a send in doubt is judged after the journal: its journaled witness makes it sent, never resent', async (t, store) => {
    if (!journaling(t, store)) return
    const plan = await started(store, tenantA, draft({ contacts: contacts(1) }))
    const [claimed] = await claimIssued(store, plan, 1, leaseFor(1000))
    await store.journalStatuses!([status('wamid.jw', { origin: { runId: plan.runId, id: claimed.id }, sentAt: at(1) })])
    t.equal(await store.failExpiredLeases(plan, later(), 'doubt'), 1)
    await store.resolveDoubts(plan, later(), 60_000)
    t.strictSame((await stored(store, tenantA, plan)).map(m => [m.status, m.messageId]), [['sent', 'wamid.jw']])
    t.strictSame(await figures(store, tenantA, plan), { success: 1, failed: 0, delivered: 0, read: 0, replied: 0 })
    t.equal(await store.applyStrandedStatuses!(later(), 100), 0, 'the journal was applied')
  })
}
