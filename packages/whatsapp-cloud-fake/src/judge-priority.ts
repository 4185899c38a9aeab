import { spawnSync } from 'node:child_process'
import { getPriority, setPriority } from 'node:os'

/** How the process was put ahead: 'real-time' (SCHED_FIFO), 'nice' (a higher priority), or 'unchanged'. */
export type JudgePriority = 'real-time' | 'nice' | 'unchanged'

/**
 * Puts a process (this one unless `pid` says otherwise) ahead of the others on the machine, for as long
 * as it judges a per-second limit.
 *
 * The fake timestamps arrivals as its event loop gets to them. Meta's side never stalls for our sake,
 * but a fake sharing two cores with the senders and PostgreSQL is scheduled out for tens of ms at a
 * time, and every stall bunches the arrivals it then logs: a sender paced to the ms would seem to go
 * over. In the real-time class (where allowed: root, or CAP_SYS_NICE) the fake takes the CPU the moment
 * a request arrives; a nice level only weighs its share. The fake sleeps between requests, so it starves
 * nobody, and Linux keeps 5% of every second for the rest in any case. Returns what was done and how to
 * undo it.
 *
 * Only the main thread, the one that reads the arrivals, goes ahead. V8's helper threads stay as they
 * were: in the real-time class they would take both cores of a small machine for the length of a
 * collection of the judge's heap (tens of ms), and the senders it judges would stall for it.
 */
export function judgeAhead (pid = process.pid): { priority: JudgePriority, restore: () => void } {
  const chrt = (...args: string[]): boolean => spawnSync('chrt', [...args, String(pid)], { stdio: 'ignore' }).status === 0
  // Without --all-tasks chrt sets the thread whose id is `pid`: the main thread.
  if (chrt('--fifo', '--pid', '10')) {
    return { priority: 'real-time', restore: () => { chrt('--other', '--pid', '0') } }
  }
  // Linux gives a nice level to one thread too: the main thread's id is the process id.
  const nice = getPriority(pid)
  try {
    setPriority(pid, -10)
    return { priority: 'nice', restore: () => { try { setPriority(pid, nice) } catch {} } }
  } catch {
    return { priority: 'unchanged', restore: () => {} }
  }
}
