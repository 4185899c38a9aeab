/** Conformance: campaigns scheduled to start by themselves. */
import { allowed, draft, sendAll, started, tenantA, tenantB, type Group } from './context.js'

const inAnHour = (): Date => new Date(Date.now() + 3_600_000)
const minutesAgo = (minutes: number): Date => new Date(Date.now() - minutes * 60_000)

export function schedules ({ test }: Group): void {
  test('schedules: create with a time is scheduled, without one a draft; the time comes back as ISO', async (t, store) => {
    const at = inAnHour()
    const scheduled = await store.create(tenantA, draft({ scheduledAt: at }))
    t.strictSame([scheduled.status, scheduled.scheduledAt], ['scheduled', at.toISOString()])
    t.strictSame(await store.get(tenantA, scheduled.id), scheduled)
    const plain = await store.create(tenantA, draft({ scheduledAt: null }))
    t.strictSame([plain.status, plain.scheduledAt], ['draft', null])
    t.strictSame((await store.list(tenantA, { status: 'scheduled', limit: 10, offset: 0 })).items.map(c => c.id), [scheduled.id])
  })

  test('schedules: update with a time schedules, with null unschedules, without one keeps both', async (t, store) => {
    const { id } = await store.create(tenantA, draft())
    const at = inAnHour()
    const scheduled = allowed(await store.update(tenantA, id, { scheduledAt: at }, ['draft']))
    t.strictSame([scheduled.status, scheduled.scheduledAt], ['scheduled', at.toISOString()])
    const renamed = allowed(await store.update(tenantA, id, { name: 'Renamed' }, ['scheduled']))
    t.strictSame([renamed.status, renamed.scheduledAt, renamed.name], ['scheduled', at.toISOString(), 'Renamed'])
    const later = new Date(at.getTime() + 60_000)
    t.equal(allowed(await store.update(tenantA, id, { scheduledAt: later }, ['scheduled'])).scheduledAt, later.toISOString(), 'moved')
    const unscheduled = allowed(await store.update(tenantA, id, { scheduledAt: null }, ['scheduled']))
    t.strictSame([unscheduled.status, unscheduled.scheduledAt], ['draft', null])
  })

  test('schedules: a finished campaign can be scheduled to run again; null leaves its status', async (t, store) => {
    const plan = await started(store, tenantA)
    await sendAll(store, plan)
    await store.finishRun(plan, { status: 'completed' })
    t.equal(allowed(await store.update(tenantA, plan.campaignId, { scheduledAt: null }, ['completed'])).status, 'completed')
    const again = allowed(await store.update(tenantA, plan.campaignId, { scheduledAt: inAnHour() }, ['completed']))
    t.strictSame([again.status, again.successCount], ['scheduled', 3], 'the last run still counts')
  })

  test('schedules: a time given while a run is under way is kept, and the run keeps the status', async (t, store) => {
    const plan = await started(store, tenantA)
    const at = inAnHour()
    const updated = allowed(await store.update(tenantA, plan.campaignId, { scheduledAt: at }, ['running']))
    t.strictSame([updated.status, updated.scheduledAt], ['running', at.toISOString()])
    t.strictSame(await store.dueScheduled(new Date(at.getTime() + 1000), 10), [], 'not due: it is running')
  })

  test('schedules: dueScheduled gives the scheduled campaigns whose time has come, oldest first, up to the limit', async (t, store) => {
    const first = await store.create(tenantB, draft({ scheduledAt: minutesAgo(3) }))
    const second = await store.create(tenantA, draft({ scheduledAt: minutesAgo(2) }))
    const third = await store.create(tenantA, draft({ scheduledAt: minutesAgo(1) }))
    await store.create(tenantA, draft({ scheduledAt: inAnHour() }))
    await store.create(tenantA, draft())
    const now = new Date()
    t.strictSame(await store.dueScheduled(now, 10), [
      { tenant: tenantB, id: first.id }, { tenant: tenantA, id: second.id }, { tenant: tenantA, id: third.id }
    ], 'every tenant, each with its own')
    t.strictSame(await store.dueScheduled(now, 2), [{ tenant: tenantB, id: first.id }, { tenant: tenantA, id: second.id }])
    t.strictSame(await store.dueScheduled(minutesAgo(10), 10), [], 'nothing due yet')
    t.strictSame(await store.dueScheduled(now, 0), [])
  })

  test('schedules: a started, unscheduled or cancelled campaign is no longer due', async (t, store) => {
    const due = minutesAgo(1)
    const run = await store.create(tenantA, draft({ scheduledAt: due }))
    const unscheduled = await store.create(tenantA, draft({ scheduledAt: due }))
    const cancelled = await store.create(tenantA, draft({ scheduledAt: due }))
    const plan = allowed(await store.startRun(tenantA, run.id, ['scheduled']))
    t.equal(plan.totalCount, 3)
    allowed(await store.update(tenantA, unscheduled.id, { scheduledAt: null }, ['scheduled']))
    allowed(await store.cancel(tenantA, cancelled.id, ['scheduled']))
    t.strictSame(await store.dueScheduled(new Date(), 10), [])
    const summary = (await store.get(tenantA, run.id))!
    t.strictSame([summary.status, summary.scheduledAt], ['running', due.toISOString()], 'when it was due stays on record')
  })
}
