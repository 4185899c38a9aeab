import t from 'tap'
import pg from 'pg'
import { migrate, migrationTable } from '../src/store/migrate.js'
import { postgresStore } from '../src/store/postgres.js'
import { applyWholeJournal } from '../src/store/postgres/journal.js'
import { mostJournalAttempts } from '../src/store/codes.js'
import { sqlClient } from '../src/store/sql-client.js'
import { suite } from '../src/store/conformance.js'
import { allowed, contacts, draft, leaseFor, sendAll, sentOutcome, sleep, started, tenantA, viewOf, type StoreView } from '../src/store/conformance/context.js'
import type { RunPlan } from '../src/store/types.js'
import { countingPool, freshDatabase, postgresUrl, skipWithoutPostgres, truncateAll } from './helpers/postgres.js'
import { migrationFiles, newestVersion } from './helpers/tables.js'
import { waitFor } from '../../whatsapp-cloud-fake/test/wait-for.js'

/** A PostgreSQL store, read as the API shows it. */
function viewedStore (...args: Parameters<typeof postgresStore>): StoreView {
  return viewOf(postgresStore(...args))
}

if (postgresUrl === undefined) {
  skipWithoutPostgres(t)
} else {
  // One database for the file, emptied before every test.
  const { pool, newPool, url } = await freshDatabase(t)

  suite({
    test: async (name, fn) => await t.test(name, fn),
    factory: async () => {
      await truncateAll(pool)
      return postgresStore(pool)
    }
  })

  t.test('migrate: twice is a no-op; three processes at once apply each file once', async t => {
    const fresh = await freshDatabase(t, { migrate: false })
    const processes = [fresh.pool, fresh.newPool(), fresh.newPool()]
    const results = await Promise.all(processes.map(async p => await migrate(p)))
    t.strictSame(results.map(r => r.applied).sort((a, b) => b.length - a.length), [migrationFiles, [], []], 'one process applied every file')
    t.ok(results.every(r => r.version === newestVersion), 'all see the newest version')
    t.strictSame(await migrate(fresh.pool), { applied: [], version: newestVersion })
    const { rows } = await fresh.pool.query(`SELECT version::int FROM ${migrationTable} ORDER BY version`)
    t.strictSame(rows.map(r => r.version), Array.from({ length: newestVersion + 1 }, (_, i) => i), 'each version recorded once')
  })

  t.test('init: the store migrates its schema itself unless told not to', async t => {
    const fresh = await freshDatabase(t, { migrate: false })
    await viewedStore(fresh.pool, { migrate: false }).init?.()
    const before = await fresh.pool.query("SELECT to_regclass('campaigns') AS t")
    t.equal(before.rows[0].t, null, 'migrate: false leaves the schema alone')
    const store = viewedStore(fresh.pool)
    await Promise.all([store.init?.(), store.init?.()])
    t.ok((await store.create(tenantA, draft())).id > 0, 'ready to use')
  })

  t.test('sqlClient: fastify.pg works like a Pool; anything else is refused', async t => {
    const fastifyPg = { pool, query: pool.query.bind(pool), connect: pool.connect.bind(pool), transact: async () => {} }
    const store = viewedStore(fastifyPg)
    await truncateAll(pool)
    const { id } = await store.create(tenantA, draft())
    t.equal((await store.get(tenantA, id))?.totalCount, 3)
    const adapted = sqlClient(pool)
    t.equal(sqlClient(adapted), adapted, 'an adapted client is taken as it is')
    t.throws(() => sqlClient({} as never), TypeError)
    const single = new pg.Client({ connectionString: url })
    t.throws(() => sqlClient(single as never), /not a single pg Client/, 'the types say so too')
    t.throws(() => sqlClient(null as never), TypeError)
  })

  t.test('journal: an entry the store cannot take stays journaled, and neither the sweep nor the doubts wait on it for ever', async t => {
    await truncateAll(pool)
    const store = postgresStore(pool)
    const good = [{ wamid: 'wamid.journal-good', origin: null, sentAt: null, deliveredAt: new Date(5_000), readAt: null, failed: null }]
    await pool.query("INSERT INTO campaign_status_journal (statuses, received_at) VALUES ('not json', now() - interval '1 hour')")
    await store.journalStatuses!(good)
    await pool.query('INSERT INTO campaign_status_journal (statuses) VALUES ($1)', ['[{"wamid": 1}'])
    t.equal(await store.applyStrandedStatuses!(new Date(Date.now() + 60_000), 100), 1, 'the good entry of the page applied')
    const early = await pool.query('SELECT wamid FROM campaign_early_statuses')
    t.strictSame(early.rows, [{ wamid: 'wamid.journal-good' }], 'its status kept early, as for a message not recorded yet')
    await t.resolves(applyWholeJournal(sqlClient(pool)), 'the doubts\' first step goes on past them')
    const left = await pool.query('SELECT statuses, attempts FROM campaign_status_journal ORDER BY id')
    t.strictSame(left.rows, [{ statuses: 'not json', attempts: 2 }, { statuses: '[{"wamid": 1}', attempts: 2 }], 'both kept, not lost, each failure counted (the sweep, then the doubts\' first step)')

    // Tried until it has failed mostJournalAttempts times, then left out: no failing statement any more.
    for (let sweep = 2; sweep < mostJournalAttempts; sweep++) await store.applyStrandedStatuses!(new Date(Date.now() + 60_000), 100)
    const attempts = await pool.query('SELECT attempts FROM campaign_status_journal ORDER BY id')
    t.strictSame(attempts.rows.map(row => row.attempts), [mostJournalAttempts, mostJournalAttempts], 'each failed the most times')
    t.equal(await store.applyStrandedStatuses!(new Date(Date.now() + 60_000), 100), 0)
    await applyWholeJournal(sqlClient(pool))
    const after = await pool.query('SELECT attempts FROM campaign_status_journal ORDER BY id')
    t.strictSame(after.rows, attempts.rows, 'neither tried again by the sweep or the doubts\' first step')
    await store.journalStatuses!(good)
    t.equal(await store.applyStrandedStatuses!(new Date(Date.now() + 60_000), 100), 1, 'a new entry behind them is applied')
  })

  t.test('sqlClient: a statement named to be prepared is prepared once per connection, on the pool and in a transaction', async t => {
    const db = sqlClient(newPool({ max: 1 }))
    const text = 'SELECT $1::int + 1 AS n'
    for (const given of [1, 2]) t.strictSame((await db.query(text, [given], 'wac_test_plus_one')).rows, [{ n: given + 1 }])
    await db.transaction(async tx => { t.strictSame((await tx.query(text, [41], 'wac_test_plus_one')).rows, [{ n: 42 }]) })
    const { rows } = await db.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements WHERE name = $1', ['wac_test_plus_one'])
    t.equal(rows.length, 1, 'one prepared statement on the one connection, used three times')
    await db.end()
  })

  t.test('sqlClient: a connection PostgreSQL ends inside a transaction fails that transaction, not the process', async t => {
    // A bare pg Pool, as a host would make it: the helper's pools hear every client's errors.
    const bare = new pg.Pool({ connectionString: url, max: 2 })
    bare.on('error', () => {})
    t.teardown(async () => { await bare.end() })
    const client = sqlClient(bare)
    const ended = client.transaction(async tx => {
      const [{ pid }] = (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows
      await pool.query('SELECT pg_terminate_backend($1)', [pid])
      await sleep(100) // the connection's end arrives while we hold it between statements
      await tx.query('SELECT 1')
    })
    await t.rejects(ended, 'the transaction rejects')
    t.strictSame((await client.transaction(async tx => (await tx.query('SELECT 1 AS one')).rows)), [{ one: 1 }],
      'the pool goes on with a new connection')
  })

  t.test('close: ends the pool only when the store owns it', async t => {
    const hosts = newPool()
    await viewedStore(hosts).close()
    t.equal(hosts.ending, false, "the host's pool stays open")
    const owned = newPool()
    const store = viewedStore(owned, { owned: true })
    await store.close()
    await store.close()
    t.equal(owned.ending, true, 'an owned pool is ended, once')
  })

  t.test('startRun: ten callers on their own connections, exactly one run', async t => {
    await truncateAll(pool)
    const { id } = await viewedStore(pool).create(tenantA, draft({ contacts: contacts(500) }))
    const callers = Array.from({ length: 10 }, () => viewedStore(newPool({ max: 1 })))
    const results = await Promise.all(callers.map(async store => await store.startRun(tenantA, id, ['draft', 'completed', 'failed'])))
    t.equal(results.filter(r => r.ok).length, 1, 'one winner')
    const { rows: [counts] } = await pool.query('SELECT (SELECT count(*)::int FROM campaign_runs) AS runs, (SELECT count(*)::int FROM campaign_messages) AS messages')
    t.strictSame(counts, { runs: 1, messages: 500 })
  })

  t.test('claim: two workers on their own pools never take the same message', async t => {
    await truncateAll(pool)
    const plan = await started(viewedStore(pool), tenantA, draft({ contacts: contacts(2000) }))
    const worker = async (store: StoreView) => {
      const taken: number[] = []
      for (let batch = await store.claim(plan, 7, leaseFor()); batch.length > 0; batch = await store.claim(plan, 7, leaseFor())) {
        taken.push(...batch.map(m => m.id))
        await store.record(plan, batch.map(m => sentOutcome(m.id)))
      }
      return taken
    }
    const [a, b] = await Promise.all([worker(viewedStore(newPool({ max: 2 }))), worker(viewedStore(newPool({ max: 2 })))])
    t.ok(a.length > 0 && b.length > 0, `both worked (${a.length} + ${b.length})`)
    t.equal(new Set([...a, ...b]).size, a.length + b.length, 'no overlap')
    t.equal(a.length + b.length, 2000, 'every message')
    t.equal((await viewedStore(pool).get(tenantA, plan.campaignId))?.successCount, 2000, 'counted once each')
  })

  t.test('concurrency: reaping, finishing or deleting a run while a worker records keeps the counts, without deadlock', async t => {
    await truncateAll(pool)
    const admin = viewedStore(newPool({ max: 2 }))
    const worker = async (store: StoreView, plan: RunPlan) => {
      for (let batch = await store.claim(plan, 20, leaseFor()); batch.length > 0; batch = await store.claim(plan, 20, leaseFor())) {
        await store.record(plan, batch.map(m => sentOutcome(m.id)))
      }
    }
    const underway = async (plan: RunPlan) => {
      await waitFor(`200 sent in run ${plan.runId}`, async () => (await admin.get(tenantA, plan.campaignId))!.successCount, { until: sent => sent >= 200, intervalMs: 5 })
    }
    const finished = await started(admin, tenantA, draft({ contacts: contacts(3000) }))
    const deleted = await started(admin, tenantA, draft({ contacts: contacts(3000, 5000) }))
    // A reaper that takes every lease for expired races the worker's records for the same rows.
    const reaper = viewedStore(newPool({ max: 1 }))
    let reaped = 0
    const reap = async () => {
      await waitFor('the finished run to stop running', async () => {
        reaped += await reaper.failExpiredLeases(finished, new Date(Date.now() + 3_600_000))
        return (await admin.get(tenantA, finished.campaignId))!.status
      }, { until: status => status !== 'running', intervalMs: 0 })
    }
    await Promise.all([
      reap(),
      worker(viewedStore(newPool({ max: 1 })), finished),
      worker(viewedStore(newPool({ max: 1 })), deleted),
      underway(finished).then(async () => await admin.finishRun(finished, { status: 'failed', error: { code: 'RUN_HALTED', title: 'Halted', message: 'by a test' } })),
      underway(deleted).then(async () => t.strictSame(await admin.delete(tenantA, deleted.campaignId, ['running']), { ok: true, value: null }))
    ])
    const summary = (await admin.get(tenantA, finished.campaignId))!
    t.equal(summary.status, 'failed')
    t.ok(summary.successCount > 0 && summary.failedCount > 0, `both sent and failed (${summary.successCount} + ${summary.failedCount})`)
    t.equal(summary.successCount + summary.failedCount, 3000, `every recipient counted once (${reaped} reaped)`)
    const { rows: [left] } = await pool.query('SELECT count(*)::int AS n FROM campaign_messages WHERE run_id = $1', [deleted.runId])
    t.equal(left.n, 0, "the deleted run's rows are gone")
  })

  t.test('bulk: 100,000 contacts in one statement each for the list, the run, the outcomes, the rerun and the cancel', async t => {
    await truncateAll(pool)
    const counted = countingPool(pool)
    const store = viewedStore(counted.pool)
    const list = contacts(100_000)
    const timed = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
      const start = performance.now()
      const result = await fn()
      t.comment(`${label}: ${Math.round(performance.now() - start)} ms`)
      return result
    }
    const { id } = await timed('create with 100,000 contacts', async () => await store.create(tenantA, draft({ contacts: list })))
    t.equal(counted.statements('INSERT INTO campaign_contacts'), 1, 'the contact list in one statement')
    t.equal((await timed('read the 100,000 contacts back', async () => await store.contacts(tenantA, id)))?.length, 100_000)
    const plan = allowed(await timed('start the run (100,000 message rows)', async () => await store.startRun(tenantA, id, ['draft'])))
    t.equal(counted.statements('INSERT INTO campaign_messages'), 1, 'the message rows in one statement')
    const batch = await timed('claim 1,000', async () => await store.claim(plan, 1000, leaseFor()))
    await timed('record 1,000 outcomes', async () => await store.record(plan, batch.map(m => sentOutcome(m.id))))
    t.equal(counted.statements('UPDATE campaign_messages m'), 2, 'the claim and the outcomes: one statement each')
    await timed('a page of messages deep in the run', async () => await store.messages(tenantA, id, { limit: 100, after: 90_000 }))
    await timed('finish the run (99,000 left)', async () => await store.finishRun(plan, { status: 'failed', error: { code: 190, title: 'x', message: 'x' } }))
    const summary = await store.get(tenantA, id)
    t.strictSame([summary?.successCount, summary?.failedCount], [1000, 99_000])
    const rerun = allowed(await timed('rerun the 99,000 failed', async () => await store.startRun(tenantA, id, ['failed'], 'failed')))
    t.equal(rerun.totalCount, 99_000)
    t.equal(counted.statements('INSERT INTO campaign_messages'), 2, "the rerun's rows in one statement too")
    await store.record(rerun, (await store.claim(rerun, 500, leaseFor())).map(m => ({ id: m.id, status: 'sent' as const, messageId: `wamid.r${m.id}` })))
    counted.reset()
    const live = await timed('get and list while 98,500 are pending', async () => [await store.get(tenantA, id), await store.list(tenantA, { limit: 10, offset: 0 })] as const)
    t.strictSame([live[0]?.progress?.sent, live[0]?.progress?.pending, live[1].items[0].progress?.pending], [500, 98_500, 98_500])
    t.equal(counted.statements('campaign_messages'), 0, 'the live figures read no message row')
    const cancelled = allowed(await timed('cancel it (98,500 pending)', async () => await store.cancel(tenantA, id, ['running'])))
    t.strictSame([cancelled.successCount, cancelled.failedCount], [500, 98_500])
    t.equal(counted.statements('UPDATE campaign_messages m'), 1, 'the pending rows and the counters in one statement')
    await timed('delete it all', async () => await store.delete(tenantA, id, ['cancelled']))
  })

  t.test('storage: a rerun keeps the old run and its rows; codes are text; new rows are due at once', async t => {
    await truncateAll(pool)
    const store = viewedStore(pool)
    const first = await started(store, tenantA)
    await sendAll(store, first, (id, i) => i === 0 ? { id, status: 'failed', code: 131026, title: 'Undeliverable' } : sentOutcome(id))
    await store.finishRun(first, { status: 'completed' })
    const second = allowed(await store.startRun(tenantA, first.campaignId, ['completed']))
    const { rows } = await pool.query('SELECT run_id, count(*)::int AS n FROM campaign_messages GROUP BY run_id ORDER BY run_id')
    t.strictSame(rows, [{ run_id: first.runId, n: 3 }, { run_id: second.runId, n: 3 }])
    const { rows: [due] } = await pool.query("SELECT count(*)::int AS n FROM campaign_messages WHERE run_id = $1 AND next_attempt_at = '-infinity'", [second.runId])
    t.equal(due.n, 3, "a new run's rows are due at once, whatever the database's clock says")
    const { rows: [code] } = await pool.query("SELECT error_code, pg_typeof(error_code)::text AS type FROM campaign_messages WHERE status = 'failed'")
    t.strictSame(code, { error_code: '131026', type: 'text' })
  })
}
