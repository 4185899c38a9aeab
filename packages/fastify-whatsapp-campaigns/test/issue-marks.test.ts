import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { IssueMarks } from '../src/engine/issue-marks.js'
import type { ClaimedMessage, RunPlan, RunRef } from '../src/store/types.js'

const plan = { tenant: 'tenant-a', campaignId: 1, runId: 1 } as unknown as RunPlan
const leaseUntil = new Date()
const batch: ClaimedMessage[] = Array.from({ length: 10 }, (_, i) => ({ id: 100 + i, phone: String(i), name: null, parameters: null, attempts: 1, pairRateRetries: 0 }))

/** A queue whose marks take `delayMs` to write and fail when `fail` says so; it notes each mark written. */
function markingQueue (delayMs: number, fail: (through: number) => boolean = () => false) {
  const written: number[] = []
  const queue = {
    markIssued: async (_run: RunRef, _lease: Date, through: number) => {
      await sleep(delayMs)
      if (fail(through)) throw new Error('database away')
      written.push(through)
    }
  }
  return { queue, written }
}

t.test('the first send waits for a mark a chunk ahead; the next raise starts at half the chunk and is not waited for', async t => {
  const { queue, written } = markingQueue(20)
  const marks = new IssueMarks(queue, plan, batch, leaseUntil, 4)
  await marks.allow(0)
  t.strictSame(written, [103], 'through the fourth message')
  const started = Date.now()
  await marks.allow(1)
  await marks.allow(2)
  t.ok(Date.now() - started < 15, 'covered sends do not wait')
  t.strictSame(written, [103], 'the next raise is under way')
  await marks.allow(3)
  await marks.allow(4)
  t.strictSame(written, [103, 107], 'raised before the send past the first chunk')
  for (let i = 5; i < 10; i++) await marks.allow(i)
  t.strictSame(written, [103, 107, 109], 'never past the batch')
})

t.test('a send is never allowed before its mark is written', async t => {
  const { queue, written } = markingQueue(5)
  const marks = new IssueMarks(queue, plan, batch, leaseUntil, 3)
  for (let i = 0; i < batch.length; i++) {
    await marks.allow(i)
    t.ok(written.some(through => through >= batch[i].id), `message ${i} is covered when allowed`)
  }
})

t.test('a mark that cannot be written refuses the send it was needed for', async t => {
  const { queue } = markingQueue(1, through => through > 102)
  const marks = new IssueMarks(queue, plan, batch, leaseUntil, 3)
  await marks.allow(0)
  await marks.allow(1)
  await t.rejects(marks.allow(3), /database away/)
})
