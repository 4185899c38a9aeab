import { spawn, spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { getPriority } from 'node:os'
import t from 'tap'
import { judgeAhead } from '../src/judge-priority.js'

/** The scheduling policy of a thread as chrt reports it (SCHED_OTHER, SCHED_FIFO…), or undefined without chrt. */
function policyOf (tid: number): string | undefined {
  const { status, stdout } = spawnSync('chrt', ['--pid', String(tid)], { encoding: 'utf8' })
  return status === 0 ? /policy: (\w+)/.exec(stdout)?.[1] : undefined
}

/** The other threads of a process (V8's helpers, libuv's pool…). */
function helperThreadsOf (pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).map(Number).filter(tid => tid !== pid)
}

t.test('judgeAhead puts a process ahead of the others, and restore puts it back', async t => {
  // Another process, so that this test runner keeps its own scheduling whatever happens.
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' })
  t.teardown(() => { child.kill() })
  const pid = child.pid as number
  const niceBefore = getPriority(pid)
  const policyBefore = policyOf(pid)
  await new Promise(resolve => setTimeout(resolve, 100)) // node starts its helper threads
  const helpers = helperThreadsOf(pid)
  t.ok(helpers.length > 0, 'node runs helper threads')

  const { priority, restore } = judgeAhead(pid)
  t.comment(`on this machine: ${priority}`)
  if (priority === 'real-time') {
    t.equal(policyOf(pid), 'SCHED_FIFO', 'the main thread is in the real-time class')
    // A collection of the judge's heap on real-time helpers would take every core from the senders.
    t.same(helpers.map(policyOf), helpers.map(() => policyBefore), 'the helper threads stay as they were')
  } else if (priority === 'nice') {
    t.ok(getPriority(pid) < niceBefore, 'at a higher priority')
  } else {
    t.equal(getPriority(pid), niceBefore, 'left as it was, where it may not be raised')
  }

  restore()
  t.equal(policyOf(pid), policyBefore, 'the scheduling class is restored')
  t.equal(getPriority(pid), niceBefore, 'the priority is restored')
})
