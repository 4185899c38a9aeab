/**
 * How a run's rate samples are kept, the one rule every adapter follows (PostgreSQL in SQL, with the
 * same window): two samples of how many recipients were settled when, the newer replacing the older
 * once it is a window old. The plugin derives the live figures from them and the run's counters, so
 * that showing a run of a million recipients counts no rows.
 */
import type { RateSample } from './types.js'

/** The newer sample takes the older's place once it is this old: "the rate now" looks 5 to 10 s back. */
export const rateWindowMs = 5000

export interface RateSamples {
  older: RateSample
  newer: RateSample
}

/** The samples after outcomes were recorded at `now`, with `settled` recipients settled in all. */
export function nextSamples (samples: RateSamples, settled: number, now: Date): RateSamples {
  if (now.getTime() - samples.newer.at.getTime() < rateWindowMs) return samples
  return { older: samples.newer, newer: { at: now, settled } }
}
