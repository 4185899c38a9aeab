import { spawnSync } from 'node:child_process'
import { getPriority, setPriority } from 'node:os'

/** How the process went ahead: 'real-time' (SCHED_FIFO), 'nice' (a higher priority), or 'unchanged'. */
export type JudgePriority = 'real-time' | 'nice' | 'unchanged'

/**
 * Puts a process (this one unless `pid` says otherwise) ahead of the others on the machine, for as long
 * as it judges a per-second limit.
 *
 * A judge timestamps arrivals as its event loop gets to them. Meta's side never stalls for a sender,
 * but a judge sharing the machine with the senders and their database is scheduled out now and then,
 * and every stall bunches the arrivals it then logs: a sender paced to the millisecond would seem to go
 * over. In the real-time class (where allowed: root, or CAP_SYS_NICE) the judge takes the CPU the moment
 * a request arrives; a nice level only weighs its share. A judge sleeps between requests, so it starves
 * nobody, and Linux keeps 5% of every second for the rest in any case. Returns what was done and how to
 * undo it.
 *
 * Only the thread `pid` names goes ahead (a process id names its main thread, the one that reads the
 * arrivals; a thread id, one thread). V8's helper threads stay as they are: in the real-time class they
 * would take every core of a small machine for the length of a collection of the judge's heap, and the
 * senders it judges would stall for it.
 */
export function judgeAhead (pid = process.pid): { priority: JudgePriority, restore: () => void } {
  const chrt = (...args: string[]): boolean => spawnSync('chrt', [...args, String(pid)], { stdio: 'ignore' }).status === 0
  // Without --all-tasks chrt sets only the thread whose id is `pid`, not the process's other threads.
  if (chrt('--fifo', '--pid', '10')) {
    return { priority: 'real-time', restore: () => { chrt('--other', '--pid', '0') } }
  }
  // Linux gives a nice level to one thread too, the one whose id is `pid`.
  const nice = getPriority(pid)
  try {
    setPriority(pid, -10)
    return { priority: 'nice', restore: () => { try { setPriority(pid, nice) } catch {} } }
  } catch {
    return { priority: 'unchanged', restore: () => {} }
  }
}
