import t, { type Test } from 'tap'
import { postgresStore } from '../src/store/postgres.js'
import { contacts, draft, leaseFor, started, tenantA, viewOf, type StoreView } from '../src/store/conformance/context.js'
import type { DeliveryReports, StatusReport } from '../src/store/types.js'
import { freshDatabase, postgresUrl, skipWithoutPostgres, truncateAll } from './helpers/postgres.js'

function reports (changes: Partial<DeliveryReports>): DeliveryReports {
  return { statuses: [], inbound: [], preferences: [], other: [], ...changes }
}

if (postgresUrl === undefined) {
  skipWithoutPostgres(t)
} else {
  const { pool, newPool } = await freshDatabase(t)
  const viewed = (p = pool): StoreView => viewOf(postgresStore(p))

  t.test('ledger: concurrent ingests of overlapping reports and records never deadlock, and count each message once', async t => {
    await truncateAll(pool)
    const count = 600
    const plan = await started(viewed(), tenantA, draft({ contacts: contacts(count) }))
    const wamid = (id: number): string => `wamid.c${id}`
    const worker = async (store: StoreView): Promise<void> => {
      for (let batch = await store.claim(plan, 20, leaseFor()); batch.length > 0; batch = await store.claim(plan, 20, leaseFor())) {
        await store.record(plan, batch.map(m => ({ id: m.id, status: 'sent' as const, messageId: wamid(m.id) })))
      }
    }
    // PostgreSQL's key of a message is its position: 1…count.
    const status = (id: number, i: number): StatusReport => ({
      wamid: wamid(id),
      origin: { runId: plan.runId, id },
      sentAt: new Date(1_000_000),
      deliveredAt: i % 2 === 0 ? new Date(2_000_000) : null,
      readAt: new Date(3_000_000 + i),
      failed: null
    })
    const ingester = async (store: StoreView, seed: number): Promise<void> => {
      const ids = Array.from({ length: count }, (_, i) => ((i * 7919 + seed * 104_729) % count) + 1)
      for (let i = 0; i < ids.length; i += 50) {
        await store.ingest(reports({ statuses: ids.slice(i, i + 50).map((id, j) => status(id, seed + j)) }))
      }
    }
    await Promise.all([
      worker(viewed(newPool({ max: 1 }))),
      worker(viewed(newPool({ max: 1 }))),
      ingester(viewed(newPool({ max: 2 })), 1),
      ingester(viewed(newPool({ max: 2 })), 2),
      ingester(viewed(newPool({ max: 2 })), 3)
    ])
    const run = (await viewed().stored.get(tenantA, plan.campaignId))!.latestRun!
    t.strictSame([run.successCount, run.failedCount, run.deliveredCount, run.readCount], [count, 0, count, count])
    const { rows: [left] } = await pool.query('SELECT count(*)::int AS n FROM campaign_early_statuses')
    t.equal(left.n, 0, 'every kept status found its message')
    const { rows: [rows] } = await pool.query("SELECT count(*) FILTER (WHERE status = 'read')::int AS read, count(*) FILTER (WHERE witnessed_at IS NULL)::int AS unwitnessed FROM campaign_messages")
    t.strictSame(rows, { read: count, unwitnessed: 0 })
  })

  // Ingesters that each walk every recorded message in an order of their own, `batch` statuses an
  // ingest (delivered or read, by the ingester); all of them overlap, and none may be kept as early.
  const overlappingIngests = (count: number, batch: number, ingesters: number) => async (t: Test): Promise<void> => {
    await truncateAll(pool)
    const plan = await started(viewed(), tenantA, draft({ contacts: contacts(count) }))
    const store = viewed()
    const claimed = await store.claim(plan, count, leaseFor())
    await store.record(plan, claimed.map(m => ({ id: m.id, status: 'sent' as const, messageId: `wamid.s${m.id}` })))
    const ingester = async (seed: number): Promise<void> => {
      const own = viewed(newPool({ max: 1 }))
      const ids = Array.from({ length: count }, (_, i) => ((i * 7919 + seed * 104_729) % count) + 1)
      for (let i = 0; i < ids.length; i += batch) {
        await own.ingest(reports({
          statuses: ids.slice(i, i + batch).map(id => ({
            wamid: `wamid.s${id}`, origin: null, sentAt: null, deliveredAt: seed % 2 === 0 ? new Date(2_000_000) : null, readAt: seed % 2 === 1 ? new Date(3_000_000) : null, failed: null
          }))
        }))
      }
    }
    await Promise.all(Array.from({ length: ingesters }, (_, i) => ingester(i + 1)))
    const { rows: [left] } = await pool.query('SELECT count(*)::int AS n FROM campaign_early_statuses')
    t.equal(left.n, 0, 'no status kept as early: each found its locked row')
    const run = (await store.stored.get(tenantA, plan.campaignId))!.latestRun!
    t.strictSame([run.successCount, run.deliveredCount, run.readCount], [count, count, count])
  }

  t.test('ledger: concurrent ingests of statuses of the same recorded messages lose none of them as early', overlappingIngests(400, 20, 6))
  // Batches this large are what the journal's applier and its sweep apply side by side.
  t.test('ledger: the same in batches of thousands', overlappingIngests(12_000, 3_000, 4))

  t.test('ledger: an ingest that waits for rows another transaction updated applies its statuses to them once it commits', async t => {
    await truncateAll(pool)
    const plan = await started(viewed(), tenantA, draft({ contacts: contacts(1000) }))
    const store = viewed()
    const claimed = await store.claim(plan, 1000, leaseFor())
    await store.record(plan, claimed.map(m => ({ id: m.id, status: 'sent' as const, messageId: `wamid.u${m.id}` })))
    const other = await pool.connect()
    try {
      await other.query('BEGIN')
      await other.query('UPDATE campaign_messages SET updated_at = now() WHERE run_id = $1', [plan.runId])
      const ingesting = viewed(newPool({ max: 1 })).ingest(reports({
        statuses: claimed.map(m => ({ wamid: `wamid.u${m.id}`, origin: null, sentAt: null, deliveredAt: null, readAt: new Date(3_000_000), failed: null }))
      }))
      await new Promise(resolve => setTimeout(resolve, 300))
      await other.query('COMMIT')
      t.match(await ingesting, { matched: 1000, early: 0 })
    } finally {
      other.release()
    }
    const { rows: [left] } = await pool.query('SELECT count(*)::int AS n FROM campaign_early_statuses')
    t.equal(left.n, 0, 'nothing kept as early')
    t.equal((await store.stored.get(tenantA, plan.campaignId))!.latestRun!.readCount, 1000)
  })

  t.test('ledger: a status that came while its send was in flight is applied by the record, once', async t => {
    await truncateAll(pool)
    const store = viewed()
    const plan = await started(store, tenantA, draft({ contacts: contacts(1) }))
    const [claimed] = await store.claim(plan, 1, leaseFor())
    await store.ingest(reports({ statuses: [{ wamid: 'wamid.fly', origin: { runId: plan.runId, id: claimed.id }, sentAt: null, deliveredAt: new Date(5000), readAt: null, failed: null }] }))
    const { rows: [marked] } = await pool.query('SELECT witnessed_at IS NOT NULL AS marked FROM campaign_messages')
    t.equal(marked.marked, true, 'the in-flight row is marked for its record')
    await store.record(plan, [{ id: claimed.id, status: 'sent', messageId: 'wamid.fly' }])
    const run = (await store.stored.get(tenantA, plan.campaignId))!.latestRun!
    t.strictSame([run.successCount, run.deliveredCount], [1, 1])
    const { rows: [left] } = await pool.query('SELECT count(*)::int AS n FROM campaign_early_statuses')
    t.equal(left.n, 0)
  })

  t.test('ledger: 131050 in record puts the phone on the tenant\'s opt-out list (source error); other events are stored', async t => {
    await truncateAll(pool)
    const store = viewed()
    const plan = await started(store, tenantA, draft({ contacts: contacts(2) }))
    const [a, b] = await store.claim(plan, 2, leaseFor())
    await store.record(plan, [
      { id: a.id, status: 'failed', code: 131050, title: 'Stopped marketing', optOut: true },
      { id: b.id, status: 'failed', code: 131026, title: 'Undeliverable' }
    ])
    const { rows } = await pool.query('SELECT tenant, phone, source FROM campaign_opt_outs')
    t.strictSame(rows, [{ tenant: tenantA, phone: contacts(1)[0].phone, source: 'error' }])
    await store.ingest(reports({ other: [{ field: 'message_template_status_update', accountId: '42', value: { event: 'APPROVED', id: '1234567890123456' } }] }))
    const { rows: events } = await pool.query('SELECT field, account_id, value FROM campaign_webhook_events')
    t.strictSame(events, [{ field: 'message_template_status_update', account_id: '42', value: { event: 'APPROVED', id: '1234567890123456' } }])
  })

  t.test('ledger: a keyword stop adds the opt-out rows of the tenants that messaged the phone', async t => {
    await truncateAll(pool)
    const store = viewed()
    const plan = await started(store, tenantA, draft({ contacts: contacts(1) }))
    const [m] = await store.claim(plan, 1, leaseFor())
    await store.record(plan, [{ id: m.id, status: 'sent', messageId: 'wamid.kw' }])
    const phone = contacts(1)[0].phone
    const summary = await store.ingest(reports({ inbound: [{ from: phone, phoneNumberId: 'pn-1', at: new Date(), replyTo: null, keyword: 'stop' }] }))
    t.strictSame([summary.optedOut, summary.replies], [1, 1], 'a stop is an answer too')
    const { rows } = await pool.query('SELECT tenant, phone, source FROM campaign_opt_outs')
    t.strictSame(rows, [{ tenant: tenantA, phone, source: 'keyword' }])
  })
}
