import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { waitFor } from '../../../packages/whatsapp-cloud-fake/test/wait-for.js'
import { sandboxFailure } from '../src/sandbox-failures.js'
import { serverUrls } from '../src/server-urls.js'
import { api, killAllServers, phoneFor, startServer, startToRefusal } from './helpers/server-process.js'

async function tempDir (t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wac-start-'))
  t.teardown(async () => { await rm(dir, { recursive: true, force: true }) })
  return dir
}

t.teardown(killAllServers)

t.test('the start log names the page, the API, the docs and the health check at the address bound', async t => {
  const server = await startServer({ DATA_DIR: await tempDir(t) }, { keepLog: true })
  // Fastify's own line (which startServer waits for) comes just before it.
  const line = await waitFor('the line with the URLs', async () => server.log.find(entry => typeof entry.msg === 'string' && entry.msg.startsWith('listening: ')))
  const url = server.url
  t.match(line, {
    level: 30,
    urls: { page: `${url}/`, api: `${url}/api/whatsapp`, docs: `${url}/docs`, health: `${url}/health` },
    msg: `listening: the API at ${url}/api/whatsapp, its docs at ${url}/docs, the health check at ${url}/health, the page at ${url}/ (the Campaigns page)`
  })
  await server.kill()
})

t.test('a run logs its start, and its end with the counts, the duration and the rate', async t => {
  const rate = 0.3
  const failure = sandboxFailure(rate)!
  // Recipients whose first send is refused for good (131026) or goes through: a run of one pass, its counts known beforehand.
  const phones: string[] = []
  let failing = 0
  for (let i = 0; phones.length < 30; i++) {
    const first = failure(phoneFor(i), 1)
    if (first === undefined) phones.push(phoneFor(i))
    else if ('code' in first && first.code === 131026) {
      phones.push(phoneFor(i))
      failing++
    }
  }
  const server = await startServer({ DATA_DIR: await tempDir(t), SANDBOX_FAILURE_RATE: String(rate), SANDBOX_LATENCY_MS: '0-5', WHATSAPP_MESSAGES_PER_SECOND: '200' }, { keepLog: true })
  const campaign = await api(server.url, 'POST', '/campaigns', { name: 'logged', templateName: 'hello_world', contacts: phones.map(phone => ({ phone })) })
  await api(server.url, 'POST', `/campaigns/${campaign.id as number}/run`)
  const ended = await waitFor('the run\'s end in the log', async () => server.log.find(entry => entry.msg === 'campaign run completed'), { timeoutMs: 60_000 })
  const started = server.log.find(entry => entry.msg === 'campaign run started')
  t.match(started, { level: 30, campaignId: campaign.id, total: 30, templateName: 'hello_world', sent: 0, failed: 0 })
  t.match(ended, { level: 30, campaignId: campaign.id, status: 'completed', total: 30, sent: 30 - failing, failed: failing, durationMs: Number, messagesPerSecond: Number })
  t.ok(failing > 0 && failing < 30, `some failed (${failing})`)
  t.ok((ended as any).durationMs > 0 && (ended as any).messagesPerSecond > 0, 'a duration and a rate')
  await server.kill()
})

t.test('a second server on the same DATA_DIR exits non-zero with one line on stderr, no stack trace', async t => {
  const dataDir = await tempDir(t)
  const first = await startServer({ DATA_DIR: dataDir })
  const second = await startToRefusal({ DATA_DIR: dataDir })
  t.equal(second.code, 1)
  t.equal(second.stderr, `whatsapp-campaigns-server: could not start: DATA_DIR ${dataDir} is in use by process ${first.pid}: stop it, or give this server its own DATA_DIR\n`)
  t.notMatch(second.stdout + second.stderr, /\n\s+at /, 'no stack trace')
  await first.kill()
})

t.test('a bad setting is one line on stderr and a non-zero exit', async t => {
  const refused = await startToRefusal({ DATA_DIR: await tempDir(t), SANDBOX_LATENCY_MS: 'fast' })
  t.equal(refused.code, 1)
  t.equal(refused.stderr, 'whatsapp-campaigns-server: could not start: SANDBOX_LATENCY_MS must be milliseconds, n or min-max with min <= max, e.g. 50 or 20-80 (got "fast")\n')
  t.equal(refused.stdout, '', 'nothing else')
})

t.test('the URLs of a wildcard address say localhost; an IPv6 one is bracketed', async t => {
  t.equal(serverUrls({ address: '0.0.0.0', family: 'IPv4', port: 3000 }, '/api/whatsapp').api, 'http://localhost:3000/api/whatsapp')
  t.equal(serverUrls({ address: '::', family: 'IPv6', port: 3000 }, '/api/whatsapp').docs, 'http://localhost:3000/docs')
  t.strictSame(serverUrls({ address: '::1', family: 'IPv6', port: 8080 }, '/api/whatsapp'), {
    page: 'http://[::1]:8080/',
    api: 'http://[::1]:8080/api/whatsapp',
    docs: 'http://[::1]:8080/docs',
    health: 'http://[::1]:8080/health'
  })
})
