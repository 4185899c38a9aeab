import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { judgeAhead, type JudgePriority } from './judge-priority.js'

export interface ArrivalFront {
  /** Where senders connect instead of the fake: origin, e.g. `http://127.0.0.1:41234`. */
  url: string
  /** How far ahead of the other processes the front's thread runs. */
  priority: JudgePriority
  close: () => Promise<void>
}

function threadIds (): Set<number> {
  return new Set(readdirSync('/proc/self/task').map(Number))
}

/**
 * Starts the arrival front (arrival-front-worker.ts) in a thread of this process, relaying to the fake
 * at `port` and writing each request's arrival into `header` (the fake's `arrivalHeader`). Only the
 * front's thread goes ahead of the other processes (judgeAhead on its thread id): it is the one that
 * must never wait to see a request come in.
 */
export async function startArrivalFront (port: number, header: string): Promise<ArrivalFront> {
  const before = threadIds()
  const worker = new Worker(join(import.meta.dirname, 'arrival-front-worker.js'), { workerData: { port, header } })
  const frontPort = await new Promise<number>((resolve, reject) => {
    worker.once('message', (message: { port: number }) => { resolve(message.port) })
    worker.once('error', reject)
  })
  // The thread the worker's JavaScript runs on is the one the process did not have before it.
  const added = [...threadIds()].filter(tid => !before.has(tid))
  const priorities = added.map(tid => judgeAhead(tid).priority)
  const priority = priorities.includes('real-time') ? 'real-time' : priorities.includes('nice') ? 'nice' : 'unchanged'
  return {
    url: `http://127.0.0.1:${frontPort}`,
    priority,
    close: async () => {
      worker.postMessage('close')
      await new Promise<void>(resolve => { worker.once('exit', () => { resolve() }) })
    }
  }
}
