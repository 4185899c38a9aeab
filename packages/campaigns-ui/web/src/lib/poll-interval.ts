/**
 * How many times as long as its read a poll waits at least before the next. A read that takes long
 * is a heavy one (the stats of a run of a million recipients read every row of it): polled back to
 * back, one open page would keep a database connection busy while the run it shows needs it.
 */
export const slowReadFactor = 5

/** The wait before the next poll: the page's interval, or longer after a slow read. */
export function nextPollMs (intervalMs: number, readMs: number): number {
  return Math.max(intervalMs, Math.round(readMs * slowReadFactor))
}
