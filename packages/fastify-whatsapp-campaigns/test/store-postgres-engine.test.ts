/**
 * The engine's side of the PostgreSQL store on the real server, where only real connections can
 * show it: several processes on one send timeline, lifecycle changes racing the workers, the rate
 * samples over seconds no test wants to wait for.
 */
import t from 'tap'
import { postgresStore } from '../src/store/postgres.js'
import { allowed, contacts, draft, leaseFor, sentOutcome, sleep, started, tenantA, viewOf, type StoreView } from '../src/store/conformance/context.js'
import type { RunPlan } from '../src/store/types.js'
import { freshDatabase, postgresUrl, skipWithoutPostgres, truncateAll } from './helpers/postgres.js'
import { planNodes, planning, rowsHandled, type PlanNode } from './helpers/plans.js'
import { defaultTimeoutMs, waitFor } from '../../whatsapp-cloud-fake/test/wait-for.js'

/** A store as the API shows it (see the conformance suite's view). */
type Store = StoreView

if (postgresUrl === undefined) {
  skipWithoutPostgres(t)
} else {
  const { pool, newPool } = await freshDatabase(t)
  /** A store on a pool of its own: another process, as far as the server can tell. */
  const instance = (max = 1): Store => viewOf(postgresStore(newPool({ max })))

  t.test('pacing: three processes reserving at once share one timeline; the rate holds, also through a throttle', async t => {
    await truncateAll(pool)
    const count = 10
    const maxRate = 1000
    type Reserved = Awaited<ReturnType<Store['reserveSlots']>> & { count: number }
    const [a, b, c]: Reserved[][] = [[], [], []]
    const reserveMany = async (store: Store, rounds: number, into: Reserved[]) => {
      for (let i = 0; i < rounds; i++) into.push({ ...await store.reserveSlots('15550001', count, maxRate), count })
    }
    const throttler = instance()
    await Promise.all([
      reserveMany(instance(), 150, a),
      reserveMany(instance(), 150, b),
      (async () => {
        await waitFor('20 reservations by the first process', () => a.length >= 20 ? true : undefined, { intervalMs: 1 })
        await throttler.throttle('15550001', 0.75)
        await reserveMany(throttler, 10, c)
      })()
    ])
    t.ok(a.length > 0 && b.length > 0 && c.length > 0)
    const all = [...a, ...b, ...c].sort((x, y) => x.firstSlotAt - y.firstSlotAt)
    t.ok(all.every((r, i) => i === 0 || r.firstSlotAt >= all[i - 1].firstSlotAt + count * all[i - 1].intervalMs - 1e-6), 'no reservation overlaps another')
    const slots = all.flatMap(r => Array.from({ length: r.count }, (_, i) => r.firstSlotAt + i * r.intervalMs))
    t.ok(slots.every((slot, i) => i === 0 || slot > slots[i - 1]), `${slots.length} slots, strictly increasing`)
    t.ok(busiestSecond(slots) <= maxRate, `no second of the timeline holds more than ${maxRate} slots (busiest: ${busiestSecond(slots)})`)
    const intervals = new Set(all.map(r => Math.round(r.intervalMs * 1000) / 1000))
    t.ok(intervals.has(1) && intervals.has(1.333), `full rate, then a quarter slower after the throttle (intervals: ${[...intervals].join(', ')} ms)`)
    const interleaved = all.slice(1).filter((r, i) => a.includes(r) !== a.includes(all[i])).length
    t.ok(interleaved > 10, `the processes took turns (${interleaved} hand-overs)`)
    t.ok(all.every(r => r.firstSlotAt >= r.now - 1e-6), 'no slot is handed out in the past')
  })

  t.test('lifecycle: pause, resume and cancel while two workers claim and record and a reaper runs: no deadlock, each recipient counted once', async t => {
    await truncateAll(pool)
    const admin = instance(2)
    const plan = await started(admin, tenantA, draft({ contacts: contacts(3000) }))
    const settled = async () => { const s = (await admin.get(tenantA, plan.campaignId))!; return s.successCount + s.failedCount }
    const until = async (n: number) => { await waitFor(`${n} recipients settled`, settled, { until: count => count >= n, intervalMs: 5 }) }
    const reaper = instance()
    let stop = false
    // eslint-disable-next-line no-unmodified-loop-condition -- steps() sets it while the loop awaits
    const reap = async () => { while (!stop) await reaper.failExpiredLeases(plan, new Date(Date.now() + 3_600_000)) }
    const steps = async () => {
      await until(300)
      allowed(await admin.pause(tenantA, plan.campaignId, ['running']))
      await sleep(30)
      allowed(await admin.resume(tenantA, plan.campaignId, ['paused']))
      await until(1200)
      t.equal(await admin.finishRun(plan, { status: 'completed' }), true, 'a finish racing the workers')
      // The finish above ended the run; start another and cancel that one midway.
      const second = allowed(await admin.startRun(tenantA, plan.campaignId, ['completed']))
      const worked = Promise.all([work(instance(), second), work(instance(), second)])
      await waitFor('600 sent in the second run', async () => (await admin.get(tenantA, plan.campaignId))!.successCount, { until: sent => sent >= 600, intervalMs: 5 })
      allowed(await admin.cancel(tenantA, plan.campaignId, ['running', 'paused']))
      await worked
      stop = true
    }
    await Promise.all([reap(), work(instance(), plan), work(instance(), plan), steps()])
    const summary = (await admin.get(tenantA, plan.campaignId))!
    t.equal(summary.status, 'cancelled')
    t.equal(summary.successCount + summary.failedCount, 3000, `every recipient of the cancelled run counted once (${summary.successCount} + ${summary.failedCount})`)
    const { rows } = await pool.query(
      `SELECT r.id, r.status, r.success_count AS sent, r.failed_count AS failed,
              count(*) FILTER (WHERE m.status = 'sent')::int AS sent_rows,
              count(*) FILTER (WHERE m.status = 'failed')::int AS failed_rows,
              count(*) FILTER (WHERE m.status IN ('pending', 'sending'))::int AS open_rows
         FROM campaign_runs r JOIN campaign_messages m ON m.run_id = r.id
        GROUP BY r.id ORDER BY r.id`
    )
    t.strictSame(rows.map(r => [r.status, r.sent, r.failed, r.open_rows]), rows.map(r => [r.status, r.sent_rows, r.failed_rows, 0]), 'counters match the rows, and nothing is left open')
    t.strictSame(rows.map(r => r.status), ['completed', 'cancelled'])
  })

  t.test('lifecycle: a finish racing a pause or a cancel: exactly one of them happens, and the counters match the rows', async t => {
    await truncateAll(pool)
    const [finisher, other] = [instance(), instance()]
    const outcomes = new Map<string, number>()
    for (let i = 0; i < 12; i++) {
      const plan = await started(finisher, tenantA, draft({ contacts: contacts(400) }))
      await other.claim(plan, 50, leaseFor())
      const action = i % 2 === 0 ? 'pause' : 'cancel'
      const [finished, changed] = await Promise.all([
        finisher.finishRun(plan, { status: 'failed', error: { code: 190, title: 'Token expired', message: 'x' } }),
        action === 'pause' ? other.pause(tenantA, plan.campaignId, ['running']) : other.cancel(tenantA, plan.campaignId, ['running'])
      ])
      t.ok(finished !== changed.ok, `${action}: one of the two (finished: ${finished}, ${action}: ${JSON.stringify(changed.ok ? true : changed)})`)
      const key = `${action} ${finished ? 'lost' : 'won'}`
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1)
      const { rows: [run] } = await pool.query(
        `SELECT r.status, c.status AS campaign_status, r.failed_count = count(*) FILTER (WHERE m.status = 'failed') AS counted
           FROM campaign_runs r JOIN campaigns c ON c.id = r.campaign_id JOIN campaign_messages m ON m.run_id = r.id
          WHERE r.id = $1 GROUP BY r.id, c.id`,
        [plan.runId]
      )
      const wanted = finished ? 'failed' : action === 'pause' ? 'paused' : 'cancelled'
      t.strictSame(run, { status: wanted, campaign_status: wanted, counted: true })
    }
    t.comment(`outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}`)
  })

  t.test('lifecycle: a finish or a cancel that finds the run moved on once it has its lock undoes what it did to the messages', async t => {
    await truncateAll(pool)
    const store = instance(2)
    const cases = [
      { name: 'finishRun, the run paused meanwhile', movedTo: 'paused', act: async (plan: RunPlan) => await store.finishRun(plan, { status: 'completed' }) },
      { name: 'cancel, the run finished meanwhile', movedTo: 'completed', act: async (plan: RunPlan) => (await store.cancel(tenantA, plan.campaignId, ['running'])).ok }
    ]
    for (const { name, movedTo, act } of cases) {
      const plan = await started(store, tenantA, draft({ contacts: contacts(50) }))
      // Another transaction holds the run: the call fails the messages, then waits for the run.
      const holder = await pool.connect()
      await holder.query('BEGIN')
      await holder.query('SELECT 1 FROM campaign_runs WHERE id = $1 FOR UPDATE', [plan.runId])
      const acting = act(plan)
      await waitFor(`${name}: the call to wait for the run's lock`, async () => (await pool.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")).rows[0].n, { until: n => n > 0, intervalMs: 2 })
      await holder.query('UPDATE campaign_runs SET status = $2 WHERE id = $1', [plan.runId, movedTo])
      await holder.query('COMMIT')
      holder.release()
      t.equal(await acting, false, `${name}: it did not happen`)
      const { rows: [run] } = await pool.query(
        `SELECT r.status, r.failed_count AS failed, count(*) FILTER (WHERE m.status = 'pending')::int AS pending
           FROM campaign_runs r JOIN campaign_messages m ON m.run_id = r.id WHERE r.id = $1 GROUP BY r.id`,
        [plan.runId]
      )
      t.strictSame(run, { status: movedTo, failed: 0, pending: 50 }, `${name}: no message failed uncounted`)
    }
  })

  t.test('a big run refreshes the statistics, so its claims walk an index in order instead of sorting every pending row', async t => {
    await truncateAll(pool)
    await pool.query('ANALYZE campaign_messages')
    const store = viewOf(postgresStore(pool))
    const plan = await started(store, tenantA, draft({ contacts: contacts(10_000) }))
    const { rows: [{ reltuples }] } = await pool.query("SELECT reltuples FROM pg_class WHERE relname = 'campaign_messages'")
    t.ok(Number(reltuples) >= 9_000, `the planner knows of the new rows (reltuples ${reltuples})`)
    // The claim as the store words it, planned on a pool of its own (a claim of 500 each time).
    const claimer = newPool({ max: 1 })
    const plans = planning(claimer, text => text.includes('FOR UPDATE SKIP LOCKED'))
    const claimPlan = async (): Promise<PlanNode[]> => {
      await postgresStore(claimer).claim(plan, 500, leaseFor())
      return planNodes(plans[plans.length - 1].plan)
    }
    const messageScans = (nodes: PlanNode[]): string[] => nodes.filter(n => n['Relation Name'] === 'campaign_messages').map(n => `${n['Node Type']} ${n['Index Name'] ?? ''}`)
    // The first read of the table is the pick of due rows; the updates after it go by key.
    const pick = (scans: string[]): string | undefined => scans.find(scan => !scan.startsWith('ModifyTable'))
    const atStart = await claimPlan()
    // Fresh statistics say nearly every row is pending; the primary key with a filter would then look
    // as cheap, and walk every row claimed before (hence a status without statistics, in sql/001.do.schema.sql).
    t.equal(pick(messageScans(atStart)), 'Index Scan campaign_messages_pending', 'the pending rows\' index, in position order')
    t.notOk(atStart.some(n => n['Node Type'] === 'Sort'), 'no sort of every pending row')
    t.notOk(messageScans(atStart).some(scan => scan.startsWith('Seq Scan')), `the rows picked are updated by key, not found by a scan of the table (${messageScans(atStart).join(', ')})`)
    // Near the end of the run, with statistics from its start that say most rows are pending: a
    // walk in position order over all rows would read every row sent so far for each claim.
    await store.record(plan, (await store.claim(plan, 9_000, leaseFor())).map(m => sentOutcome(m.id)))
    const nearTheEnd = messageScans(await claimPlan())
    t.equal(pick(nearTheEnd), 'Index Scan campaign_messages_pending', 'still the pending rows only')
    t.notOk(nearTheEnd.some(scan => scan.startsWith('Seq Scan')), 'and still by key')
  })

  t.test('recording 2,000 outcomes at once with the statistics of a run\'s start touches each row a few times, not once per outcome, and finds its rows by key', async t => {
    await truncateAll(pool)
    // The record statement runs under EXPLAIN ANALYZE (it still records), and its plan is kept.
    const explaining = newPool({ max: 1 })
    const isRecord = (text: string): boolean => text.includes('UPDATE campaign_runs r') && text.includes('success_count')
    const plans = planning(explaining, isRecord, isRecord)
    const store = viewOf(postgresStore(explaining))
    // 10,000 rows: the start's ANALYZE sees them all pending, so the planner believes none is in flight.
    const plan = await started(store, tenantA, draft({ contacts: contacts(10_000) }))
    const inFlight = await store.claim(plan, 2_000, leaseFor())
    await store.record(plan, inFlight.map(m => sentOutcome(m.id)))
    t.equal(plans.length, 1, 'the record statement was explained')
    t.match(await store.get(tenantA, plan.campaignId), { successCount: 2_000 }, 'and it recorded')
    // A plan that matches outcomes to rows by looping over one for each of the other handles about
    // 2,000 × 2,000 rows.
    const work = rowsHandled(plans[0].plan)
    t.ok(work <= 20 * inFlight.length, `rows handled in all: ${work} for ${inFlight.length} outcomes (at most ${20 * inFlight.length})`)
    // The rest pass through `sending` too, then 2,000 more are recorded: the in-flight index now holds
    // an entry for each of the 10,000 (until a vacuum), and reading it would read them all, every time.
    await store.record(plan, (await store.claim(plan, 6_000, leaseFor())).map(m => sentOutcome(m.id)))
    const last = await store.claim(plan, 2_000, leaseFor())
    await store.record(plan, last.map(m => sentOutcome(m.id)))
    t.match(await store.get(tenantA, plan.campaignId), { successCount: 10_000 })
    for (const { plan } of plans) {
      t.notOk(planNodes(plan).some(node => node['Index Name'] === 'campaign_messages_leased'), 'the rows are found by key, not through the in-flight index')
    }
  })

  t.test('the reaper, every second on every instance, steps over the rows that left the in-flight index instead of reading each again', async t => {
    await truncateAll(pool)
    const store = viewOf(postgresStore(pool))
    // 10,000 rows passed through `sending` with leases long over: each left an entry in the in-flight
    // index that only a vacuum removes (autovacuum is off here; on, it comes after many such rows).
    const done = await started(store, tenantA, draft({ contacts: contacts(10_000) }))
    await store.record(done, (await store.claim(done, 10_000, leaseFor(-60_000))).map(m => sentOutcome(m.id)))
    // And a cancelled run with three sends whose outcome never came: the reaper's work.
    const cancelled = await started(store, tenantA, draft({ contacts: contacts(5) }))
    await store.claim(cancelled, 3, leaseFor(-60_000))
    allowed(await store.cancel(tenantA, cancelled.campaignId, ['running']))

    const planned = newPool({ max: 1 })
    const plans = planning(planned, text => text.includes('SELECT DISTINCT tenant, run_id'))
    const reaper = postgresStore(planned)
    t.equal(await reaper.failStaleLeases(new Date()), 3, 'the in-doubt sends of the cancelled run')
    t.equal(await reaper.failStaleLeases(new Date()), 0, 'each once')
    t.equal(plans.length, 2, 'the finder was planned at each call')
    for (const { plan } of plans) {
      // A bitmap scan of the index would hand over an entry for each of the 10,000, at every call.
      t.ok(rowsHandled(plan) <= 100, `the finder handled ${rowsHandled(plan)} rows`)
    }
  })

  t.test('near the end of a big run, its progress, its finish and a page of its messages by status each read an index, not the run', async t => {
    await truncateAll(pool)
    const planned = newPool({ max: 1 })
    const plans = planning(planned, text => /\bcampaign_messages\b/.test(text))
    const store = viewOf(postgresStore(pool))
    const plan = await started(store, tenantA, draft({ contacts: contacts(100_000) }))
    // 99,000 settled (every 100th failed), 500 in flight, 500 pending.
    const claimed = await store.claim(plan, 99_500, leaseFor())
    await store.record(plan, claimed.slice(0, 99_000).map((m, i) => i % 100 === 0
      ? { id: m.id, status: 'failed' as const, code: 131026, title: 'Message undeliverable' }
      : sentOutcome(m.id)))
    const observed = viewOf(postgresStore(planned))
    const readPages = async (): Promise<void> => {
      const pages = {
        failed: await observed.messages(tenantA, plan.campaignId, { status: 'failed', limit: 50 }),
        sent: await observed.messages(tenantA, plan.campaignId, { status: 'sent', limit: 50 }),
        pending: await observed.messages(tenantA, plan.campaignId, { status: 'pending', limit: 50 }),
        all: await observed.messages(tenantA, plan.campaignId, { limit: 50, after: 50_000 })
      }
      t.strictSame(Object.values(pages).map(page => page?.length), [50, 50, 50, 50], 'every page is full')
      t.ok(pages.failed?.every(m => m.status === 'failed') && pages.pending?.every(m => m.status === 'pending'), 'and of its status')
    }
    // Autovacuum would have cleaned the table after so many updates (it is off on our machines): the
    // in-flight rows' index would otherwise still hold an entry for each row that left it. Then the
    // pages are read with the statistics of the run's start (all pending), and with fresh ones.
    await pool.query('VACUUM campaign_messages')
    await readPages()
    await pool.query('ANALYZE campaign_messages')
    await readPages()
    t.match(await observed.progress(plan, new Date()), { pending: 500, sending: 500 })
    // A claim and a record of a few: each finds its rows by key (run, position), whatever the size of the table.
    const few = await observed.claim(plan, 100, leaseFor())
    await observed.record(plan, few.map(m => sentOutcome(m.id)))
    t.equal(few.length, 100)
    t.equal(await observed.finishRun(plan, { status: 'completed' }), true)

    const scans = plans.flatMap(({ plan }) => planNodes(plan)).filter(node => node['Relation Name'] === 'campaign_messages')
    t.ok(scans.length >= 10, `${plans.length} statements planned`)
    t.strictSame(scans.filter(node => node['Node Type'] === 'Seq Scan'), [], 'no statement reads the whole table')
    // A page of 50 must not walk the run's 100,000.
    for (const { text, plan: read } of plans.filter(p => p.plan['Actual Rows'] !== undefined && /LIMIT/.test(p.text))) {
      t.ok(rowsHandled(read) <= 2_000, `a page handled ${rowsHandled(read)} rows`, { text })
    }
  })

  t.test('figures: the rate now looks back 5 to 10 seconds, from the run row alone', async t => {
    await truncateAll(pool)
    const store = viewOf(postgresStore(pool))
    const plan = await started(store, tenantA, draft({ contacts: contacts(100) }))
    // As if the run had started 20 s ago and its newer sample (nothing settled) were taken 6 s ago.
    await pool.query(
      `UPDATE campaign_runs SET started_at = now() - interval '20 s', rate_older_at = now() - interval '20 s',
              rate_newer_at = now() - interval '6 s' WHERE id = $1`,
      [plan.runId]
    )
    await store.record(plan, (await store.claim(plan, 12, leaseFor())).map(m => sentOutcome(m.id)))
    const { rows: [samples] } = await pool.query(
      `SELECT rate_older_settled AS older, rate_newer_settled AS newer,
              round(extract(epoch FROM now() - rate_older_at))::int AS older_age, now() - rate_newer_at < interval '1 s' AS newer_now
         FROM campaign_runs WHERE id = $1`,
      [plan.runId]
    )
    t.strictSame(samples, { older: 0, newer: 12, older_age: 6, newer_now: true }, 'the record shifted the samples')
    const progress = (await store.get(tenantA, plan.campaignId))!.progress!
    t.ok(Math.abs(progress.ratePerSecond - 2) < 0.05, `12 in the last 6 s: ${progress.ratePerSecond}/s`)
    t.ok(Math.abs(progress.averageRatePerSecond - 0.6) < 0.05, `12 in 20 s on average: ${progress.averageRatePerSecond}/s`)
    t.equal(progress.etaSeconds, Math.ceil(88 / progress.ratePerSecond))
    await store.record(plan, (await store.claim(plan, 3, leaseFor())).map(m => sentOutcome(m.id)))
    const { rows: [kept] } = await pool.query('SELECT rate_older_settled AS older, rate_newer_settled AS newer FROM campaign_runs WHERE id = $1', [plan.runId])
    t.strictSame(kept, { older: 0, newer: 12 }, 'a young newer sample stays')
    // Nothing settles for a while: once the newer sample is a window old, it is the base, and the rate falls to 0.
    await pool.query("UPDATE campaign_runs SET rate_newer_at = now() - interval '7 s', rate_newer_settled = 15 WHERE id = $1", [plan.runId])
    const idle = (await store.get(tenantA, plan.campaignId))!.progress!
    t.strictSame([idle.sent, idle.ratePerSecond, idle.etaSeconds], [15, 0, null])
  })
}

/** Claims and records (sent) until the run stops giving work for good. */
async function work (store: Store, plan: RunPlan): Promise<void> {
  const deadline = Date.now() + defaultTimeoutMs
  for (;;) {
    if (Date.now() > deadline) throw new Error(`run ${plan.runId} still gave work after ${defaultTimeoutMs} ms`)
    const batch = await store.claim(plan, 20, leaseFor())
    if (batch.length > 0) {
      await store.record(plan, batch.map(m => sentOutcome(m.id)))
      continue
    }
    const { status, pending, sending } = await store.progress(plan, new Date())
    if (status === 'paused') await sleep(5)
    else if (status !== 'running' || (pending === 0 && sending === 0)) return
  }
}

/** The most slots in any one-second window of the timeline. */
function busiestSecond (slots: number[]): number {
  let busiest = 0
  for (let i = 0, j = 0; i < slots.length; i++) {
    while (j < slots.length && slots[j] < slots[i] + 1000 - 1e-6) j++
    busiest = Math.max(busiest, j - i)
  }
  return busiest
}
