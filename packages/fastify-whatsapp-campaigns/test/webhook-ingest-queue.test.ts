import t from 'tap'
import type { DeliveryReports, IngestSummary } from '../src/store/types.js'
import { IngestQueue } from '../src/webhooks/ingest-queue.js'

const summary: IngestSummary = { matched: 0, early: 0, replies: 0, optedOut: 0, optedIn: 0 }
const reportsOf = (...wamids: string[]): DeliveryReports => ({
  statuses: wamids.map(wamid => ({ wamid, origin: null, sentAt: new Date(1000), deliveredAt: null, readAt: null, failed: null })),
  inbound: [],
  preferences: [],
  other: []
})

t.test('one call under way, the rest gathered into the next, capped, same wamids merged', async t => {
  const calls: DeliveryReports[] = []
  const gates: Array<() => void> = []
  const queue = new IngestQueue({
    reportsPerCall: 3,
    ingest: async reports => {
      calls.push(reports)
      await new Promise<void>(resolve => gates.push(resolve))
      return summary
    }
  })
  const settled: string[] = []
  const add = (name: string, ...wamids: string[]): Promise<void> => queue.add(reportsOf(...wamids)).then(() => { settled.push(name) })
  const first = add('first', 'a')
  const rest = [add('r1', 'b'), add('r2', 'b', 'c'), add('r3', 'd', 'e'), add('r4', 'f')]
  t.equal(calls.length, 1, 'the first goes at once')
  gates.shift()?.()
  await first
  await new Promise(resolve => setImmediate(resolve))
  t.equal(calls.length, 2)
  t.strictSame(calls[1].statuses.map(s => s.wamid), ['b', 'c'], 'r1 and r2 merged by wamid; r3 waits for the cap')
  t.strictSame(settled, ['first'], 'nothing settles before its call commits')
  gates.shift()?.()
  await new Promise(resolve => setImmediate(resolve))
  t.strictSame(calls[2].statuses.map(s => s.wamid), ['d', 'e', 'f'])
  const closed = queue.close()
  gates.shift()?.()
  await closed
  await Promise.all(rest)
  t.strictSame(settled, ['first', 'r1', 'r2', 'r3', 'r4'])
})

t.test('a failed call rejects its own requests only; one that throws at once too', async t => {
  let fail = true
  const queue = new IngestQueue({
    ingest: (reports) => {
      if (fail && reports.statuses[0].wamid === 'x') throw new Error('down')
      return Promise.resolve(summary)
    }
  })
  await t.rejects(queue.add(reportsOf('x')), /down/)
  fail = false
  await t.resolves(queue.add(reportsOf('y')))
  await queue.close()
})
