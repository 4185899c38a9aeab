import t from 'tap'
import { postgresStore } from '../src/store/postgres.js'
import { allowed, contacts, draft, leaseFor, sentOutcome, tenantA, viewOf } from '../src/store/conformance/context.js'
import { freshDatabase, postgresUrl, skipWithoutPostgres, truncateAll } from './helpers/postgres.js'

// What the conformance suite cannot read through the contract: the run's sender, and delivered and read
// timestamps (set here as the status webhooks would) in a run's timeline.
if (postgresUrl === undefined) {
  skipWithoutPostgres(t)
} else {
  const { pool } = await freshDatabase(t)

  t.test('startRun: the run keeps its sender; null when none is given', async t => {
    await truncateAll(pool)
    const store = viewOf(postgresStore(pool))
    const { id } = await store.create(tenantA, draft())
    const first = allowed(await store.startRun(tenantA, id, ['draft'], 'all', '106540352242922'))
    await store.finishRun(first, { status: 'completed' })
    const second = allowed(await store.startRun(tenantA, id, ['completed']))
    const { rows } = await pool.query('SELECT id, sender FROM campaign_runs ORDER BY id')
    t.strictSame(rows, [{ id: first.runId, sender: '106540352242922' }, { id: second.runId, sender: null }])
  })

  t.test('stats: delivered and read count in the minutes of their own timestamps', async t => {
    await truncateAll(pool)
    const store = viewOf(postgresStore(pool))
    const { id } = await store.create(tenantA, draft({ contacts: contacts(3) }))
    const plan = allowed(await store.startRun(tenantA, id, ['draft']))
    await store.record(plan, (await store.claim(plan, 3, leaseFor())).map(m => sentOutcome(m.id)))
    // A minute of yesterday (whole), and times within and after it.
    const minute = Math.floor((Date.now() - 86_400_000) / 60_000) * 60_000
    const at = (seconds: number): string => new Date(minute + seconds * 1000).toISOString()
    await pool.query(
      `UPDATE campaign_messages SET status = 'read', sent_at = $2,
              delivered_at = CASE WHEN position = 1 THEN $3::timestamptz ELSE $4::timestamptz END,
              read_at = CASE WHEN position = 3 THEN NULL ELSE $5::timestamptz END
        WHERE run_id = $1`,
      [plan.runId, at(10), at(50), at(80), at(180)]
    )
    const stats = (await store.stats(tenantA, id, {}))!
    t.strictSame(stats.timeline.map(m => ({ ...m, minute: m.minute.toISOString() })), [
      { minute: at(0), sent: 3, delivered: 1, read: 0, failed: 0 },
      { minute: at(60), sent: 0, delivered: 2, read: 0, failed: 0 },
      { minute: at(180), sent: 0, delivered: 0, read: 2, failed: 0 }
    ])
  })

  t.test('opt-outs: a run of 20,000 with 200 on the list skips them at its start, and those added mid-run at their claim', async t => {
    await truncateAll(pool)
    const store = viewOf(postgresStore(pool))
    const list = contacts(20_000)
    await store.addOptOuts(tenantA, list.filter((_, i) => i % 100 === 0).map(c => c.phone), 'api')
    const { id } = await store.create(tenantA, draft({ contacts: list }))
    const plan = allowed(await store.startRun(tenantA, id, ['draft']))
    t.equal((await store.counters(plan))?.skippedCount, 200, 'skipped at the start, counted')
    await store.addOptOuts(tenantA, [list[1].phone, list[2].phone], 'keyword')
    const claimed = await store.claim(plan, 10, leaseFor())
    t.strictSame(claimed.map(m => m.phone), list.slice(3, 11).map(c => c.phone), 'the picked rows on the list are left out')
    t.equal((await store.counters(plan))?.skippedCount, 202)
  })
}
