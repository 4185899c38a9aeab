/**
 * The live figures' arithmetic on a clock of our own: how the samples every adapter keeps move, and
 * what the plugin shows of them (the PostgreSQL adapter's samples are checked on the server in
 * store-postgres-engine.test.ts).
 */
import t from 'tap'
import { liveFigures } from '../src/campaigns/present.js'
import { nextSamples, rateWindowMs } from '../src/store/rate-samples.js'
import type { RateSample, StoredRun } from '../src/store/types.js'

const start = Date.UTC(2026, 10, 24, 10)
const at = (seconds: number): number => start + seconds * 1000
const sample = (seconds: number, settled: number): RateSample => ({ at: new Date(at(seconds)), settled })

interface RunChanges extends Partial<Omit<StoredRun, 'rate'>> {
  older?: RateSample
  newer?: RateSample
}

function run ({ older = sample(0, 0), newer = sample(0, 0), ...changes }: RunChanges = {}): StoredRun {
  return {
    status: 'running',
    totalCount: 1000,
    successCount: 0,
    failedCount: 0,
    deliveredCount: 0,
    readCount: 0,
    repliedCount: 0,
    skippedCount: 0,
    error: null,
    startedAt: new Date(start),
    finishedAt: null,
    rate: { older, newer },
    ...changes
  } as StoredRun
}

t.test('samples: the newer one moves to the older place once it is a window old, not before', async t => {
  const begun = run().rate
  t.equal(nextSamples(begun, 50, new Date(at(4.9))), begun, 'younger than the window: kept as they are')
  const shifted = nextSamples(begun, 60, new Date(at(5)))
  t.strictSame(shifted, { older: sample(0, 0), newer: sample(5, 60) })
  t.strictSame(nextSamples(shifted, 130, new Date(at(11))), { older: sample(5, 60), newer: sample(11, 130) })
  t.equal(rateWindowMs, 5000)
})

t.test('figures: the rate now is what settled since the older sample over its age; the average since the start', async t => {
  // 60 settled in the first 5 s, then 70 more in the 6 s after.
  const figures = liveFigures(run({ successCount: 120, failedCount: 10, older: sample(5, 60), newer: sample(11, 130) }), at(12))!
  t.strictSame(figures, {
    sent: 120,
    failed: 10,
    pending: 870,
    ratePerSecond: 10,
    averageRatePerSecond: 10.83,
    etaSeconds: 87,
    startedAt: new Date(start).toISOString()
  })
})

t.test('figures: once the newer sample is a window old it is the base, so a run that stalled shows 0 and no ETA', async t => {
  const stalled = run({ successCount: 130, older: sample(5, 60), newer: sample(11, 130) })
  t.equal(liveFigures(stalled, at(15.9))!.ratePerSecond, 6.42, 'still the 70 since the older sample, over its 10.9 s')
  const figures = liveFigures(stalled, at(16))!
  t.strictSame([figures.ratePerSecond, figures.etaSeconds, figures.averageRatePerSecond], [0, null, 8.13])
})

t.test('figures: rates span a second at least; a paused run moves nothing; an ended one has none', async t => {
  const young = run({ successCount: 3 })
  t.strictSame([liveFigures(young, start + 2)!.ratePerSecond, liveFigures(young, start + 2)!.averageRatePerSecond], [3, 3], '3 in 2 ms is not 1,500/s')
  const paused = liveFigures(run({ status: 'paused', successCount: 100 }), at(2))!
  t.strictSame([paused.ratePerSecond, paused.etaSeconds, paused.averageRatePerSecond], [0, null, 50])
  for (const status of ['completed', 'failed', 'cancelled'] as const) t.equal(liveFigures(run({ status }), at(1)), undefined, status)
})

t.test('figures: rates are rounded to hundredths, the ETA up to whole seconds', async t => {
  const figures = liveFigures(run({ successCount: 1, totalCount: 10 }), at(3))!
  t.strictSame([figures.ratePerSecond, figures.averageRatePerSecond, figures.etaSeconds], [0.33, 0.33, 28])
})
