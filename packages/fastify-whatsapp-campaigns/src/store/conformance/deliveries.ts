/**
 * Conformance: the DeliveryLedger. Status webhooks move messages forward only and the run's counters
 * with them; statuses that come first wait for their record; sends in doubt are witnessed, resent a bounded number of times
 * or failed; replies and opt-outs find the tenants that messaged the phone.
 */
import type { DeliveryReports, InboundMessage, RunPlan, StatusReport, StoredMessage, Tenant } from '../types.js'
import { claimIssued, contacts, draft, leaseFor, phone, started, tenantA, tenantB, type Group, type StoreView } from './context.js'
import { mostDoubtResends } from '../codes.js'

export const at = (s: number): Date => new Date(Date.UTC(2026, 0, 1, 0, 0, s))
export const later = (): Date => new Date(Date.now() + 7_200_000)

function reports (changes: Partial<DeliveryReports>): DeliveryReports {
  return { statuses: [], inbound: [], preferences: [], other: [], ...changes }
}

export function status (wamid: string, changes: Partial<StatusReport>): StatusReport {
  return { wamid, origin: null, sentAt: null, deliveredAt: null, readAt: null, failed: null, ...changes }
}

function inbound (from: string, changes: Partial<InboundMessage> = {}): InboundMessage {
  return { from, phoneNumberId: 'pn-1', at: new Date(), replyTo: null, keyword: null, ...changes }
}

/** A run of `count` whose messages are all sent, with wamids `<prefix><position>`. */
export async function sentRun (store: StoreView, tenant: Tenant, count: number, prefix: string, from = 0): Promise<RunPlan> {
  const plan = await started(store, tenant, draft({ contacts: contacts(count, from) }))
  const claimed = await claimIssued(store, plan, count, leaseFor())
  await store.record(plan, claimed.map((m, i) => ({ id: m.id, status: 'sent', messageId: `${prefix}${i + 1}` })))
  return plan
}

export async function stored (store: StoreView, tenant: Tenant, plan: RunPlan): Promise<StoredMessage[]> {
  return (await store.stored.messages(tenant, plan.campaignId, { limit: 10_000 }))!
}

export async function figures (store: StoreView, tenant: Tenant, plan: RunPlan): Promise<Record<string, number>> {
  const run = (await store.stored.get(tenant, plan.campaignId))!.latestRun!
  return { success: run.successCount, failed: run.failedCount, delivered: run.deliveredCount, read: run.readCount, replied: run.repliedCount }
}

export function statusWebhooks ({ test }: Group): void {
  test('deliveries: statuses move forward only, in any order and however often, counters exact', async (t, store) => {
    const plan = await sentRun(store, tenantA, 3, 'wamid.fw')
    const summary = await store.ingest(reports({
      statuses: [status('wamid.fw1', { readAt: at(30) }), status('wamid.fw2', { deliveredAt: at(20) }), status('wamid.fw1', { readAt: at(31) })]
    }))
    t.equal(summary.matched, 2, 'one per wamid')
    await store.ingest(reports({ statuses: [status('wamid.fw1', { sentAt: at(10), deliveredAt: at(20) }), status('wamid.fw2', { sentAt: at(10) })] }))
    await store.ingest(reports({ statuses: [status('wamid.fw2', { deliveredAt: at(25) }), status('wamid.fw1', { readAt: at(40) })] }))
    const [m1, m2, m3] = await stored(store, tenantA, plan)
    t.strictSame([m1.status, m2.status, m3.status], ['read', 'delivered', 'sent'])
    t.strictSame([m1.sentAt, m1.deliveredAt, m1.readAt], [at(10), at(20), at(30)], "Meta's timestamps, the earliest of each")
    t.strictSame(m2.deliveredAt, at(20))
    t.strictSame(await figures(store, tenantA, plan), { success: 3, failed: 0, delivered: 2, read: 1, replied: 0 })
  })

  test('deliveries: the stats timeline counts a read message delivered, by its read time until its delivered status comes', async (t, store) => {
    const plan = await sentRun(store, tenantA, 2, 'wamid.tl')
    await store.ingest(reports({ statuses: [status('wamid.tl1', { readAt: at(90) }), status('wamid.tl2', { deliveredAt: at(5) })] }))
    const timeline = async (): Promise<Array<[number, number, number]>> => (await store.stats(tenantA, plan.campaignId, {}))!.timeline
      .filter(m => m.delivered + m.read > 0).map(m => [m.minute.getTime(), m.delivered, m.read])
    t.strictSame(await timeline(), [[at(0).getTime(), 1, 0], [at(60).getTime(), 1, 1]], 'as many delivered as the counter says')
    t.equal((await figures(store, tenantA, plan)).delivered, 2)
    await store.ingest(reports({ statuses: [status('wamid.tl1', { deliveredAt: at(30) })] }))
    t.strictSame(await timeline(), [[at(0).getTime(), 2, 0], [at(60).getTime(), 0, 1]], 'then by its delivered time')
  })

  test('deliveries: failed after sent moves one from success to failed, with Meta\'s error; final', async (t, store) => {
    const plan = await sentRun(store, tenantA, 2, 'wamid.fa')
    const failed = { at: at(5), code: 131026, title: 'Message undeliverable' }
    await store.ingest(reports({ statuses: [status('wamid.fa1', { sentAt: at(1), failed }), status('wamid.fa2', { deliveredAt: at(2) })] }))
    await store.ingest(reports({ statuses: [status('wamid.fa1', { readAt: at(9) }), status('wamid.fa2', { failed })] }))
    const [m1, m2] = await stored(store, tenantA, plan)
    t.strictSame([m1.status, m1.error], ['failed', { code: 131026, title: 'Message undeliverable' }])
    t.equal(m2.status, 'delivered', 'failed only from sent')
    t.strictSame(await figures(store, tenantA, plan), { success: 1, failed: 1, delivered: 1, read: 0, replied: 0 })
  })

  test('deliveries: a read without a delivered counts as delivered too, once', async (t, store) => {
    const plan = await sentRun(store, tenantA, 1, 'wamid.rd')
    await store.ingest(reports({ statuses: [status('wamid.rd1', { readAt: at(3) })] }))
    await store.ingest(reports({ statuses: [status('wamid.rd1', { deliveredAt: at(2) })] }))
    t.strictSame(await figures(store, tenantA, plan), { success: 1, failed: 0, delivered: 1, read: 1, replied: 0 })
    t.strictSame((await stored(store, tenantA, plan))[0].deliveredAt, at(2), 'the late delivered still gives its time')
  })

  test('deliveries: a status before its record is kept, and applied when record writes the wamid', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(1) }))
    const [claimed] = await claimIssued(store, plan, 1, leaseFor())
    const summary = await store.ingest(reports({ statuses: [status('wamid.early', { sentAt: at(1), deliveredAt: at(2) })] }))
    t.strictSame([summary.matched, summary.early], [0, 1])
    await store.ingest(reports({ statuses: [status('wamid.early', { deliveredAt: at(1) })] }))
    await store.record(plan, [{ id: claimed.id, status: 'sent', messageId: 'wamid.early' }])
    const [message] = await stored(store, tenantA, plan)
    t.strictSame([message.status, message.sentAt, message.deliveredAt], ['delivered', at(1), at(1)], 'merged: the earliest of each')
    t.strictSame(await figures(store, tenantA, plan), { success: 1, failed: 0, delivered: 1, read: 0, replied: 0 })
    t.equal(await store.expireEarlyStatuses(later()), 0, 'applied, so no longer kept')
  })

  test('deliveries: expireEarlyStatuses drops kept statuses received before the time', async (t, store) => {
    await store.ingest(reports({ statuses: [status('wamid.other1', { sentAt: at(1) }), status('wamid.other2', { sentAt: at(1) })] }))
    t.equal(await store.expireEarlyStatuses(new Date(Date.now() - 60_000)), 0, 'not received before')
    t.equal(await store.expireEarlyStatuses(later()), 2)
    t.equal(await store.expireEarlyStatuses(later()), 0)
  })

  test('deliveries: 5,000 statuses in one ingest', async (t, store) => {
    const plan = await sentRun(store, tenantA, 2500, 'wamid.big')
    const statuses = Array.from({ length: 2500 }, (_, i) => status(`wamid.big${i + 1}`, { deliveredAt: at(2) }))
      .concat(Array.from({ length: 2500 }, (_, i) => status(`wamid.big${i + 1}`, i % 2 === 0 ? { readAt: at(3) } : { sentAt: at(1) })))
    t.equal((await store.ingest(reports({ statuses }))).matched, 2500)
    t.strictSame(await figures(store, tenantA, plan), { success: 2500, failed: 0, delivered: 2500, read: 1250, replied: 0 })
  })
}

export function doubts ({ test }: Group): void {
  test('deliveries: a lease that ran out with expiry doubt waits in doubt, not counted, shown pending', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(2) }))
    await claimIssued(store, plan, 1, leaseFor(1000))
    t.equal(await store.failExpiredLeases(plan, later(), 'doubt'), 1)
    const [message] = await stored(store, tenantA, plan)
    t.strictSame([message.status, message.error?.code], ['doubt', 'IN_DOUBT'])
    t.equal((await store.messages(tenantA, plan.campaignId, { limit: 5 }))![0].status, 'pending')
    t.strictSame(await figures(store, tenantA, plan), { success: 0, failed: 0, delivered: 0, read: 0, replied: 0 })
    t.equal((await store.progress(plan, new Date())).doubt, 1)
    t.equal(await claimIssued(store, plan, 5, leaseFor()).then(c => c.length), 1, 'only the other one is claimed')
  })

  test('deliveries: a status naming a doubted send by origin adopts it: sent with that wamid, counted', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(2) }))
    const [a, b] = await claimIssued(store, plan, 2, leaseFor())
    await store.record(plan, [{ id: a.id, status: 'doubt', code: 'TIMEOUT', title: 'No answer' }, { id: b.id, status: 'failed', code: 'UNKNOWN_OUTCOME', title: 'Unknown' }])
    t.strictSame(await figures(store, tenantA, plan), { success: 0, failed: 1, delivered: 0, read: 0, replied: 0 })
    const summary = await store.ingest(reports({
      statuses: [
        status('wamid.adopt-a', { origin: { runId: plan.runId, id: a.id }, deliveredAt: at(2) }),
        status('wamid.adopt-b', { origin: { runId: plan.runId, id: b.id }, sentAt: at(1) })
      ]
    }))
    t.strictSame([summary.matched, summary.early], [2, 0])
    const [ma, mb] = await stored(store, tenantA, plan)
    t.strictSame([ma.status, ma.messageId, ma.error], ['delivered', 'wamid.adopt-a', null])
    t.strictSame([mb.status, mb.messageId, mb.sentAt], ['sent', 'wamid.adopt-b', at(1)])
    t.strictSame(await figures(store, tenantA, plan), { success: 2, failed: 0, delivered: 1, read: 0, replied: 0 })
  })

  test('deliveries: resolveDoubts: a witness that came while the send was in flight makes it sent', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(1) }))
    const [claimed] = await claimIssued(store, plan, 1, leaseFor(1000))
    t.equal((await store.ingest(reports({ statuses: [status('wamid.w', { origin: { runId: plan.runId, id: claimed.id }, sentAt: at(1) })] }))).early, 1)
    await store.failExpiredLeases(plan, later(), 'doubt')
    t.strictSame(await store.resolveDoubts(plan, new Date(), 3_600_000), { witnessed: 0, resent: 0, failed: 0 }, 'not before its window')
    t.strictSame(await store.resolveDoubts(plan, later(), 60_000), { witnessed: 1, resent: 0, failed: 0 })
    t.strictSame((await stored(store, tenantA, plan)).map(m => [m.status, m.messageId]), [['sent', 'wamid.w']])
    t.strictSame(await figures(store, tenantA, plan), { success: 1, failed: 0, delivered: 0, read: 0, replied: 0 })
  })

  test('deliveries: resolveDoubts: no witness but every neighbour witnessed: resent, each doubt on its own proof, a bounded number of times', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(4) }))
    const batch = await claimIssued(store, plan, 4, leaseFor(1000))
    await store.record(plan, batch.slice(0, 3).map((m, i) => ({ id: m.id, status: 'sent', messageId: `wamid.n${i}` })))
    await store.ingest(reports({ statuses: [0, 1, 2].map(i => status(`wamid.n${i}`, { deliveredAt: at(2) })) }))
    await store.failExpiredLeases(plan, later(), 'doubt')
    t.strictSame(await store.resolveDoubts(plan, later(), 0), { witnessed: 0, resent: 1, failed: 0 })
    const fourth = (await stored(store, tenantA, plan))[3]
    t.strictSame([fourth.status, fourth.attempts], ['pending', 1], 'attempts unchanged')
    const [again] = await claimIssued(store, plan, 5, leaseFor(1000))
    t.equal(again.id, batch[3].id, 'claimed again at once')
    // A crash during the resend: a new doubt, with the same proof.
    for (let resend = 2; resend <= mostDoubtResends; resend++) {
      await store.failExpiredLeases(plan, later(), 'doubt')
      t.strictSame(await store.resolveDoubts(plan, later(), 0), { witnessed: 0, resent: 1, failed: 0 }, `resend ${resend}`)
      await claimIssued(store, plan, 5, leaseFor(1000))
    }
    await store.failExpiredLeases(plan, later(), 'doubt')
    t.strictSame(await store.resolveDoubts(plan, later(), 0), { witnessed: 0, resent: 0, failed: 1 }, 'past the bound it fails')
    t.strictSame((await stored(store, tenantA, plan))[3].error?.code, 'UNKNOWN_OUTCOME')
    t.strictSame(await figures(store, tenantA, plan), { success: 3, failed: 1, delivered: 3, read: 0, replied: 0 })
  })

  test('deliveries: resolveDoubts: without proof that webhooks came, a doubt fails UNKNOWN_OUTCOME', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(3) }))
    const batch = await claimIssued(store, plan, 3, leaseFor(1000))
    await store.record(plan, batch.slice(0, 2).map((m, i) => ({ id: m.id, status: 'sent', messageId: `wamid.np${i}` })))
    await store.ingest(reports({ statuses: [status('wamid.np0', { deliveredAt: at(2) })] }))
    await store.failExpiredLeases(plan, later(), 'doubt')
    t.strictSame(await store.resolveDoubts(plan, later(), 0), { witnessed: 0, resent: 0, failed: 1 }, 'one neighbour never witnessed')
    t.strictSame(await figures(store, tenantA, plan), { success: 2, failed: 1, delivered: 1, read: 0, replied: 0 })
    t.equal((await store.progress(plan, new Date())).doubt, 0)
  })
}

export function repliesAndOptOuts ({ test }: Group): void {
  test('deliveries: a reply marks the message it answers, once', async (t, store) => {
    const plan = await sentRun(store, tenantA, 2, 'wamid.rp')
    const first = await store.ingest(reports({ inbound: [inbound(phone(1), { replyTo: 'wamid.rp2' }), inbound(phone(1), { replyTo: 'wamid.rp2' })] }))
    t.equal(first.replies, 1)
    const [m1, m2] = await stored(store, tenantA, plan)
    t.ok(m1.repliedAt === null && m2.repliedAt !== null, 'the one answered')
    t.equal((await store.ingest(reports({ inbound: [inbound(phone(1), { replyTo: 'wamid.rp2' })] }))).replies, 0)
    t.equal((await figures(store, tenantA, plan)).replied, 1)
  })

  test('deliveries: an answer without context marks the latest message to that phone within 72 hours, per tenant', async (t, store) => {
    const a = await sentRun(store, tenantA, 1, 'wamid.ta')
    const b = await sentRun(store, tenantB, 1, 'wamid.tb')
    const other = await sentRun(store, tenantB, 1, 'wamid.tc', 7)
    const tooLate = new Date(Date.now() + 73 * 3_600_000)
    t.equal((await store.ingest(reports({ inbound: [inbound(phone(0), { at: tooLate })] }))).replies, 0, 'out of the window')
    t.equal((await store.ingest(reports({ inbound: [inbound(phone(0), { at: new Date(Date.now() + 1000) })] }))).replies, 2, 'one per tenant')
    t.equal((await figures(store, tenantA, a)).replied, 1)
    t.equal((await figures(store, tenantB, b)).replied, 1)
    t.equal((await figures(store, tenantB, other)).replied, 0, 'another phone')
  })

  test('deliveries: an answer Meta stamps in the second of the send, before our record of it, is its reply', async (t, store) => {
    const plan = await sentRun(store, tenantA, 1, 'wamid.sc')
    const [message] = await stored(store, tenantA, plan)
    const secondOfSend = new Date(Math.floor(message.sentAt!.getTime() / 1000) * 1000)
    const nextSecond = new Date(secondOfSend.getTime() + 1000)
    await store.ingest(reports({ inbound: [inbound(phone(0), { at: new Date(secondOfSend.getTime() - 1000) })] }))
    t.equal((await figures(store, tenantA, plan)).replied, 0, 'stamped in the second before: not an answer to it')
    t.equal((await store.ingest(reports({ inbound: [inbound(phone(0), { at: secondOfSend })] }))).replies, 1)
    t.equal((await store.ingest(reports({ inbound: [inbound(phone(0), { at: nextSecond })] }))).replies, 0, 'once')
  })

  test('deliveries: stop and start keywords and preferences opt the phone out and in, for the tenants that messaged it', async (t, store) => {
    await sentRun(store, tenantA, 2, 'wamid.oa')
    await sentRun(store, tenantB, 1, 'wamid.ob')
    const stop = await store.ingest(reports({ inbound: [inbound(phone(0), { keyword: 'stop' }), inbound(phone(1), { keyword: 'stop' }), inbound(phone(9), { keyword: 'stop' })] }))
    t.equal(stop.optedOut, 3, 'phone 0 for both tenants, phone 1 for A; phone 9 was never messaged')
    t.equal((await store.ingest(reports({ inbound: [inbound(phone(0), { keyword: 'stop' })] }))).optedOut, 0, 'already there')
    const back = await store.ingest(reports({ preferences: [{ phone: phone(0), phoneNumberId: 'pn-1', value: 'resume', at: new Date() }] }))
    t.equal(back.optedIn, 2)
    const pref = await store.ingest(reports({ preferences: [{ phone: phone(1), phoneNumberId: 'pn-1', value: 'resume', at: at(1) }, { phone: phone(0), phoneNumberId: 'pn-1', value: 'stop', at: at(1) }] }))
    t.strictSame([pref.optedOut, pref.optedIn], [2, 1])
  })

  test('deliveries: a send failed with optOut puts the phone on the tenant\'s opt-out list', async (t, store) => {
    await sentRun(store, tenantA, 1, 'wamid.oo')
    const plan = await started(store, tenantA, draft({ contacts: contacts(1) }))
    const [claimed] = await claimIssued(store, plan, 1, leaseFor())
    await store.record(plan, [{ id: claimed.id, status: 'failed', code: 131050, title: 'Stopped marketing', optOut: true }])
    t.strictSame(await figures(store, tenantA, plan), { success: 0, failed: 1, delivered: 0, read: 0, replied: 0 })
    // Read back through the list's own way off it: a start from the phone.
    t.equal((await store.ingest(reports({ inbound: [inbound(phone(0), { keyword: 'start' })] }))).optedIn, 1, 'it was on the list')
    t.equal((await store.ingest(reports({ inbound: [inbound(phone(0), { keyword: 'start' })] }))).optedIn, 0, 'and is no longer')
  })

  test('deliveries: other webhook events are taken', async (t, store) => {
    const summary = await store.ingest(reports({ other: [{ field: 'message_template_status_update', accountId: '123', value: { event: 'APPROVED' } }] }))
    t.strictSame(summary, { matched: 0, early: 0, replies: 0, optedOut: 0, optedIn: 0 })
  })
}
