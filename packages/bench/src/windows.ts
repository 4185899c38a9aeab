/**
 * Sliding-window figures over arrival times, the way Meta (and the local fake) judge throughput: a
 * window is `[start, start + windowMs)` and may start anywhere. Shared by the benchmarks and by the
 * reference server's multi-instance test (which imports this file by relative path).
 */

/**
 * The most arrivals in any window of `windowMs` (ms) over `times` (ms, any order, not changed); 0 when
 * empty. O(n log n): only windows starting at an arrival need checking.
 */
export function worstWindow (times: readonly number[], windowMs = 1000): number {
  return busiest(times, windowMs).count
}

/** Where (an arrival time) a window holding `worstWindow(times, windowMs)` arrivals starts; NaN when empty. */
export function worstWindowStart (times: readonly number[], windowMs = 1000): number {
  return busiest(times, windowMs).start
}

function busiest (times: readonly number[], windowMs: number): { count: number, start: number } {
  const sorted = Float64Array.from(times).sort()
  let count = 0
  let start = NaN
  let first = 0
  for (let last = 0; last < sorted.length; last++) {
    while (sorted[last] - sorted[first] >= windowMs) first++
    if (last - first + 1 > count) {
      count = last - first + 1
      start = sorted[first]
    }
  }
  return { count, start }
}

/**
 * Arrivals per second from the first to the last (n - 1 intervals over the span), the rate a steady
 * sender reached; 0 with fewer than two.
 */
export function averageRate (times: readonly number[]): number {
  if (times.length < 2) return 0
  let min = Infinity
  let max = -Infinity
  for (const time of times) {
    if (time < min) min = time
    if (time > max) max = time
  }
  return max === min ? Infinity : (times.length - 1) / ((max - min) / 1000)
}
