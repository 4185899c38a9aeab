import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { waitFor } from '../../../packages/whatsapp-cloud-fake/test/wait-for.js'
import { api, killAllServers, phoneFor, startServer } from './helpers/server-process.js'

t.test('SIGTERM finishes and records in-flight sends; the next start resumes the run to the end', async t => {
  const dataDir = await mkdtemp(join(tmpdir(), 'wac-shutdown-'))
  t.teardown(async () => { await rm(dataDir, { recursive: true, force: true }) })
  const env = { DATA_DIR: dataDir, WHATSAPP_MESSAGES_PER_SECOND: '100' }

  t.teardown(killAllServers)
  let server = await startServer(env)
  const campaign = await api(server.url, 'POST', '/campaigns', {
    name: 'interrupted',
    templateName: 'hello',
    contacts: Array.from({ length: 400 }, (_, i) => ({ phone: phoneFor(i) }))
  })
  const url = `/campaigns/${campaign.id as number}`
  await api(server.url, 'POST', `${url}/run`)
  // Some way into the run (400 recipients take four seconds at this pace), with sends in flight.
  await waitFor('20 recorded sends', async () => (await api(server.url, 'GET', url)).successCount >= 20 || undefined)
  t.equal((await server.kill('SIGTERM')).code, 0, 'a clean exit')

  server = await startServer(env)
  const midway = await api(server.url, 'GET', url)
  t.ok(midway.successCount > 0 && midway.successCount < 400, `stopped midway (${midway.successCount as number} sent)`)
  const done = await waitFor('the resumed run to end', async () => await api(server.url, 'GET', url), {
    until: campaign => campaign.status !== 'running',
    timeoutMs: 60_000,
    intervalMs: 50
  })
  t.match(done, { status: 'completed', totalCount: 400, successCount: 400, failedCount: 0 }, 'nothing in doubt, nothing lost')
  t.equal((await server.kill('SIGTERM')).code, 0)
})
