/**
 * Conformance: the reaper. A worker that died holding leases in a run that is then no longer running
 * (cancelled, paused) leaves `sending` rows no worker of that run will settle; `failStaleLeases`, every
 * tenant's at once, fails them as `failExpiredLeases` would, and leaves a running run's to its workers.
 */
import type { RunPlan, Tenant } from '../types.js'
import { type StoreView, allMessages, allowed, claimIssued, contacts, draft, leaseFor, sendAll, sentOutcome, started, tenantA, tenantB, type Group } from './context.js'

/** Long after every lease the tests take (at most an hour). */
const later = (): Date => new Date(Date.now() + 7_200_000)

/** The campaign's counters, and whether they add up to its total. */
async function counters (store: StoreView, tenant: Tenant, id: number): Promise<{ status: string, success: number, failed: number, settled: boolean }> {
  const summary = (await store.get(tenant, id))!
  return { status: summary.status, success: summary.successCount, failed: summary.failedCount, settled: summary.successCount + summary.failedCount === summary.totalCount }
}

/** A run of `count` recipients whose worker claimed `claimed` of them (a minute's lease) and died. */
async function abandoned (store: StoreView, tenant: Tenant, count: number, claimed: number): Promise<RunPlan> {
  const plan = await started(store, tenant, draft({ contacts: contacts(count) }))
  await claimIssued(store, plan, claimed, leaseFor(60_000))
  return plan
}

async function codes (store: StoreView, tenant: Tenant, id: number): Promise<Array<[string, unknown]>> {
  return (await allMessages(store, tenant, id)).map(m => [m.status, m.error?.code])
}

export function staleLeases ({ test }: Group): void {
  test('leases: failStaleLeases fails the expired leases of a cancelled run as UNKNOWN_OUTCOME; success + failed = total', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(5) }))
    await store.record(plan, (await claimIssued(store, plan, 1, leaseFor())).map(m => sentOutcome(m.id)))
    const inFlight = await claimIssued(store, plan, 2, leaseFor(60_000))
    allowed(await store.cancel(tenantA, plan.campaignId, ['running']))
    t.strictSame(await counters(store, tenantA, plan.campaignId), { status: 'cancelled', success: 1, failed: 2, settled: false }, 'the two claimed are in nobody\'s hands')
    t.equal(await store.failStaleLeases(new Date()), 0, 'not while their leases run')
    t.equal(await store.failStaleLeases(later()), 2)
    t.strictSame(await counters(store, tenantA, plan.campaignId), { status: 'cancelled', success: 1, failed: 4, settled: true })
    t.strictSame(await codes(store, tenantA, plan.campaignId), [
      ['sent', undefined], ['failed', 'UNKNOWN_OUTCOME'], ['failed', 'UNKNOWN_OUTCOME'], ['failed', 'CANCELLED'], ['failed', 'CANCELLED']
    ])
    t.equal((await store.progress(plan, new Date())).sending, 0, 'nothing left sending')
    t.equal(await store.failStaleLeases(later()), 0, 'each once')
    await store.record(plan, inFlight.map(m => sentOutcome(m.id)))
    t.strictSame(await counters(store, tenantA, plan.campaignId), { status: 'cancelled', success: 1, failed: 4, settled: true }, 'a late outcome changes nothing')
  })

  test('leases: failStaleLeases leaves a lease that has not run out', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(3) }))
    const [short] = await claimIssued(store, plan, 1, leaseFor(10_000))
    const [long] = await claimIssued(store, plan, 1, leaseFor(3_600_000))
    allowed(await store.cancel(tenantA, plan.campaignId, ['running']))
    t.equal(await store.failStaleLeases(new Date(Date.now() + 60_000)), 1, 'the 10 s lease only')
    t.equal((await store.progress(plan, new Date())).sending, 1, 'the hour-long one is still held')
    t.strictSame(await counters(store, tenantA, plan.campaignId), { status: 'cancelled', success: 0, failed: 2, settled: false })
    // Its worker is alive after all: its outcome is recorded.
    await store.record(plan, [{ id: long.id, status: 'sent', messageId: 'wamid.long' }, { id: short.id, status: 'sent', messageId: 'wamid.short' }])
    t.strictSame(await counters(store, tenantA, plan.campaignId), { status: 'cancelled', success: 1, failed: 2, settled: true }, 'the expired one stays failed')
    t.strictSame(await codes(store, tenantA, plan.campaignId), [['failed', 'UNKNOWN_OUTCOME'], ['sent', undefined], ['failed', 'CANCELLED']])
  })

  test("leases: failStaleLeases leaves a running run's expired leases to its workers", async (t, store) => {
    const running = await abandoned(store, tenantA, 4, 2)
    const cancelled = await abandoned(store, tenantA, 4, 1)
    allowed(await store.cancel(tenantA, cancelled.campaignId, ['running']))
    t.equal(await store.failStaleLeases(later()), 1, "the cancelled run's only")
    t.strictSame(await counters(store, tenantA, running.campaignId), { status: 'running', success: 0, failed: 0, settled: false })
    t.equal((await store.progress(running, new Date())).sending, 2, 'still sending')
    t.equal(await store.failStaleLeases(later()), 0, 'however often it is asked')
    t.equal(await store.failExpiredLeases(running, later()), 2, 'its worker settles them')
    t.strictSame(await counters(store, tenantA, cancelled.campaignId), { status: 'cancelled', success: 0, failed: 4, settled: true })
  })

  test('leases: failStaleLeases serves every tenant at once', async (t, store) => {
    const a = await abandoned(store, tenantA, 3, 2)
    const b = await abandoned(store, tenantB, 4, 3)
    const c = await abandoned(store, 'tenant-c', 2, 1)
    for (const [tenant, plan] of [[tenantA, a], [tenantB, b], ['tenant-c', c]] as const) allowed(await store.cancel(tenant, plan.campaignId, ['running']))
    t.equal(await store.failStaleLeases(later()), 6)
    t.strictSame(await counters(store, tenantA, a.campaignId), { status: 'cancelled', success: 0, failed: 3, settled: true })
    t.strictSame(await counters(store, tenantB, b.campaignId), { status: 'cancelled', success: 0, failed: 4, settled: true })
    t.strictSame(await counters(store, 'tenant-c', c.campaignId), { status: 'cancelled', success: 0, failed: 2, settled: true })
    t.equal((await codes(store, tenantB, b.campaignId)).filter(([, code]) => code === 'UNKNOWN_OUTCOME').length, 3, "each run's own rows")
  })

  test('leases: failStaleLeases settles a paused run too; the resume goes on with the rest, nothing counted twice', async (t, store) => {
    const plan = await abandoned(store, tenantA, 5, 2)
    allowed(await store.pause(tenantA, plan.campaignId, ['running']))
    t.equal(await store.failStaleLeases(later()), 2)
    t.strictSame(await counters(store, tenantA, plan.campaignId), { status: 'paused', success: 0, failed: 2, settled: false })
    t.equal((await store.progress(plan, new Date())).sending, 0, 'the live figures are right meanwhile')
    allowed(await store.resume(tenantA, plan.campaignId, ['paused']))
    t.equal(await store.failExpiredLeases(plan, later()), 0, 'nothing left for the resumed worker to settle')
    t.equal(await sendAll(store, plan), 3, 'the three never claimed are sent')
    t.equal(await store.finishRun(plan, { status: 'completed' }), true)
    t.strictSame(await counters(store, tenantA, plan.campaignId), { status: 'completed', success: 3, failed: 2, settled: true })
  })

  test('leases: failStaleLeases fails at most `limit` rows a call, across runs, until none is left', async (t, store) => {
    const first = await abandoned(store, tenantA, 4, 3)
    const second = await abandoned(store, tenantB, 3, 2)
    allowed(await store.cancel(tenantA, first.campaignId, ['running']))
    allowed(await store.pause(tenantB, second.campaignId, ['running']))
    t.equal(await store.failStaleLeases(later(), 0), 0, 'a limit of 0 does nothing')
    const calls: number[] = []
    for (let i = 0; i < 4; i++) calls.push(await store.failStaleLeases(later(), 2))
    t.strictSame(calls, [2, 2, 1, 0])
    t.strictSame(await counters(store, tenantA, first.campaignId), { status: 'cancelled', success: 0, failed: 4, settled: true })
    t.strictSame(await counters(store, tenantB, second.campaignId), { status: 'paused', success: 0, failed: 2, settled: false })
    t.equal((await store.progress(first, new Date())).sending + (await store.progress(second, new Date())).sending, 0, 'nothing left sending')
  })
}

/**
 * A claim's mark (RunQueue.markIssued) says how far its worker may have written requests: when its
 * lease runs out, only the rows up to the mark can have been sent.
 */
export function claimMarks ({ test }: Group): void {
  const statuses = async (store: StoreView, plan: RunPlan): Promise<Array<[string, number, unknown]>> =>
    (await allMessages(store, plan.tenant, plan.campaignId)).map(m => [m.status, m.attempts, m.error?.code])

  test('marks: past the mark a lease that ran out gives its rows back, their attempt too; up to it they are in doubt', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(5) }))
    const lease = leaseFor(1000)
    const claimed = await store.claim(plan, 5, lease)
    await store.markIssued(plan, lease, claimed[1].id)
    t.equal(await store.failExpiredLeases(plan, later(), 'doubt'), 5, 'every expired row is settled')
    const progress = await store.progress(plan, new Date())
    t.strictSame([progress.doubt, progress.pending, progress.sending], [2, 3, 0])
    t.strictSame((await store.claim(plan, 10, leaseFor())).map(m => [m.id, m.attempts]), claimed.slice(2).map(m => [m.id, 1]), 'the three never sent are claimed again, as first attempts')
  })

  test('marks: without webhooks the rows up to the mark fail UNKNOWN_OUTCOME, counted; the rest are pending', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(4) }))
    const lease = leaseFor(1000)
    const claimed = await store.claim(plan, 4, lease)
    await store.markIssued(plan, lease, claimed[0].id)
    t.equal(await store.failExpiredLeases(plan, later()), 4)
    t.strictSame(await statuses(store, plan), [['failed', 1, 'UNKNOWN_OUTCOME'], ['pending', 0, undefined], ['pending', 0, undefined], ['pending', 0, undefined]])
    t.strictSame(await counters(store, tenantA, plan.campaignId), { status: 'running', success: 0, failed: 1, settled: false })
    t.equal(await sendAll(store, plan), 3, 'the three never sent are sent')
  })

  test('marks: a claim never marked was never sent: all of it goes back', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(3) }))
    await store.claim(plan, 3, leaseFor(1000))
    t.equal(await store.failExpiredLeases(plan, later(), 'doubt'), 3)
    t.strictSame(await statuses(store, plan), [['pending', 0, undefined], ['pending', 0, undefined], ['pending', 0, undefined]])
  })

  test('marks: a mark never goes down; another tenant or another lease cannot move it', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(4) }))
    const lease = leaseFor(1000)
    const claimed = await store.claim(plan, 4, lease)
    await store.markIssued(plan, lease, claimed[1].id)
    await store.markIssued(plan, lease, claimed[0].id)
    await store.markIssued({ ...plan, tenant: tenantB }, lease, claimed[3].id)
    await store.markIssued(plan, new Date(lease.getTime() + 1), claimed[3].id)
    await store.failExpiredLeases(plan, later(), 'doubt')
    t.strictSame(await statuses(store, plan), [['pending', 1, 'IN_DOUBT'], ['pending', 1, 'IN_DOUBT'], ['pending', 0, undefined], ['pending', 0, undefined]], 'in doubt (shown pending) up to the higher mark')
  })

  test('marks: two claims whose leases end at the same instant share the higher mark: more in doubt, never fewer', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(6) }))
    const lease = leaseFor(1000)
    const first = await store.claim(plan, 2, lease)
    const second = await store.claim(plan, 2, lease)
    await store.markIssued(plan, lease, first[0].id)
    await store.markIssued(plan, lease, second[0].id)
    await store.failExpiredLeases(plan, later(), 'doubt')
    t.strictSame((await statuses(store, plan)).map(([, , code]) => code), ['IN_DOUBT', 'IN_DOUBT', 'IN_DOUBT', undefined, undefined, undefined])
  })

  test('marks: the reaper gives a paused run its unsent rows back and fails a cancelled run\'s as NOT_SENT, counted', async (t, store) => {
    const paused = await started(store, tenantA, draft({ contacts: contacts(3) }))
    const pausedLease = leaseFor(1000)
    const pausedClaim = await store.claim(paused, 3, pausedLease)
    await store.markIssued(paused, pausedLease, pausedClaim[0].id)
    allowed(await store.pause(tenantA, paused.campaignId, ['running']))
    const stopped = await started(store, tenantB, draft({ contacts: contacts(3) }))
    const stoppedLease = leaseFor(1000)
    const stoppedClaim = await store.claim(stopped, 3, stoppedLease)
    await store.markIssued(stopped, stoppedLease, stoppedClaim[0].id)
    allowed(await store.cancel(tenantB, stopped.campaignId, ['running']))
    t.equal(await store.failStaleLeases(later()), 6)
    t.strictSame(await statuses(store, paused), [['failed', 1, 'UNKNOWN_OUTCOME'], ['pending', 0, undefined], ['pending', 0, undefined]])
    t.strictSame(await counters(store, tenantA, paused.campaignId), { status: 'paused', success: 0, failed: 1, settled: false })
    t.strictSame(await statuses(store, stopped), [['failed', 1, 'UNKNOWN_OUTCOME'], ['failed', 0, 'NOT_SENT'], ['failed', 0, 'NOT_SENT']])
    t.strictSame(await counters(store, tenantB, stopped.campaignId), { status: 'cancelled', success: 0, failed: 3, settled: true })
  })
}
