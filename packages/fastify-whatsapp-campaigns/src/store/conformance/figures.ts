/** Conformance: the live figures of a run under way, in the campaign summary. */
import { allowed, contacts, draft, leaseFor, sendAll, sentOutcome, started, tenantA, type Group } from './context.js'

export function liveFigures ({ test }: Group): void {
  test('figures: a run under way shows what is sent, failed and pending, its rates and an ETA', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(10) }))
    const fresh = (await store.get(tenantA, plan.campaignId))!
    const progress = fresh.progress!
    t.strictSame({ ...progress, startedAt: '' }, { sent: 0, failed: 0, pending: 10, ratePerSecond: 0, averageRatePerSecond: 0, etaSeconds: null, startedAt: '' }, 'nothing moves yet: no ETA')
    t.equal(new Date(progress.startedAt).toISOString(), progress.startedAt, 'startedAt is ISO')
    t.ok(Math.abs(Date.parse(progress.startedAt) - Date.now()) < 60_000, 'startedAt is now')
    const batch = await store.claim(plan, 4, leaseFor())
    await store.record(plan, batch.map((m, i) => i === 0
      ? { id: m.id, status: 'failed' as const, code: 131026, title: 'Undeliverable' }
      : sentOutcome(m.id)))
    const moving = (await store.get(tenantA, plan.campaignId))!.progress!
    t.strictSame([moving.sent, moving.failed, moving.pending], [3, 1, 6])
    t.ok(moving.ratePerSecond > 0 && moving.ratePerSecond <= 4, `the rate now: ${moving.ratePerSecond}/s (rates span a second at least)`)
    t.ok(moving.averageRatePerSecond > 0 && moving.averageRatePerSecond <= 4, `on average: ${moving.averageRatePerSecond}/s`)
    t.equal(moving.etaSeconds, Math.ceil(6 / moving.ratePerSecond), 'the ETA is what is pending at the rate now')
    t.equal(moving.startedAt, progress.startedAt)
    const listed = (await store.list(tenantA, { limit: 1, offset: 0 })).items[0].progress!
    t.strictSame([listed.sent, listed.failed, listed.pending, listed.startedAt], [3, 1, 6, progress.startedAt], 'the list shows them too')
  })

  test('figures: a paused run keeps its figures but moves nothing; an ended run has none', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(4) }))
    await store.record(plan, (await store.claim(plan, 2, leaseFor())).map(m => sentOutcome(m.id)))
    const paused = allowed(await store.pause(tenantA, plan.campaignId, ['running'])).progress!
    t.strictSame([paused.sent, paused.pending, paused.ratePerSecond, paused.etaSeconds], [2, 2, 0, null])
    t.ok(paused.averageRatePerSecond > 0, 'the average is history')
    allowed(await store.resume(tenantA, plan.campaignId, ['paused']))
    t.equal((await store.get(tenantA, plan.campaignId))!.progress?.pending, 2, 'back with the resume')
    await sendAll(store, plan)
    await store.finishRun(plan, { status: 'completed' })
    t.equal((await store.get(tenantA, plan.campaignId))!.progress, undefined)
    t.equal((await store.create(tenantA, draft())).progress, undefined, 'nor has a draft')
  })
}
