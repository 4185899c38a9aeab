/** Conformance: a campaign's runs, newest first, and the messages of an earlier run. */
import type { MessageOutcome } from '../types.js'
import { allowed, contacts, draft, sendAll, sentOutcome, started, tenantA, tenantB, type Group } from './context.js'

const haltError = { code: 190, title: 'Token expired', message: 'Error validating access token' }
const failingFirst = (id: number, i: number): MessageOutcome => i === 0 ? { id, status: 'failed', code: 131026, title: 'Undeliverable' } : sentOutcome(id)

export function runHistory ({ test }: Group): void {
  test('runs: none for a campaign that never ran; null for one that does not exist or is another tenant\'s', async (t, store) => {
    const { id } = await store.create(tenantA, draft())
    t.strictSame(await store.runs(tenantA, id), [])
    t.equal(await store.runs(tenantA, id + 1000), null)
    t.equal(await store.runs(tenantB, id), null)
    t.equal(await store.runs(tenantA, -1), null)
  })

  test('runs: every run newest first, with whom it sent to, what, its counts, status and times', async (t, store) => {
    const first = await started(store, tenantA, draft({ contacts: contacts(4) }))
    const running = (await store.runs(tenantA, first.campaignId))!
    t.equal(running.length, 1)
    t.strictSame(
      [running[0].id, running[0].recipients, running[0].templateName, running[0].language, running[0].status, running[0].totalCount, running[0].finishedAt],
      [first.runId, 'all', 'diwali_offer', 'en', 'running', 4, null]
    )
    t.ok(running[0].progress !== undefined && running[0].progress.pending === 4, 'live figures while under way')
    await sendAll(store, first, failingFirst)
    await store.finishRun(first, { status: 'completed' })
    allowed(await store.update(tenantA, first.campaignId, { templateName: 'second_try', language: 'pt_BR' }, ['completed']))
    const second = allowed(await store.startRun(tenantA, first.campaignId, ['completed'], 'failed'))
    await store.finishRun(second, { status: 'failed', error: haltError })

    const runs = (await store.runs(tenantA, first.campaignId))!
    t.strictSame(runs.map(r => [r.id, r.recipients, r.templateName, r.language, r.status, r.totalCount, r.successCount, r.failedCount]), [
      [second.runId, 'failed', 'second_try', 'pt_BR', 'failed', 1, 0, 1],
      [first.runId, 'all', 'diwali_offer', 'en', 'completed', 4, 3, 1]
    ])
    t.strictSame(runs[0].error, haltError, 'why a failed run failed')
    t.equal(runs[1].error, undefined)
    t.ok(runs.every(r => r.progress === undefined), 'no live figures once over')
    for (const run of runs) {
      t.ok(Date.parse(run.startedAt) > 0 && run.finishedAt !== null && Date.parse(run.finishedAt) >= Date.parse(run.startedAt), 'started, then finished')
    }
    t.ok(Date.parse(runs[0].startedAt) >= Date.parse(runs[1].startedAt))
    t.equal(await store.runs(tenantB, first.campaignId), null, "another tenant's campaign is not found")
  })

  test('runs: a paused run shows its reason and no end; a cancelled one its end', async (t, store) => {
    const plan = await started(store, tenantA)
    await store.pauseRun(plan, { code: 'FAILURE_THRESHOLD', title: 'Too many recipients failed', message: 'x' })
    const [paused] = (await store.runs(tenantA, plan.campaignId))!
    t.strictSame([paused.status, paused.error?.code, paused.finishedAt], ['paused', 'FAILURE_THRESHOLD', null])
    t.equal(paused.progress?.ratePerSecond, 0, 'a paused run moves nothing')
    allowed(await store.cancel(tenantA, plan.campaignId, ['paused']))
    const [cancelled] = (await store.runs(tenantA, plan.campaignId))!
    t.strictSame([cancelled.status, cancelled.failedCount, cancelled.error], ['cancelled', 3, undefined])
    t.ok(cancelled.finishedAt !== null, 'over')
  })

  test("messages: an earlier run's by its id, the latest by default; a run of another campaign or tenant is not found", async (t, store) => {
    const first = await started(store, tenantA, draft({ contacts: contacts(3) }))
    await sendAll(store, first, failingFirst)
    await store.finishRun(first, { status: 'completed' })
    const second = allowed(await store.startRun(tenantA, first.campaignId, ['completed'], 'failed'))
    const phones = contacts(3).map(c => c.phone)

    const latest = (await store.messages(tenantA, first.campaignId, { limit: 10 }))!
    t.strictSame(latest.map(m => [m.phone, m.status]), [[phones[0], 'pending']])
    t.strictSame((await store.messages(tenantA, first.campaignId, { limit: 10, run: second.runId }))!.map(m => m.phone), [phones[0]])
    const earlier = (await store.messages(tenantA, first.campaignId, { limit: 10, run: first.runId }))!
    t.strictSame(earlier.map(m => [m.position, m.phone, m.status]), [[1, phones[0], 'failed'], [2, phones[1], 'sent'], [3, phones[2], 'sent']])
    t.strictSame((await store.messages(tenantA, first.campaignId, { limit: 10, run: first.runId, status: 'sent', after: 2 }))!.map(m => m.position), [3], 'filtered and paged like the latest')
    t.strictSame(await store.messages(tenantA, first.campaignId, { limit: 10, run: first.runId, after: 3 }), [], 'a page past the end is empty, not missing')

    const other = await started(store, tenantA)
    t.equal(await store.messages(tenantA, first.campaignId, { limit: 10, run: other.runId }), null, "another campaign's run")
    t.equal(await store.messages(tenantA, first.campaignId, { limit: 10, run: other.runId, after: 5 }), null)
    t.equal(await store.messages(tenantA, first.campaignId, { limit: 10, run: second.runId + 1000 }), null, 'no such run')
    t.equal(await store.messages(tenantB, first.campaignId, { limit: 10, run: first.runId }), null, "another tenant's")
    const theirs = await started(store, tenantB)
    t.equal(await store.messages(tenantA, first.campaignId, { limit: 10, run: theirs.runId }), null, "another tenant's run")
  })
}
