import t from 'tap'
import { mergeReports, replyTargets } from '../src/store/status-rules.js'
import type { StatusReport } from '../src/store/types.js'

const at = (s: number): Date => new Date(Date.UTC(2000, 0, 1) + s * 1000)
const report = (changes: Partial<StatusReport>): StatusReport =>
  ({ wamid: 'wamid.a', origin: null, sentAt: null, deliveredAt: null, readAt: null, failed: null, ...changes })

t.test('reports of one wamid merge into one: the earliest of each status and failure, the first origin; other wamids stay apart, in order', async t => {
  const merged = mergeReports([
    report({ sentAt: at(5), failed: { at: at(9), code: 131026, title: 'later' } }),
    report({ wamid: 'wamid.b', readAt: at(1) }),
    report({ sentAt: at(3), deliveredAt: at(7), origin: { runId: 1, id: 2 }, failed: { at: at(8), code: 131047, title: 'earlier' } }),
    report({ origin: { runId: 9, id: 9 }, failed: { at: at(10), code: 1, title: 'latest' } })
  ])
  t.strictSame(merged.map(r => r.wamid), ['wamid.a', 'wamid.b'])
  t.strictSame(merged[0], report({ sentAt: at(3), deliveredAt: at(7), origin: { runId: 1, id: 2 }, failed: { at: at(8), code: 131047, title: 'earlier' } }))
})

t.test("a reply goes to the message it names when that was sent to its phone from its number, else to each tenant's latest in the window", async t => {
  const inbound = { from: '911', phoneNumberId: 'n1', at: at(100), replyTo: 'wamid.x', keyword: null }
  const row = (tenant: string, wamid: string, sentAt: number, changes: object = {}) => ({ tenant, phone: '911', sender: 'n1', wamid, sentAt: at(sentAt), ...changes })
  const named = row('a', 'wamid.x', 10)
  t.strictSame(replyTargets(inbound, named, [named, row('a', 'wamid.y', 90)]), [named], 'the tap names it')
  const other = row('a', 'wamid.x', 10, { sender: 'n2' })
  const rows = [row('a', 'wamid.1', 50), row('a', 'wamid.2', 90), row('b', 'wamid.3', 60), row('b', 'wamid.4', 101), row('c', 'wamid.5', 20, { sender: 'n2' })]
  t.strictSame(replyTargets(inbound, other, rows).map(r => r.wamid), ['wamid.2', 'wamid.3'], "named from another number: each tenant's latest before it, from its number")
  t.strictSame(replyTargets({ ...inbound, at: at(100 + 72 * 3600) }, undefined, rows).map(r => r.wamid), ['wamid.4'], 'only within 72 hours')
})
