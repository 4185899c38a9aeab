import t from 'tap'
import { memoryStore, type SendTimeline } from '../src/index.js'
import { SlotPacer } from '../src/engine/slot-pacer.js'
import { mostSlots } from '../src/store/pacing.js'

const numberKey = '15550001'

function pacerOn (store: SendTimeline, maxRate: number, lateToleranceMs = 5): SlotPacer {
  return new SlotPacer({ timeline: store, numberKey, maxRate, chunkSeconds: 0.2, lateToleranceMs })
}

/** The rate the store hands out next for the number (a reservation of one slot, for a look). */
async function storeRate (store: SendTimeline, maxRate: number): Promise<number> {
  return 1000 / (await store.reserveSlots(numberKey, 1, maxRate)).intervalMs
}

t.test('takes slots at the rate, from chunks reserved ahead without a gap between them', async t => {
  const store = memoryStore()
  const pacer = pacerOn(store, 200)
  const times: number[] = []
  const start = Date.now()
  for (let i = 0; i < 150; i++) {
    await pacer.take()
    times.push(Date.now() - start)
  }
  const elapsed = times[times.length - 1] - times[0]
  // 149 intervals of 5 ms: 745 ms, give or take a busy machine.
  t.ok(elapsed >= 700 && elapsed < 1000, `150 slots at 200/s took ${elapsed} ms`)
  const gaps = times.slice(1).map((time, i) => time - times[i])
  t.ok(Math.max(...gaps) < 40, `no gap between chunks (largest ${Math.max(...gaps)} ms)`)
})

t.test('an unpaced sender reserves millions of slots a second, in chunks the store accepts', async t => {
  const store = memoryStore()
  const counts: number[] = []
  const counting: SendTimeline = {
    ...store,
    reserveSlots: async (numberKey, count, maxRate) => {
      counts.push(count)
      return await store.reserveSlots(numberKey, count, maxRate)
    }
  }
  const pacer = pacerOn(counting, 10_000_000)
  for (let i = 0; i < 20_000; i++) await pacer.take()
  t.ok(counts.every(count => count === mostSlots), `every chunk at the store's most, ${mostSlots.toLocaleString('en')} slots (${counts.join(', ')})`)
  t.ok(counts.length <= 20, `20,000 sends from a few reservations (${counts.length}), not one each`)
})

t.test('slots missed by more than the tolerance are skipped, not sent late in a burst', async t => {
  const store = memoryStore()
  const pacer = pacerOn(store, 100)
  await pacer.take()
  // Busy for 200 ms: about 20 slots go by.
  const busyUntil = Date.now() + 200
  while (Date.now() < busyUntil) { /* spins on purpose */ }
  const before = Date.now()
  await pacer.take()
  await pacer.take()
  const after = Date.now()
  t.ok(after - before >= 5, `the next two are spaced out, not back to back (${after - before} ms)`)
})

t.test('a throttle slows the shared rate by the share of answers refused, within its bounds, once a second', async t => {
  const cases: Array<[string, number, number, number]> = [
    ['a stray refusal costs 2%', 999, 1, 0.98],
    ['a tenth refused: a tenth slower', 90, 10, 0.9],
    ['nearly all refused: halved, no more at once', 5, 95, 0.5]
  ]
  for (const [name, accepted, refused, factor] of cases) {
    const store = memoryStore()
    const pacer = pacerOn(store, 1000)
    await pacer.take()
    for (let i = 0; i < accepted; i++) pacer.answered(false)
    for (let i = 0; i < refused; i++) pacer.answered(true)
    await pacer.throttle()
    await pacer.throttle()
    t.equal(Math.round(await storeRate(store, 1000)), 1000 * factor, `${name}, and once for a burst`)
  }
})

t.test('a failed reservation fails the take waiting for it; the next take tries again', async t => {
  const store = memoryStore()
  let fail = true
  const flaky: SendTimeline = {
    ...store,
    reserveSlots: async (...args) => {
      if (fail) throw new Error('database away')
      return await store.reserveSlots(...args)
    }
  }
  const pacer = pacerOn(flaky, 100)
  await t.rejects(pacer.take(), /database away/)
  fail = false
  await t.resolves(pacer.take(), 'taken once the store answers again')
})
