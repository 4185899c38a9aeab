import fc from 'fast-check'
import t from 'tap'
import { postgresStore } from '../src/index.js'
import { waitFor } from '../../whatsapp-cloud-fake/test/wait-for.js'
import { buildTestApp, contactsFor, prefix, waitForStatus } from './helpers/app.js'
import { answerProblem, hostileRequest, injectOptions, type KnownValues } from './helpers/hostile-requests.js'
import { freshDatabase, postgresUrl, skipWithoutPostgres } from './helpers/postgres.js'
import { tableDigests } from './helpers/tables.js'

/*
 * Every route of the plugin, as the app registered them, under hostile requests drawn from its own
 * schema: never a 5xx, a 4xx always in Fastify's error shape, and a refused request stores nothing
 * (every table reads the same after it as before). Runs per route are few: the machine is shared, and
 * each request is a round of PostgreSQL reads.
 */
const runsPerRoute = Number(process.env.FUZZ_RUNS ?? 80)

if (postgresUrl === undefined) {
  skipWithoutPostgres(t)
} else {
  const { pool } = await freshDatabase(t)
  const { app, routes } = await buildTestApp(t, {
    store: postgresStore(pool),
    // Past these a request is refused: small enough for hostile bodies to reach them.
    plugin: { rateLimit: false, maxContacts: 5, bodyLimit: 64 * 1024, inlineLimit: 3, webhook: { appSecret: 'app-secret', verifyToken: 'verify-me' } }
  })

  // Something of each kind to reach: a campaign that ran, a draft, an empty draft, a scheduled one,
  // opt-outs. Made again whenever a request deleted one or moved it on, so that every route meets each.
  const create = async (payload: object): Promise<number> =>
    (await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: payload as Record<string, unknown> })).json().id
  const statusOf = async (ids: number[]): Promise<string> =>
    (await pool.query('SELECT id, status FROM campaigns WHERE id = ANY($1) ORDER BY id', [ids])).rows.map(row => `${row.id as number} ${row.status as string}`).join(', ')
  let seeded: { ids: number[], statuses: string } = { ids: [], statuses: '' }
  const seed = async (): Promise<void> => {
    if (seeded.ids.length > 0 && await statusOf(seeded.ids) === seeded.statuses) return
    const ran = await create({ name: 'ran', templateName: 'hello', contacts: contactsFor(4) })
    await app.inject({ method: 'POST', url: `${prefix}/campaigns/${ran}/run` })
    await waitForStatus(app, ran, ['completed'])
    const ids = [
      ran,
      await create({ name: 'draft', templateName: 'hello', parameters: ['{{name}}'], contacts: contactsFor(2, 10) }),
      await create({ name: 'empty', templateName: 'hello' }),
      await create({ name: 'later', templateName: 'hello', contacts: contactsFor(1, 30), scheduledAt: `${new Date().getUTCFullYear() + 1}-01-01T09:00:00Z` })
    ]
    await app.inject({ method: 'POST', url: `${prefix}/opt-outs`, payload: { phones: contactsFor(2, 20).map(c => c.phone) } })
    seeded = { ids, statuses: await statusOf(ids) }
  }

  const column = async (query: string): Promise<string[]> => (await pool.query(query)).rows.map(row => String(row.value))
  const known: KnownValues = {
    id: async () => await column('SELECT id AS value FROM campaigns ORDER BY id'),
    run: async () => await column('SELECT id AS value FROM campaign_runs ORDER BY id'),
    phone: async () => await column('SELECT phone AS value FROM campaign_opt_outs ORDER BY phone')
  }
  // What a started run writes goes on after its 202: the next request waits for it, so that a digest
  // taken before a refused request is not changed by a run under way.
  const settled = async (): Promise<void> => {
    await waitFor('no run under way', async () => Number((await pool.query("SELECT count(*) AS n FROM campaigns WHERE status = 'running'")).rows[0].n) === 0 || undefined)
  }

  const seen = new Set<string>()
  for (const route of routes) {
    const name = `${String(route.method)} ${route.url}`
    if (seen.has(name)) continue
    seen.add(name)
    t.test(name, async t => {
      let answered = 0
      await fc.assert(fc.asyncProperty(hostileRequest(route, known), async request => {
        await seed()
        const options = await injectOptions(request, known)
        const before = await tableDigests(pool)
        const response = await app.inject(options)
        const problem = answerProblem(response, request.method)
        if (problem !== undefined) throw new Error(`${String(options.method)} ${options.url}: ${problem}`)
        if (response.statusCode >= 400) {
          const after = await tableDigests(pool)
          const changed = Object.keys(before).filter(table => before[table] !== after[table])
          if (changed.length > 0) throw new Error(`${String(options.method)} ${options.url} answered ${response.statusCode} and changed ${changed.join(', ')}`)
        } else {
          answered++
          await settled()
        }
      }), { numRuns: runsPerRoute, includeErrorInReport: true })
      t.pass(`${runsPerRoute} hostile requests: no 5xx, every refusal in the error shape and storing nothing (${answered} taken)`)
    })
  }
}
