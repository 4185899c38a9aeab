import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { request } from 'undici'

const serverScript = join(import.meta.dirname, '..', 'dist', 'server.js')
const phoneFor = (i: number): string => `919876${String(i).padStart(6, '0')}`

/** The built server as a real process; resolves with its URL once it listens. */
async function startServer (env: Record<string, string>): Promise<{ child: ChildProcess, url: string }> {
  const child = spawn(process.execPath, [serverScript], { env: { ...process.env, DATABASE_URL: '', HOST: '127.0.0.1', PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout! })
  for await (const line of lines) {
    const match = /"msg":"Server listening at (http:\/\/127\.0\.0\.1:\d+)"/.exec(line)
    if (match !== null) {
      lines.on('line', () => {})
      return { child, url: match[1] }
    }
  }
  throw new Error('the server exited before listening')
}

async function api (url: string, method: 'GET' | 'POST', body?: unknown): Promise<any> {
  const response = await request(url, { method, body: body === undefined ? undefined : JSON.stringify(body), headers: body === undefined ? {} : { 'content-type': 'application/json' } })
  return await response.body.json()
}

t.test('SIGTERM finishes and records in-flight sends; the next start resumes the run to the end', async t => {
  const dataDir = await mkdtemp(join(tmpdir(), 'wac-shutdown-'))
  t.teardown(async () => { await rm(dataDir, { recursive: true, force: true }) })
  const env = { DATA_DIR: dataDir, WHATSAPP_MESSAGES_PER_SECOND: '100' }

  let { child, url } = await startServer(env)
  const campaign = await api(`${url}/api/whatsapp/campaigns`, 'POST', {
    name: 'interrupted',
    templateName: 'hello',
    contacts: Array.from({ length: 400 }, (_, i) => ({ phone: phoneFor(i) }))
  })
  await api(`${url}/api/whatsapp/campaigns/${campaign.id as number}/run`, 'POST')
  await sleep(1000)
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  const [code] = await exited
  t.equal(code, 0, 'a clean exit')

  ;({ child, url } = await startServer(env))
  t.teardown(() => { child.kill('SIGKILL') })
  const midway = await api(`${url}/api/whatsapp/campaigns/${campaign.id as number}`, 'GET')
  t.ok(midway.successCount > 0 && midway.successCount < 400, `stopped midway (${midway.successCount as number} sent)`)
  let done: any
  for (let i = 0; i < 400; i++) {
    done = await api(`${url}/api/whatsapp/campaigns/${campaign.id as number}`, 'GET')
    if (done.status !== 'running') break
    await sleep(50)
  }
  t.match(done, { status: 'completed', totalCount: 400, successCount: 400, failedCount: 0 }, 'nothing in doubt, nothing lost')
  const exitedAgain = once(child, 'exit')
  child.kill('SIGTERM')
  t.equal((await exitedAgain)[0], 0)
})
