/** Conformance: pausing, resuming and cancelling a run, and what the engine sees of it meanwhile. */
import type { RunError } from '../../schemas/campaign.js'
import type { ClaimedMessage, MessageOutcome } from '../types.js'
import { allMessages, allowed, anyStatus, contacts, draft, leaseFor, sendAll, sentOutcome, started, tenantA, tenantB, type Group } from './context.js'

const tooManyErrors: RunError = { code: 'ERROR_THRESHOLD', title: 'Too many errors', message: '12 of the last 20 sends failed' }
const sent = (m: ClaimedMessage): MessageOutcome => sentOutcome(m.id)

export function pauses ({ test }: Group): void {
  test('lifecycle: a paused run is not claimed, not active, not finished; what was in flight is recorded', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(5) }))
    const inFlight = await store.claim(plan, 2, leaseFor())
    const paused = allowed(await store.pause(tenantA, plan.campaignId, ['running']))
    t.equal(paused.status, 'paused')
    t.equal(paused.error, undefined, 'no reason, no error')
    t.strictSame(await store.claim(plan, 10, leaseFor()), [], 'nothing is claimed')
    t.strictSame(await store.activeRuns(), [], 'not for the engine to pick up')
    t.equal((await store.progress(plan, new Date())).status, 'paused', 'a worker sees it')
    t.equal(await store.finishRun(plan, { status: 'completed' }), false, 'finishRun leaves it')
    await store.record(plan, inFlight.map(sent))
    const summary = (await store.get(tenantA, plan.campaignId))!
    t.strictSame([summary.status, summary.successCount, summary.failedCount], ['paused', 2, 0])
    const messages = await allMessages(store, tenantA, plan.campaignId)
    t.strictSame(messages.map(m => m.status), ['sent', 'sent', 'pending', 'pending', 'pending'], 'the rest wait, untouched')
  })

  test('lifecycle: resume hands the same plan back and the run goes on where it stopped', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(4) }))
    await store.record(plan, (await store.claim(plan, 1, leaseFor())).map(sent))
    allowed(await store.pause(tenantA, plan.campaignId, ['running']))
    t.strictSame(allowed(await store.resume(tenantA, plan.campaignId, ['paused'])), plan)
    t.equal((await store.get(tenantA, plan.campaignId))!.status, 'running')
    t.strictSame(await store.activeRuns(), [plan])
    t.equal((await store.progress(plan, new Date())).status, 'running')
    t.equal(await sendAll(store, plan), 3, 'the three left are sent')
    t.equal(await store.finishRun(plan, { status: 'completed' }), true, 'and it finishes')
    const summary = (await store.get(tenantA, plan.campaignId))!
    t.strictSame([summary.status, summary.successCount, summary.failedCount], ['completed', 4, 0])
  })

  test('lifecycle: pause and resume are refused when not allowed, when missing, or with no run under way', async (t, store) => {
    const plan = await started(store, tenantA)
    const before = await store.get(tenantA, plan.campaignId)
    t.strictSame(await store.pause(tenantA, plan.campaignId, ['paused']), { ok: false, reason: 'status', status: 'running' })
    t.strictSame(await store.resume(tenantA, plan.campaignId, ['paused']), { ok: false, reason: 'status', status: 'running' })
    t.strictSame(await store.pause(tenantA, plan.campaignId + 1000, anyStatus), { ok: false, reason: 'not_found' })
    t.strictSame(await store.resume(tenantA, -1, anyStatus), { ok: false, reason: 'not_found' })
    t.strictSame(await store.get(tenantA, plan.campaignId), before, 'unchanged')
    const { id } = await store.create(tenantA, draft())
    t.strictSame(await store.pause(tenantA, id, anyStatus), { ok: false, reason: 'status', status: 'draft' }, 'a draft has nothing to pause')
    t.strictSame(await store.resume(tenantA, id, anyStatus), { ok: false, reason: 'status', status: 'draft' }, 'nor to resume')
    await sendAll(store, plan)
    await store.finishRun(plan, { status: 'completed' })
    t.strictSame(await store.pause(tenantA, plan.campaignId, anyStatus), { ok: false, reason: 'status', status: 'completed' }, 'a finished run stays finished')
    t.strictSame(await store.resume(tenantA, plan.campaignId, anyStatus), { ok: false, reason: 'status', status: 'completed' })
  })

  test('lifecycle: of concurrent resumes exactly one wins', async (t, store) => {
    const plan = await started(store, tenantA)
    allowed(await store.pause(tenantA, plan.campaignId, ['running']))
    const results = await Promise.all(Array.from({ length: 5 }, async () => await store.resume(tenantA, plan.campaignId, ['paused'])))
    t.equal(results.filter(r => r.ok).length, 1, 'one winner')
    t.ok(results.every(r => r.ok || (r.reason === 'status' && r.status === 'running')), 'the others see it running')
  })

  test('lifecycle: a paused run still blocks another run, even when the caller allows paused', async (t, store) => {
    const plan = await started(store, tenantA)
    allowed(await store.pause(tenantA, plan.campaignId, ['running']))
    t.strictSame(await store.startRun(tenantA, plan.campaignId, ['paused']), { ok: false, reason: 'status', status: 'paused' })
    t.equal((await allMessages(store, tenantA, plan.campaignId)).length, 3, 'the paused run is still the latest')
  })
}

export function cancels ({ test }: Group): void {
  test('lifecycle: cancel fails what was pending as CANCELLED; in-flight sends are recorded; every recipient counted once', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(6) }))
    await store.record(plan, (await store.claim(plan, 1, leaseFor())).map(sent))
    const inFlight = await store.claim(plan, 2, leaseFor())
    const summary = allowed(await store.cancel(tenantA, plan.campaignId, ['running', 'paused', 'scheduled']))
    t.strictSame([summary.status, summary.totalCount, summary.successCount, summary.failedCount], ['cancelled', 6, 1, 3])
    t.equal(summary.progress, undefined, 'no live figures for a run that ended')
    t.strictSame(await store.claim(plan, 10, leaseFor()), [], 'nothing more is claimed')
    t.strictSame(await store.activeRuns(), [])
    t.equal((await store.progress(plan, new Date())).status, 'cancelled', 'the workers see it')
    t.equal(await store.finishRun(plan, { status: 'completed' }), false, 'finishRun leaves it cancelled')
    await store.record(plan, [sent(inFlight[0]), { id: inFlight[1].id, status: 'failed', code: 131026, title: 'Undeliverable' }])
    const after = (await store.get(tenantA, plan.campaignId))!
    t.strictSame([after.status, after.successCount, after.failedCount], ['cancelled', 2, 4])
    t.equal(after.successCount + after.failedCount, after.totalCount, 'sent + failed = total once the in-flight sends are recorded')
    const messages = await allMessages(store, tenantA, plan.campaignId)
    t.strictSame(messages.map(m => [m.status, m.error?.code]), [
      ['sent', undefined], ['sent', undefined], ['failed', 131026], ['failed', 'CANCELLED'], ['failed', 'CANCELLED'], ['failed', 'CANCELLED']
    ])
    t.ok(/cancelled/i.test(messages[3].error!.title), `the title says so: ${messages[3].error!.title}`)
  })

  test('lifecycle: cancel stops a paused run, and even its retries waiting for their time', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(3) }))
    const [first] = await store.claim(plan, 1, leaseFor())
    await store.record(plan, [{ id: first.id, status: 'retry', code: 131000, title: 'Something went wrong', notBefore: new Date(Date.now() + 3_600_000) }])
    t.equal(await store.pauseRun(plan, tooManyErrors), true)
    const summary = allowed(await store.cancel(tenantA, plan.campaignId, ['paused']))
    t.strictSame([summary.status, summary.successCount, summary.failedCount, summary.error], ['cancelled', 0, 3, undefined])
    t.strictSame((await allMessages(store, tenantA, plan.campaignId)).map(m => m.error?.code), ['CANCELLED', 'CANCELLED', 'CANCELLED'])
  })

  test('lifecycle: a scheduled campaign with no run under way just becomes cancelled', async (t, store) => {
    const plan = await started(store, tenantA)
    await sendAll(store, plan)
    await store.finishRun(plan, { status: 'completed' })
    allowed(await store.update(tenantA, plan.campaignId, { scheduledAt: new Date(Date.now() + 60_000) }, ['completed']))
    const summary = allowed(await store.cancel(tenantA, plan.campaignId, ['scheduled']))
    t.strictSame([summary.status, summary.successCount, summary.failedCount], ['cancelled', 3, 0], 'the last run is untouched')
    t.ok((await allMessages(store, tenantA, plan.campaignId)).every(m => m.status === 'sent'))
  })

  test('lifecycle: cancel is refused when not allowed or missing; a cancelled campaign can run again', async (t, store) => {
    const plan = await started(store, tenantA)
    t.strictSame(await store.cancel(tenantA, plan.campaignId, ['paused', 'scheduled']), { ok: false, reason: 'status', status: 'running' })
    t.strictSame(await store.cancel(tenantA, plan.campaignId + 1000, anyStatus), { ok: false, reason: 'not_found' })
    t.strictSame(await store.cancel(tenantA, 0, anyStatus), { ok: false, reason: 'not_found' })
    t.strictSame((await store.claim(plan, 10, leaseFor())).length, 3, 'the run went on')
    allowed(await store.cancel(tenantA, plan.campaignId, ['running']))
    const again = allowed(await store.startRun(tenantA, plan.campaignId, ['cancelled']))
    t.ok(again.runId !== plan.runId, 'a new run')
    t.strictSame(await store.activeRuns(), [again])
  })
}

export function selfPauses ({ test }: Group): void {
  test("runs: pauseRun pauses a running run and its campaign; the reason is the campaign's error until the resume", async (t, store) => {
    const plan = await started(store, tenantA)
    t.equal(await store.pauseRun(plan, tooManyErrors), true)
    const paused = (await store.get(tenantA, plan.campaignId))!
    t.strictSame([paused.status, paused.error], ['paused', tooManyErrors])
    t.equal((await store.progress(plan, new Date())).status, 'paused', 'a worker sees it')
    t.strictSame(await store.claim(plan, 10, leaseFor()), [], 'nothing is claimed')
    const again = allowed(await store.pause(tenantA, plan.campaignId, ['paused']))
    t.strictSame(again.error, tooManyErrors, 'a pause without a reason keeps it')
    allowed(await store.resume(tenantA, plan.campaignId, ['paused']))
    t.equal((await store.get(tenantA, plan.campaignId))!.error, undefined, 'gone with the resume')
  })

  test("runs: runningFrom finds every tenant's running runs of the given senders, not paused or ended ones", async (t, store) => {
    const a = allowed(await store.startRun(tenantA, (await store.create(tenantA, draft())).id, anyStatus, 'all', '111'))
    const b = allowed(await store.startRun(tenantB, (await store.create(tenantB, draft())).id, anyStatus, 'all', '111'))
    const other = allowed(await store.startRun(tenantA, (await store.create(tenantA, draft())).id, anyStatus, 'all', '222'))
    const unknown = await started(store, tenantA)
    const paused = allowed(await store.startRun(tenantA, (await store.create(tenantA, draft())).id, anyStatus, 'all', '111'))
    allowed(await store.pause(tenantA, paused.campaignId, ['running']))
    const ended = allowed(await store.startRun(tenantA, (await store.create(tenantA, draft())).id, anyStatus, 'all', '111'))
    await store.finishRun(ended, { status: 'completed' })
    t.strictSame(await store.runningFrom(['111']), [a, b])
    t.strictSame(await store.runningFrom(['222', '111', 'nobody']), [a, b, other])
    t.strictSame(await store.runningFrom([]), [])
    t.strictSame(await store.runningFrom(['nobody']), [])
    t.ok((await store.activeRuns()).some(run => run.runId === unknown.runId), 'a run without a known sender is active, and no sender finds it')
  })

  test('runs: pauseRun changes nothing unless the run is running, and says so', async (t, store) => {
    const plan = await started(store, tenantA)
    allowed(await store.pause(tenantA, plan.campaignId, ['running']))
    t.equal(await store.pauseRun(plan, tooManyErrors), false, 'already paused')
    t.equal((await store.get(tenantA, plan.campaignId))!.error, undefined, 'and the reason is not taken')
    allowed(await store.cancel(tenantA, plan.campaignId, ['paused']))
    t.equal(await store.pauseRun(plan, tooManyErrors), false, 'cancelled')
    t.equal((await store.get(tenantA, plan.campaignId))!.status, 'cancelled')
    const other = await started(store, tenantA)
    t.equal(await store.pauseRun({ ...other, tenant: tenantB }, tooManyErrors), false, "not another tenant's")
    t.equal((await store.get(tenantA, other.campaignId))!.status, 'running')
    t.equal(await store.finishRun(other, { status: 'completed' }), true)
    t.equal(await store.pauseRun(other, tooManyErrors), false, 'ended')
  })
}
