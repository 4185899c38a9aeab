import t from 'tap'
import { decodeStatuses, encodeStatuses } from '../src/store/journal-codec.js'
import type { StatusReport } from '../src/store/types.js'

const statuses: StatusReport[] = [
  { wamid: 'wamid.a', origin: { runId: 3, id: 7 }, sentAt: new Date(1_733_356_800_123), deliveredAt: null, readAt: new Date(1_733_356_900_000), failed: null },
  { wamid: 'wamid.ü', origin: null, sentAt: null, deliveredAt: null, readAt: null, failed: { at: new Date(1_733_356_800_001), code: 'RECIPIENT_UNAVAILABLE', title: 'Message undeliverable' } }
]

t.test('statuses come back as they went, times to the millisecond', async t => {
  t.strictSame(decodeStatuses(encodeStatuses(statuses)), statuses)
})

t.test('times are stored as epoch milliseconds', async t => {
  const [stored] = JSON.parse(encodeStatuses(statuses.slice(0, 1)))
  t.equal(stored.sentAt, 1_733_356_800_123)
  t.equal(stored.deliveredAt, null)
})

t.test('an entry holding times as ISO strings (what JSON.stringify makes of a Date) decodes the same', async t => {
  t.strictSame(decodeStatuses(JSON.stringify(statuses)), statuses)
})
