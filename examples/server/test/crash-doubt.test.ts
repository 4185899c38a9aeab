/**
 * How much a SIGKILL leaves in doubt, at Meta's higher rates: the reference server sends one campaign
 * at 400 and then at 1,000 msg/s and is killed a few times. Right after each kill the database says
 * what the killed process held: the rows it had claimed (all of which a lease's end would have put in
 * doubt without claim marks) and, of those, the rows at or below their claim's mark (the only ones
 * the lease's end now puts in doubt). The fake's log says which of them it was actually asked to send:
 * every one of those must be among the marked, or a message could be sent twice.
 *
 * The run then completes with every recipient accepted exactly once: the rows past the marks went
 * back to pending and were sent by the next process.
 *
 * Replay a run with CRASH_SEED=<the seed it printed>.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { startCloudApiFake } from 'whatsapp-cloud-fake'
import { freshDatabase, postgresUrl, skipWithoutPostgres } from '../../../packages/fastify-whatsapp-campaigns/test/helpers/postgres.js'
import { undefinedIfTimedOut, waitFor } from '../../../packages/whatsapp-cloud-fake/test/wait-for.js'
import { api, freePort, killAllServers, phoneFor, seededRandom, type ServerProcess, startServer } from './helpers/server-process.js'

const accessToken = 'crash-doubt-token'
const appSecret = 'crash-doubt-app-secret'
const kills = 3
/** The engine's lease: a claim's lease ends this long after it was taken. */
const leaseMs = 30_000
const witnessWindowMs = 3000
/** Leases, then the witness window, then the rest of the run. */
const completeWithinMs = 90_000

interface KillFigures {
  /** Rows the killed process held `sending`: in doubt at their lease's end without marks. */
  claimed: number
  /** Of those, the rows at or below their claim's mark (or without one): in doubt at their lease's end. */
  marked: number
  /** Of those, the rows the fake was asked to send: the floor, what really was in doubt. */
  requested: number
  /** Requests for rows past their claim's mark: must be none. */
  pastTheMark: string[]
}

if (postgresUrl === undefined) {
  skipWithoutPostgres(t)
} else {
  t.setTimeout(360_000)
  for (const rate of [400, 1000]) {
    const recipients = rate * 8
    t.test(`SIGKILL at ${rate} msg/s, ${kills} times: only what may have been written is in doubt; nothing twice, nothing lost`, async t => {
      const seed = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31))
      const random = seededRandom(seed)
      t.comment(`seed ${seed} (CRASH_SEED=${seed} replays the same moments)`)
      const { url: databaseUrl, pool } = await freshDatabase(t, { migrate: false })
      const port = await freePort()
      const fake = await startCloudApiFake({
        accessToken,
        latencyMs: { min: 20, max: 100 },
        webhooks: {
          url: `http://127.0.0.1:${port}/api/whatsapp/webhook`,
          appSecret,
          batch: { maxStatuses: 200, maxWaitMs: 20 },
          retry: { firstDelayMs: 100, maxDelayMs: 2000, giveUpAfterMs: 300_000 }
        }
      })
      t.teardown(async () => { await fake.close() })
      t.teardown(killAllServers)
      const env = {
        PORT: String(port),
        WHATSAPP_APP_SECRET: appSecret,
        WHATSAPP_WITNESS_WINDOW_MS: String(witnessWindowMs),
        DATABASE_URL: databaseUrl,
        WHATSAPP_API_URL: fake.apiUrl,
        WHATSAPP_PHONE_NUMBER_ID: '100200300',
        WHATSAPP_ACCESS_TOKEN: accessToken,
        WHATSAPP_MESSAGES_PER_SECOND: String(rate),
        LOG_LEVEL: 'info'
      }

      let server: ServerProcess = await startServer(env)
      const campaign = await api(server.url, 'POST', '/campaigns', {
        name: `crash doubt ${rate}`,
        templateName: 'hello',
        contacts: Array.from({ length: recipients }, (_, i) => ({ phone: phoneFor(i), name: `Contact ${i}` }))
      })
      await api(server.url, 'POST', `/campaigns/${campaign.id as number}/run`)

      const figures: KillFigures[] = []
      for (let k = 0; k < kills; k++) {
        // A moment once the process sends at its rate (the pacer ramps up in its first second).
        await sleep(Math.round(1500 + random() * 1500))
        const { spawnedAt } = server
        await server.kill('SIGKILL')
        // Its claims' leases end at least leaseMs after it started: earlier processes' rows are not counted.
        const { rows } = await pool.query<{ phone: string, marked: boolean }>(
          `SELECT m.phone, k.issued_through IS NULL OR m.position <= k.issued_through AS marked
             FROM campaign_messages m LEFT JOIN campaign_claim_marks k ON k.run_id = m.run_id AND k.lease_until = m.lease_until
            WHERE m.status = 'sending' AND m.lease_until >= $1`,
          [new Date(spawnedAt + leaseMs).toISOString()]
        )
        const asked = new Set(fake.log.filter(entry => entry.time >= spawnedAt && entry.to !== undefined).map(entry => entry.to))
        figures.push({
          claimed: rows.length,
          marked: rows.filter(row => row.marked).length,
          requested: rows.filter(row => asked.has(row.phone)).length,
          pastTheMark: rows.filter(row => !row.marked && asked.has(row.phone)).map(row => row.phone)
        })
        server = await startServer(env)
      }

      t.comment(`at ${rate} msg/s, per kill: claimed (in doubt without marks) ${figures.map(f => f.claimed).join(', ')}; in doubt with marks ${figures.map(f => f.marked).join(', ')}; of which the fake was asked to send ${figures.map(f => f.requested).join(', ')}`)
      t.same(figures.flatMap(f => f.pastTheMark), [], 'no request was written for a row past its claim\'s mark')
      t.ok(figures.every(f => f.marked <= f.claimed), 'in doubt: never more than was claimed')
      const claimed = figures.reduce((sum, f) => sum + f.claimed, 0)
      const marked = figures.reduce((sum, f) => sum + f.marked, 0)
      t.ok(marked < claimed, `fewer in doubt with marks (${marked}) than claimed (${claimed})`)

      const finished = await waitFor('the run to end', async () => {
        const [summary] = (await api(server.url, 'GET', '/campaigns?limit=1')) as any[]
        return summary.status === 'running' ? undefined : summary
      }, { timeoutMs: completeWithinMs, intervalMs: 250 }).catch(undefinedIfTimedOut)
      t.match(finished, { status: 'completed', totalCount: recipients, successCount: recipients }, 'the run completed, every recipient sent')
      t.same(fake.duplicates(), [], 'no recipient was accepted twice by the fake')
      t.equal(fake.accepted(), recipients, 'every recipient was accepted once')
    })
  }
}
