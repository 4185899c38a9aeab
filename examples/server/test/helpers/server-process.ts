/**
 * The built reference server (dist/server.js) as real child processes, for tests that stop, kill and
 * restart it or run several at once: the local fake of the Cloud API stays in the test process, so the
 * judge survives the kills.
 *
 *   const server = await startServer({ DATABASE_URL: url, WHATSAPP_API_URL: fake.apiUrl, … })
 *   t.teardown(killAllServers)
 *   const campaign = await api(server.url, 'POST', '/campaigns', { … })
 *   await server.kill('SIGKILL')
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { readdirSync, readFileSync, readlinkSync } from 'node:fs'
import type { Server } from 'node:http'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import { request } from 'undici'

// The bench owns the sliding-window helper (it cannot import from here); the tests share it.
export { worstWindow, worstWindowStart, averageRate } from '../../../../packages/bench/src/windows.js'

export const serverScript = join(import.meta.dirname, '..', '..', 'dist', 'server.js')
export const apiPrefix = '/api/whatsapp'

/** Valid Indian mobile numbers, one per index. */
export const phoneFor = (i: number): string => `919876${String(i).padStart(6, '0')}`

export interface ServerExit {
  code: number | null
  signal: NodeJS.Signals | null
}

export interface ServerProcess {
  child: ChildProcess
  pid: number
  /** e.g. http://127.0.0.1:41234 */
  url: string
  /** When the process was spawned and when it said it listens (Date.now() ms). */
  spawnedAt: number
  listeningAt: number
  /** Resolves when the process has exited, however. */
  exited: Promise<ServerExit>
  /** Its log lines at warn level or above (pino JSON, parsed), the last 500: for diagnostics. */
  problems: Array<Record<string, unknown>>
  /** Every log line (pino JSON, parsed) when started with `keepLog`; else empty. */
  log: Array<Record<string, unknown>>
  /** Sends the signal and waits for the exit. */
  kill: (signal?: NodeJS.Signals) => Promise<ServerExit>
}

export interface StartOptions {
  /** Give up (and kill it) when it does not listen within this time; default 30 s. */
  timeoutMs?: number
  /** Keep every log line in `log`, for tests that read what the server says. */
  keepLog?: boolean
}

const live = new Set<ServerProcess>()

/**
 * Spawns the built server with `env` over the test's environment (defaults: no DATABASE_URL, so
 * PGlite; HOST 127.0.0.1; PORT 0) and resolves once it listens. Its stdout is read to the end, so a
 * chatty server never blocks on a full pipe; stderr goes to the test's.
 */
export async function startServer (env: Record<string, string>, options: StartOptions = {}): Promise<ServerProcess> {
  const spawnedAt = Date.now()
  const child = spawn(process.execPath, [serverScript], {
    env: { ...process.env, DATABASE_URL: '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const exited = once(child, 'exit').then(([code, signal]) => ({ code, signal }) as ServerExit)
  const problems: Array<Record<string, unknown>> = []
  const log: Array<Record<string, unknown>> = []
  let listening: (url: string) => void = () => {}
  const listeningUrl = new Promise<string>(resolve => { listening = resolve })

  createInterface({ input: child.stdout! }).on('line', line => {
    let entry: Record<string, unknown>
    try {
      entry = JSON.parse(line)
    } catch {
      entry = { level: 50, msg: line }
    }
    if (options.keepLog === true) log.push(entry)
    const msg = typeof entry.msg === 'string' ? entry.msg : ''
    const match = /^Server listening at (http:\/\/127\.0\.0\.1:\d+)$/.exec(msg)
    if (match !== null) listening(match[1])
    if (typeof entry.level === 'number' && entry.level >= 40) {
      problems.push(entry)
      if (problems.length > 500) problems.shift()
    }
  })

  const timeoutMs = options.timeoutMs ?? 30_000
  const abort = new AbortController()
  const outcome = await Promise.race([
    listeningUrl.then(url => ({ url })),
    exited.then(exit => ({ exit })),
    sleep(timeoutMs, undefined, { signal: abort.signal }).then(() => ({ timeout: true }), () => ({ timeout: true }))
  ])
  abort.abort()
  if (!('url' in outcome)) {
    child.kill('SIGKILL')
    const why = 'exit' in outcome ? `exited (${JSON.stringify(outcome.exit)})` : `did not listen within ${timeoutMs} ms`
    throw new Error(`the server ${why} before listening; its problems: ${JSON.stringify(problems.slice(-5))}`)
  }

  const server: ServerProcess = {
    child,
    pid: child.pid as number,
    url: outcome.url,
    spawnedAt,
    listeningAt: Date.now(),
    exited,
    problems,
    log,
    kill: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return await exited
    }
  }
  live.add(server)
  void exited.then(() => live.delete(server))
  return server
}

/** A server that is expected not to start: its exit, and what it wrote to stdout and stderr. */
export async function startToRefusal (env: Record<string, string>): Promise<ServerExit & { stdout: string, stderr: string }> {
  const child = spawn(process.execPath, [serverScript], {
    env: { ...process.env, DATABASE_URL: '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', chunk => { stdout += String(chunk) })
  child.stderr.on('data', chunk => { stderr += String(chunk) })
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  const [code, signal] = await once(child, 'close')
  clearTimeout(timer)
  return { code, signal, stdout, stderr }
}

/** SIGKILLs every server this file started that still runs: for `t.teardown`. */
export async function killAllServers (): Promise<void> {
  await Promise.all([...live].map(async server => await server.kill('SIGKILL')))
}

/** One call to the campaigns API (`path` under /api/whatsapp); the parsed answer, or an error naming the status. */
export async function api (url: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<any> {
  const response = await request(`${url}${apiPrefix}${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: body === undefined ? {} : { 'content-type': 'application/json' }
  })
  const text = await response.body.text()
  if (response.statusCode >= 400) throw new Error(`${method} ${path} answered ${response.statusCode}: ${text.slice(0, 500)}`)
  return text === '' ? undefined : JSON.parse(text)
}

/** Every message of the campaign's latest run, paging with the keyset cursor. */
export async function allMessages (url: string, id: number): Promise<any[]> {
  const messages: any[] = []
  for (let after: number | undefined; ;) {
    const page: any[] = await api(url, 'GET', `/campaigns/${id}/messages?limit=1000${after === undefined ? '' : `&after=${after}`}`)
    messages.push(...page)
    if (page.length < 1000) return messages
    after = page[page.length - 1].position
  }
}

/** How many of `times` (ms) fall in each whole second from `origin`: a rate's shape at a glance. */
export function perSecond (times: readonly number[], origin: number): number[] {
  let last = origin
  for (const time of times) if (time > last) last = time
  const counts = new Array<number>(Math.floor((last - origin) / 1000) + 1).fill(0)
  for (const time of times) if (time >= origin) counts[Math.floor((time - origin) / 1000)]++
  return counts
}

/** A small seeded PRNG (mulberry32): random moments a failed run can replay with the same seed. */
export function seededRandom (seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let x = state
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Which of our child processes sent each answer of a local HTTP server (the fake), told apart by the
 * TCP connection it came on: Linux's /proc says which process holds the other end. The request log
 * cannot tell instances apart (they must all send for the same phone number, the unit of Meta's
 * limit), and this needs nothing from the code under test. Linux only: elsewhere `supported` is false.
 *
 * The server is the judge, so nothing here may slow it while it judges: as a connection opens it only
 * notes its port, and the owners are looked up once, by `settle()`, when the run is over and the
 * connections are still open (keep-alive). A connection closed before that counts under pid 0.
 */
export class ConnectionOwners {
  readonly supported = process.platform === 'linux'
  readonly #serverPort: number
  /** Per connection: its owner once known, and its answers. */
  readonly #connections = new Map<Socket, { port: number, pid: number, all: number, accepted: number }>()

  constructor (server: Server) {
    this.#serverPort = (server.address() as AddressInfo).port
    server.on('connection', socket => {
      this.#connections.set(socket, { port: socket.remotePort ?? 0, pid: 0, all: 0, accepted: 0 })
    })
    server.on('request', (req, res) => {
      res.once('finish', () => {
        const connection = this.#connections.get(req.socket)
        if (connection === undefined) return
        connection.all++
        if (res.statusCode === 200) connection.accepted++
      })
    })
  }

  /** Looks up which of `pids` holds each connection still open: call it once the judging is over. */
  settle (pids: number[]): void {
    if (!this.supported) return
    const owners = socketOwners(this.#serverPort, pids)
    for (const [socket, connection] of this.#connections) {
      if (!socket.destroyed) connection.pid = owners.get(connection.port) ?? 0
    }
  }

  /** Per pid: answers sent and answers that were 200 (accepted); connections without a known owner count under 0. */
  answers (): Map<number, { all: number, accepted: number }> {
    const answers = new Map<number, { all: number, accepted: number }>()
    for (const { pid, all, accepted } of this.#connections.values()) {
      const counts = answers.get(pid) ?? { all: 0, accepted: 0 }
      counts.all += all
      counts.accepted += accepted
      answers.set(pid, counts)
    }
    return answers
  }
}

/** For every TCP connection to 127.0.0.1:serverPort held by one of `pids`: its client port → that pid. */
function socketOwners (serverPort: number, pids: number[]): Map<number, number> {
  const hexPort = `:${serverPort.toString(16).toUpperCase().padStart(4, '0')}`
  const portByInode = new Map<string, number>()
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = ''
    try {
      text = readFileSync(table, 'utf8')
    } catch {}
    for (const row of text.split('\n').slice(1)) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      const fields = row.trim().split(/\s+/)
      if (fields.length < 10 || !fields[2].endsWith(hexPort)) continue
      portByInode.set(fields[9], parseInt(fields[1].slice(fields[1].lastIndexOf(':') + 1), 16))
    }
  }
  const owners = new Map<number, number>()
  for (const pid of pids) {
    let fds: string[] = []
    try {
      fds = readdirSync(`/proc/${pid}/fd`)
    } catch {}
    for (const fd of fds) {
      let link = ''
      try {
        link = readlinkSync(`/proc/${pid}/fd/${fd}`)
      } catch {}
      const port = link.startsWith('socket:[') ? portByInode.get(link.slice(8, -1)) : undefined
      if (port !== undefined) owners.set(port, pid)
    }
  }
  return owners
}

/** A port free now, for every incarnation of a server: Meta's webhook URL does not change across restarts. */
export async function freePort (): Promise<number> {
  const probe = createServer()
  await new Promise<void>(resolve => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as { port: number }
  await new Promise<void>(resolve => probe.close(() => { resolve() }))
  return port
}
