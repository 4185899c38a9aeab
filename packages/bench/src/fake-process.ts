import { fork } from 'node:child_process'
import { join } from 'node:path'
import type { LogEntry, StartOptions } from 'whatsapp-cloud-fake'
import type { JudgePriority } from './judge-priority.js'

/** What crosses to the child: its argv holds them as JSON, so no functions (no `failure`, no custom logger). */
export type FakeProcessOptions = Omit<StartOptions, 'failure' | 'logger'>

/** What the benchmarks judge by, of each request the fake logged. */
export type FakeLogEntry = Pick<LogEntry, 'time' | 'accepted' | 'code'>

/** The fake in a child process: what the benchmarks use of CloudApiFake, over IPC. */
export interface FakeProcess {
  readonly apiUrl: string
  /** How far ahead of the other processes the judge's arrival front runs (judgeAhead; 'unchanged' when not a judge): the figures depend on it. */
  readonly priority: JudgePriority
  /** Requests received, in arrival order (empty unless `keepLog`); times are the child's Date.now(), the same clock as ours. */
  log: () => Promise<FakeLogEntry[]>
  /** Arrival of the first request logged since the start or the last reset; undefined before it. */
  firstTime: () => Promise<number | undefined>
  accepted: () => Promise<number>
  /** CPU time (user + system) the fake's process has used, in ms. */
  cpuMs: () => Promise<number>
  reset: () => Promise<void>
  /** Closes the fake; the child exits. */
  close: () => Promise<void>
}

/** The log by columns: the advanced serializer copies a typed array as bytes, where 80,000 objects would go one by one. */
export interface LogColumns {
  times: Float64Array
  accepted: Uint8Array
  /** Meta's code; 0 when there was none. */
  codes: Int32Array
}

export type FakeCall = 'log' | 'firstTime' | 'accepted' | 'cpuMs' | 'reset' | 'close'
export interface FakeRequest { id: number, call: FakeCall }
export type FakeMessage = { ready: string, priority: JudgePriority } | { id: number, result?: unknown, error?: string }

/**
 * Starts the fake (fake-child.ts) in its own process: a judge that timestamps arrivals must not share an
 * event loop with the sender it judges, nor take its CPU. With `judge`, arrivals are timed by a front in
 * a thread of their own (arrival-front.ts) that goes ahead of the other processes: for judging a
 * per-second limit, not for measuring throughput, where the relay would only add work. A judge also
 * collects its heap on its main thread alone (--single-threaded-gc): Meta's collections never take our
 * cores, and V8's helper threads would take the cores of a small machine from the sender. The child
 * exits when our IPC channel closes, so it does not outlive us.
 */
export async function startFakeProcess (options: FakeProcessOptions = {}, { judge = false } = {}): Promise<FakeProcess> {
  const child = fork(join(import.meta.dirname, 'fake-child.js'), [JSON.stringify(options), String(judge)], {
    serialization: 'advanced',
    execArgv: judge ? [...process.execArgv, '--single-threaded-gc'] : process.execArgv
  })
  const pending = new Map<number, { resolve: (result: unknown) => void, reject: (error: Error) => void }>()
  let nextId = 0
  let exited: Error | undefined
  const exit = new Promise<void>(resolve => {
    const gone = (error: Error): void => {
      exited ??= error
      for (const { reject } of pending.values()) reject(exited)
      pending.clear()
      resolve()
    }
    child.once('exit', (code, signal) => { gone(new Error(`the fake process exited (${signal ?? code})`)) })
    // Not started at all: no 'exit' follows.
    child.once('error', error => { if (child.pid === undefined) gone(error) })
  })

  // Its first message says where it listens; a failed start exits (the stack is on our stderr).
  const { ready: apiUrl, priority } = await new Promise<{ ready: string, priority: JudgePriority }>((resolve, reject) => {
    child.once('message', (message: FakeMessage) => { if ('ready' in message) resolve(message) })
    void exit.then(() => { reject(exited) })
  })
  child.on('message', (message: FakeMessage) => {
    if (!('id' in message)) return
    const call = pending.get(message.id)
    pending.delete(message.id)
    if (message.error !== undefined) call?.reject(new Error(`the fake process: ${message.error}`))
    else call?.resolve(message.result)
  })

  const request = async <T>(call: FakeCall): Promise<T> => await new Promise<T>((resolve, reject) => {
    if (exited !== undefined) {
      reject(exited)
      return
    }
    const id = nextId++
    pending.set(id, { resolve: resolve as (result: unknown) => void, reject })
    child.send({ id, call } satisfies FakeRequest)
  })

  return {
    apiUrl,
    priority,
    log: async () => {
      const { times, accepted, codes } = await request<LogColumns>('log')
      return Array.from(times, (time, i) => ({ time, accepted: accepted[i] === 1, code: codes[i] === 0 ? undefined : codes[i] }))
    },
    firstTime: async () => await request<number | undefined>('firstTime'),
    accepted: async () => await request<number>('accepted'),
    cpuMs: async () => await request<number>('cpuMs'),
    reset: async () => { await request('reset') },
    close: async () => {
      if (exited !== undefined) return
      await request('close')
      // It exits once its server and our channel are closed; one stuck past that is not worth waiting for.
      const stuck = setTimeout(() => { child.kill('SIGKILL') }, 5000)
      child.disconnect()
      await exit
      clearTimeout(stuck)
    }
  }
}
