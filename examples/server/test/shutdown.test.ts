import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
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
  await api(server.url, 'POST', `/campaigns/${campaign.id as number}/run`)
  await sleep(1000)
  t.equal((await server.kill('SIGTERM')).code, 0, 'a clean exit')

  server = await startServer(env)
  const midway = await api(server.url, 'GET', `/campaigns/${campaign.id as number}`)
  t.ok(midway.successCount > 0 && midway.successCount < 400, `stopped midway (${midway.successCount as number} sent)`)
  let done: any
  for (let i = 0; i < 400; i++) {
    done = await api(server.url, 'GET', `/campaigns/${campaign.id as number}`)
    if (done.status !== 'running') break
    await sleep(50)
  }
  t.match(done, { status: 'completed', totalCount: 400, successCount: 400, failedCount: 0 }, 'nothing in doubt, nothing lost')
  t.equal((await server.kill('SIGTERM')).code, 0)
})
