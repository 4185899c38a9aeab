/**
 * The live figures of a run, from its counters and two rate samples alone: a GET of a campaign
 * whose run has a million recipients must not count a million rows. Every adapter keeps the samples
 * the same way (PostgreSQL in SQL, with the same window) and shows them through `liveFigures`.
 */
import type { RunProgressFigures } from '../schemas/campaign.js'
import type { RunStatus } from './types.js'

/** Recipients settled (sent or failed) by a moment, epoch ms. */
export interface RateSample {
  at: number
  settled: number
}

/** The newer sample takes the older's place once it is this old: "the rate now" looks 5 to 10 s back. */
export const rateWindowMs = 5000

/** A young run would show absurd rates (3 outcomes in 2 ms): rates are taken over one second at least. */
const minimumSpanMs = 1000

export interface RateSamples {
  older: RateSample
  newer: RateSample
}

/** The samples after outcomes were recorded at `now`, with `settled` recipients settled in all. */
export function nextSamples (samples: RateSamples, settled: number, now: number): RateSamples {
  if (now - samples.newer.at < rateWindowMs) return samples
  return { older: samples.newer, newer: { at: now, settled } }
}

export interface RunCounters extends RateSamples {
  status: RunStatus
  totalCount: number
  successCount: number
  failedCount: number
  startedAt: number
}

/** The figures of a run that is running or paused; undefined for one that ended. */
export function liveFigures (run: RunCounters, now: number): RunProgressFigures | undefined {
  if (run.status !== 'running' && run.status !== 'paused') return undefined
  const settled = run.successCount + run.failedCount
  const pending = Math.max(0, run.totalCount - settled)
  // A newer sample already a window old is the better base: nothing it saw is "now" any more.
  const base = now - run.newer.at >= rateWindowMs ? run.newer : run.older
  // A paused run moves nothing, whatever its last seconds did.
  const rate = run.status === 'paused' ? 0 : perSecond(settled - base.settled, now - base.at)
  return {
    sent: run.successCount,
    failed: run.failedCount,
    pending,
    ratePerSecond: rate,
    averageRatePerSecond: perSecond(settled, now - run.startedAt),
    etaSeconds: rate > 0 ? Math.ceil(pending / rate) : null,
    startedAt: new Date(run.startedAt).toISOString()
  }
}

function perSecond (count: number, spanMs: number): number {
  const rate = Math.max(0, count) * 1000 / Math.max(spanMs, minimumSpanMs)
  return Math.round(rate * 100) / 100
}
