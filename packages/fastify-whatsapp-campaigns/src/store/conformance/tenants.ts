/** Conformance: one tenant can never see or change another's campaigns or runs. */
import { allowed, anyStatus, draft, leaseFor, sendAll, sentOutcome, started, tenantA, tenantB, type Group } from './context.js'

export function tenantIsolation ({ test }: Group): void {
  test('tenants: another tenant cannot read a campaign', async (t, store) => {
    const plan = await started(store, tenantA)
    t.equal(await store.get(tenantB, plan.campaignId), null)
    t.equal(await store.contacts(tenantB, plan.campaignId), null)
    t.equal(await store.messages(tenantB, plan.campaignId, { limit: 10 }), null)
    t.strictSame(await store.list(tenantB, { limit: 10, offset: 0 }), { items: [], total: 0 })
    t.strictSame(await store.list(tenantB, { status: 'running', limit: 10, offset: 0 }), { items: [], total: 0 })
  })

  test('tenants: another tenant cannot change, run or delete a campaign', async (t, store) => {
    const { id } = await store.create(tenantA, draft())
    const before = await store.get(tenantA, id)
    t.strictSame(await store.update(tenantB, id, { name: 'taken over', contacts: [] }, anyStatus), { ok: false, reason: 'not_found' })
    t.strictSame(await store.startRun(tenantB, id, anyStatus), { ok: false, reason: 'not_found' })
    t.strictSame(await store.delete(tenantB, id, anyStatus), { ok: false, reason: 'not_found' })
    t.strictSame(await store.get(tenantA, id), before, 'unchanged')
    t.strictSame(await store.contacts(tenantA, id), draft().contacts)
    t.strictSame(await store.activeRuns(), [])
  })

  test("tenants: another tenant's run reference reaches nothing", async (t, store) => {
    const plan = await started(store, tenantA)
    const stranger = { ...plan, tenant: tenantB }
    t.strictSame(await store.claim(stranger, 10, leaseFor()), [])
    t.strictSame(await store.progress(stranger, new Date()), { status: 'cancelled', pending: 0, due: 0, sending: 0, doubt: 0, nextDueAt: null }, 'as if it were gone')
    const claimed = await store.claim(plan, 3, leaseFor())
    await store.record(stranger, claimed.map(m => sentOutcome(m.id)))
    t.equal(await store.failExpiredLeases(stranger, new Date(Date.now() + 3_600_000)), 0)
    await store.finishRun(stranger, { status: 'failed', error: { code: 'RUN_HALTED', title: 'x', message: 'x' } })
    const summary = (await store.get(tenantA, plan.campaignId))!
    t.strictSame([summary.status, summary.successCount, summary.failedCount], ['running', 0, 0])
    t.strictSame(await store.progress(plan, new Date()), { status: 'running', pending: 0, due: 0, sending: 3, doubt: 0, nextDueAt: null }, 'still claimed by its own engine')
  })

  test('tenants: another tenant cannot pause, resume, cancel or rerun a campaign', async (t, store) => {
    const plan = await started(store, tenantA)
    const before = await store.get(tenantA, plan.campaignId)
    t.strictSame(await store.pause(tenantB, plan.campaignId, anyStatus), { ok: false, reason: 'not_found' })
    t.equal(await store.pauseRun({ ...plan, tenant: tenantB }, { code: 'ERROR_THRESHOLD', title: 'x', message: 'x' }), false)
    t.strictSame(await store.cancel(tenantB, plan.campaignId, anyStatus), { ok: false, reason: 'not_found' })
    t.strictSame(await store.get(tenantA, plan.campaignId), before, 'still running, no error')
    allowed(await store.pause(tenantA, plan.campaignId, ['running']))
    t.strictSame(await store.resume(tenantB, plan.campaignId, anyStatus), { ok: false, reason: 'not_found' })
    t.equal((await store.get(tenantA, plan.campaignId))!.status, 'paused', 'still paused')
    allowed(await store.resume(tenantA, plan.campaignId, ['paused']))
    await sendAll(store, plan, id => ({ id, status: 'failed', code: 131026, title: 'Undeliverable' }))
    await store.finishRun(plan, { status: 'completed' })
    t.strictSame(await store.startRun(tenantB, plan.campaignId, anyStatus, 'failed'), { ok: false, reason: 'not_found' })
    t.strictSame(await store.activeRuns(), [])
  })

  test("tenants: schedules are each tenant's own; the engine's due list names each campaign's tenant", async (t, store) => {
    const at = new Date(Date.now() - 1000)
    const { id } = await store.create(tenantA, draft({ scheduledAt: at }))
    t.strictSame(await store.update(tenantB, id, { scheduledAt: null }, anyStatus), { ok: false, reason: 'not_found' })
    t.strictSame(await store.list(tenantB, { status: 'scheduled', limit: 10, offset: 0 }), { items: [], total: 0 })
    t.strictSame(await store.dueScheduled(new Date(), 10), [{ tenant: tenantA, id }])
  })

  test('tenants: each tenant lists only its own, the same names and ids notwithstanding', async (t, store) => {
    const a = await store.create(tenantA, draft({ name: 'Same' }))
    const b = await store.create(tenantB, draft({ name: 'Same' }))
    t.strictSame((await store.list(tenantA, { limit: 10, offset: 0 })).items.map(c => c.id), [a.id])
    t.strictSame((await store.list(tenantB, { limit: 10, offset: 0 })).items.map(c => c.id), [b.id])
    t.equal(await store.get(tenantA, b.id), null)
    t.equal(await store.get(tenantB, a.id), null)
  })
}
