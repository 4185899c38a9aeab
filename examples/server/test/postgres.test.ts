import t from 'tap'
import { setTimeout as sleep } from 'node:timers/promises'
import { buildServer } from '../src/app.js'
import { configFromEnv } from '../src/config.js'
// The plugin's helpers for a throwaway database on the real server and for waiting, shared rather than written twice.
import { freshDatabase, postgresUrl, skipWithoutPostgres } from '../../../packages/fastify-whatsapp-campaigns/test/helpers/postgres.js'
import { waitFor } from '../../../packages/whatsapp-cloud-fake/test/wait-for.js'

const api = '/api/whatsapp'

if (postgresUrl === undefined) {
  skipWithoutPostgres(t)
} else {
  t.test('DATABASE_URL: the server keeps its campaigns in PostgreSQL, across restarts', async t => {
    const { url, pool } = await freshDatabase(t, { migrate: false })
    const config = configFromEnv({ DATABASE_URL: url, LOG_LEVEL: 'silent', WHATSAPP_MESSAGES_PER_SECOND: '1000' })
    let app = await buildServer(config)
    const created = await app.inject({
      method: 'POST',
      url: `${api}/campaigns`,
      payload: { name: 'On PostgreSQL', templateName: 'hello', contacts: Array.from({ length: 200 }, (_, i) => ({ phone: `919876${String(i).padStart(6, '0')}` })) }
    })
    t.equal(created.statusCode, 201)
    const id: number = created.json().id
    await app.inject({ method: 'POST', url: `${api}/campaigns/${id}/run` })
    const campaign = await waitFor(`campaign ${id} to stop running`, async () => (await app.inject({ method: 'GET', url: `${api}/campaigns/${id}` })).json(), {
      until: campaign => campaign.status !== 'running',
      timeoutMs: 60_000
    })
    t.match(campaign, { status: 'completed', successCount: 200 })
    await app.close()

    app = await buildServer(config)
    t.teardown(async () => { await app.close() })
    t.match((await app.inject({ method: 'GET', url: `${api}/campaigns/${id}` })).json(), { name: 'On PostgreSQL', status: 'completed', successCount: 200 })

    // PostgreSQL restarts, fails over or an administrator ends its sessions: the server lives on.
    const { rowCount } = await pool.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')
    t.ok(rowCount !== null && rowCount > 0, `the server's idle connections were ended (${rowCount ?? 0})`)
    await sleep(100)
    t.equal((await app.inject({ method: 'GET', url: `${api}/campaigns/${id}` })).statusCode, 200, 'and it answers on new ones')
  })
}
