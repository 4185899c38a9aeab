import { performance } from 'node:perf_hooks'

/** Milliseconds `work` takes. */
export async function timed (work: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await work()
  return performance.now() - start
}

/** The best of `rounds` timings: the least disturbed by whatever else the machine is doing. */
export async function bestOf (rounds: number, work: () => Promise<unknown>): Promise<number> {
  let best = Infinity
  for (let i = 0; i < rounds; i++) best = Math.min(best, await timed(work))
  return best
}

export const phoneFor = (i: number): string => `919876${String(i).padStart(6, '0')}`

export function report (title: string, rows: Array<[string, string]>): void {
  console.log(`\n## ${title}`)
  const width = Math.max(...rows.map(([label]) => label.length))
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`)
}
