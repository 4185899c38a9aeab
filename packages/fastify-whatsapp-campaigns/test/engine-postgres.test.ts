/**
 * The engine on the real PostgreSQL server through a bare pg Pool, as a host would hand it over:
 * what only a real server can do to it, like ending its connections in the middle of a run.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import Fastify from 'fastify'
import pg from 'pg'
import t from 'tap'
import { startCloudApiFake } from 'whatsapp-cloud-fake'
import { createCloudApiClient, defaultEngineSettings, postgresStore } from '../src/index.js'
import { Engine } from '../src/engine/engine.js'
import { contacts, draft, started, viewOf } from '../src/store/conformance/context.js'
import { freshDatabase, postgresUrl, skipWithoutPostgres } from './helpers/postgres.js'
import { waitFor } from '../../whatsapp-cloud-fake/test/wait-for.js'

const tenant = 'acme'

if (postgresUrl === undefined) {
  skipWithoutPostgres(t)
} else {
  t.test('PostgreSQL ends the engine\'s connections three times during a run: the run completes, nobody gets a message twice', async t => {
    const { url, pool: admin } = await freshDatabase(t)
    // No listener on its clients, unlike the helper's pools: the store's own guards are under test.
    const pool = new pg.Pool({ connectionString: url, max: 4, application_name: 'engine under test' })
    pool.on('error', () => {})
    const store = viewOf(postgresStore(pool))
    const fake = await startCloudApiFake({ accessToken: 'tok', latencyMs: 20 })
    const sender = createCloudApiClient({ apiUrl: fake.apiUrl, phoneNumberId: '555', accessToken: 'tok' })
    const engine = new Engine({
      queue: store.stored,
      timeline: store.stored,
      ledger: store.stored,
      startScheduled: async () => null,
      senderFor: async () => ({ sender, numberKey: 'fake/555' }),
      // Short leases: a claim whose commit went through but whose answer was lost settles quickly.
      settings: { ...defaultEngineSettings, messagesPerSecond: 1000, leaseMs: 2000, idlePollMs: 100 },
      log: Fastify({ logger: { level: 'silent' } }).log
    })
    t.teardown(async () => {
      await engine.close()
      await sender.close()
      await fake.close()
      await pool.end()
    })

    const count = 3000
    const plan = await started(store, tenant, draft({ templateName: 'hello', parameters: [], contacts: contacts(count) }))
    engine.start(plan)

    let ended = 0
    for (let cut = 0; cut < 3; cut++) {
      await sleep(600)
      const { rows } = await admin.query(
        "SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = 'engine under test'")
      ended += rows.length
    }
    t.ok(ended >= 3, `${ended} connections ended in 3 cuts`)

    const observer = viewOf(postgresStore(admin))
    const summary = await waitFor('the run to stop running', async () => await observer.get(tenant, plan.campaignId), {
      until: summary => summary?.status !== 'running',
      timeoutMs: 60_000,
      intervalMs: 50
    })
    t.equal(summary?.status, 'completed', 'the run completed')
    t.equal((summary?.successCount ?? 0) + (summary?.failedCount ?? 0), count, 'every recipient has an outcome')
    const accepted = fake.log.filter(entry => entry.accepted).map(entry => entry.to)
    t.equal(new Set(accepted).size, accepted.length, `no recipient got a message twice (${accepted.length} accepted)`)
    t.ok((summary?.successCount ?? 0) <= accepted.length, 'every success was accepted by the API')
    const { rows: failures } = await admin.query<{ code: string, n: number }>(
      "SELECT error_code AS code, count(*)::int AS n FROM campaign_messages WHERE status = 'failed' GROUP BY 1")
    t.ok(failures.every(f => f.code === 'UNKNOWN_OUTCOME'), `the only failures are in doubt (${JSON.stringify(failures)})`)
  })
}
