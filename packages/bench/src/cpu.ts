import { readFile } from 'node:fs/promises'
import type { BenchDatabase } from './database.js'

/** Linux counts process CPU time in ticks of 1/100 s (USER_HZ) on every architecture it runs Node on. */
const msPerTick = 10

/**
 * CPU time of the whole machine from /proc/stat, in ms: `busy` (all but idle and I/O wait) and `all`,
 * summed over its cores; undefined without /proc.
 */
export async function machineCpuMs (): Promise<{ busy: number, all: number } | undefined> {
  try {
    const [cpu] = (await readFile('/proc/stat', 'utf8')).split('\n')
    // "cpu  user nice system idle iowait irq softirq steal guest guest_nice"
    const ticks = cpu.trim().split(/\s+/).slice(1, 9).map(Number)
    const all = ticks.reduce((sum, n) => sum + n, 0)
    return { busy: (all - ticks[3] - ticks[4]) * msPerTick, all: all * msPerTick }
  } catch {
    return undefined
  }
}

/** CPU time (user + system) of this process, in ms. */
export function ownCpuMs (): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

/**
 * CPU time, in ms, of the PostgreSQL backends serving the scratch database, read from /proc: undefined
 * when they are not processes of this machine (PGlite runs inside ours; a remote server, or no /proc).
 * Backends that end between two readings take their time with them: the pools here keep theirs.
 */
export async function postgresCpuMs (database: BenchDatabase): Promise<number | undefined> {
  if (database.url === undefined) return undefined
  const { rows } = await database.query('SELECT pid FROM pg_stat_activity WHERE datname = current_database()') as { rows: Array<{ pid: number }> }
  let total = 0
  for (const { pid } of rows) {
    const ticks = await processTicks(pid)
    if (ticks === undefined) return undefined
    total += ticks
  }
  return total * msPerTick
}

async function processTicks (pid: number): Promise<number | undefined> {
  try {
    const [stat, command] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8'), readFile(`/proc/${pid}/cmdline`, 'utf8')])
    // Another machine's pid may name any process of ours.
    if (!command.startsWith('postgres')) return undefined
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return Number(fields[11]) + Number(fields[12])
  } catch {
    return undefined
  }
}
