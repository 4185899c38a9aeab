import { spawn, spawnSync } from 'node:child_process'
import { getPriority } from 'node:os'
import t from 'tap'
import { judgeAhead } from '../src/index.js'

/** The scheduling policy of a process as chrt reports it (SCHED_OTHER, SCHED_FIFO…), or undefined without chrt. */
function policyOf (pid: number): string | undefined {
  const { status, stdout } = spawnSync('chrt', ['--pid', String(pid)], { encoding: 'utf8' })
  return status === 0 ? /policy: (\w+)/.exec(stdout)?.[1] : undefined
}

t.test('judgeAhead puts a process ahead of the others, and restore puts it back', async t => {
  // Another process, so that this test runner keeps its own scheduling whatever happens.
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' })
  t.teardown(() => { child.kill() })
  const pid = child.pid as number
  const niceBefore = getPriority(pid)
  const policyBefore = policyOf(pid)

  const { priority, restore } = judgeAhead(pid)
  t.comment(`on this machine: ${priority}`)
  if (priority === 'real-time') {
    t.equal(policyOf(pid), 'SCHED_FIFO', 'in the real-time class')
  } else if (priority === 'nice') {
    t.ok(getPriority(pid) < niceBefore, 'at a higher priority')
  } else {
    t.equal(getPriority(pid), niceBefore, 'left as it was, where it may not be raised')
  }

  restore()
  t.equal(policyOf(pid), policyBefore, 'the scheduling class is restored')
  t.equal(getPriority(pid), niceBefore, 'the priority is restored')
})
