import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import type { FastifyBaseLogger } from 'fastify'
import { OutcomeBuffer } from '../src/engine/outcome-buffer.js'
import type { CampaignStore, MessageOutcome, RunRef } from '../src/store/types.js'

const run: RunRef = { tenant: 'tenant-a', campaignId: 1, runId: 1 }
const silent = { error: () => {} } as unknown as FastifyBaseLogger
const sent = (id: number): MessageOutcome => ({ id, status: 'sent', messageId: `wamid.${id}` })

/** A store whose `record` takes `delayMs`, fails the first `failures` calls, and notes what it wrote. */
function recordingStore (delayMs: number, failures = 0) {
  const written: number[] = []
  const sizes: number[] = []
  let writing = 0
  let mostAtOnce = 0
  let calls = 0
  const store = {
    record: async (_run: RunRef, outcomes: MessageOutcome[]) => {
      calls++
      writing++
      mostAtOnce = Math.max(mostAtOnce, writing)
      try {
        await sleep(delayMs)
        if (calls <= failures) throw new Error('database away')
        written.push(...outcomes.map(outcome => outcome.id))
        sizes.push(outcomes.length)
      } finally {
        writing--
      }
    }
  } as unknown as CampaignStore
  return { store, written, sizes, mostAtOnce: () => mostAtOnce }
}

t.test('writes in batches that grow with the load, two at a time at most, and flush writes everything once', async t => {
  const { store, written, sizes, mostAtOnce } = recordingStore(30)
  const buffer = new OutcomeBuffer(store, run, 100, 50, silent)
  for (let id = 1; id <= 5000; id++) buffer.add(sent(id))
  t.equal(buffer.backlog, 5000, 'all of it waits, in the writes or before them')
  await buffer.flush()
  t.equal(buffer.backlog, 0)
  t.strictSame([...written].sort((a, b) => a - b), Array.from({ length: 5000 }, (_, i) => i + 1), 'each outcome written once')
  t.equal(mostAtOnce(), 2, 'two writes at once')
  t.ok(Math.max(...sizes) > 100, `batches grew past the batch size of 100 with the load (${sizes.join(', ')})`)
  t.ok(Math.max(...sizes) <= 2000 && sizes.length <= 5, `few statements, none over 2,000 (${sizes.join(', ')})`)
})

t.test('a lone outcome is written within the interval', async t => {
  const { store, written } = recordingStore(0)
  const buffer = new OutcomeBuffer(store, run, 100, 20, silent)
  buffer.add(sent(7))
  await sleep(80)
  t.strictSame(written, [7])
})

t.test('backlogBelow holds the sender until the database caught up', async t => {
  const { store } = recordingStore(40)
  const buffer = new OutcomeBuffer(store, run, 100, 50, silent)
  for (let id = 1; id <= 5000; id++) buffer.add(sent(id))
  const started = Date.now()
  await buffer.backlogBelow(1500)
  t.ok(buffer.backlog < 1500, `below the bound (${buffer.backlog})`)
  t.ok(Date.now() - started >= 30, 'after a write ended')
  await buffer.flush()
})

t.test('a failed write is tried again: nothing is dropped', async t => {
  const { store, written } = recordingStore(5, 2)
  const buffer = new OutcomeBuffer(store, run, 10, 20, silent)
  for (let id = 1; id <= 30; id++) buffer.add(sent(id))
  await buffer.flush()
  t.strictSame([...written].sort((a, b) => a - b), Array.from({ length: 30 }, (_, i) => i + 1))
})
