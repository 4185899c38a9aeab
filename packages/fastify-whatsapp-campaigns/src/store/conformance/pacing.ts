/** Conformance: the send timeline of a sending number — reservations, throttles, recovery. */
import { sleep, type Group, type StoreView } from './context.js'

/** Floating point slots: equal up to a nanosecond. */
const close = (a: number, b: number): boolean => Math.abs(a - b) < 1e-6

async function rejects (fn: () => Promise<unknown>): Promise<boolean> {
  try {
    await fn()
    return false
  } catch (err) {
    return err instanceof RangeError
  }
}

/** The rate the next reservation of `key` gets (each reservation also wins a little back). */
async function rateOf (store: StoreView, key: string, maxRate: number): Promise<number> {
  return 1000 / (await store.reserveSlots(key, 1, maxRate)).intervalMs
}

export function pacing ({ test }: Group): void {
  test('pacing: the first reservation starts now at maxRate; the next one where it ended', async (t, store) => {
    const before = Date.now()
    const first = await store.reserveSlots('15550001', 10, 100)
    t.equal(first.intervalMs, 10, '1000 / maxRate apart')
    t.ok(first.firstSlotAt >= first.now && first.firstSlotAt - first.now < 50, 'from now')
    t.ok(Math.abs(first.now - before) < 5_000, "the store's clock is about the caller's")
    const second = await store.reserveSlots('15550001', 5, 100)
    t.ok(close(second.firstSlotAt, first.firstSlotAt + 10 * 10), `right after the first ten (${second.firstSlotAt - first.firstSlotAt} ms later)`)
    t.ok(second.now >= first.now, 'the clock goes on')
    const other = await store.reserveSlots('15550002', 1, 100)
    t.ok(other.firstSlotAt < second.firstSlotAt, 'another number has a timeline of its own')
  })

  test('pacing: an idle timeline starts again from now, not from its old end', async (t, store) => {
    const first = await store.reserveSlots('15550001', 2, 1000)
    await sleep(30)
    const second = await store.reserveSlots('15550001', 2, 1000)
    t.ok(second.firstSlotAt >= first.firstSlotAt + 25, 'slots in the past are not handed out')
    t.ok(close(second.firstSlotAt, second.now), 'it starts at its now')
  })

  test('pacing: a throttle slows the rate by its factor once per burst; after a quiet second each reservation wins a little back, up to maxRate', async (t, store) => {
    const key = '15550001'
    await store.reserveSlots(key, 1, 80)
    await store.throttle(key, 0.75)
    await store.throttle(key, 0.5)
    t.ok(close(await rateOf(store, key, 80), 60), 'slowed by the factor, once for the two throttles of one burst')
    t.ok(close(await rateOf(store, key, 80), 60), 'held while the throttle is recent: nothing won back yet')
    await sleep(1050)
    t.ok(close(await rateOf(store, key, 80), 60), 'the first reservation after the quiet second is still at the throttled rate')
    t.ok(close(await rateOf(store, key, 80), 63), 'then 5% back')
    let rate = 0
    for (let i = 0; i < 20; i++) rate = await rateOf(store, key, 80)
    t.ok(close(rate, 80), `all of it back within 15 reservations, never more (${rate}/s)`)
    await store.throttle(key, 0.9)
    t.ok(close(await rateOf(store, key, 80), 72), 'a later burst slows it again, by its own factor')
  })

  test('pacing: a throttle keeps the slots already handed out, and never goes below 1/s', async (t, store) => {
    const key = '15550001'
    const big = await store.reserveSlots(key, 100, 1.2)
    await store.throttle(key, 0.75)
    const next = await store.reserveSlots(key, 1, 1.2)
    t.ok(close(next.firstSlotAt, big.firstSlotAt + 100 * 1000 / 1.2), 'after every slot reserved before the throttle')
    t.ok(close(next.intervalMs, 1000), 'at the throttled rate: 1/s, not 0.9/s')
    const slow = await store.reserveSlots('15550002', 1, 0.5)
    await store.throttle('15550002', 0.75)
    t.ok(close((await store.reserveSlots('15550002', 1, 0.5)).intervalMs, 2000), 'a rate below 1/s is not raised by a throttle')
    t.ok(slow.intervalMs === 2000)
  })

  test('pacing: a lower maxRate applies at once; a throttle of an unknown number does nothing; bad arguments are refused', async (t, store) => {
    await store.reserveSlots('15550001', 1, 100)
    t.ok(close((await store.reserveSlots('15550001', 1, 10)).intervalMs, 100))
    t.ok(close((await store.reserveSlots('15550001', 1, 100)).intervalMs, 100), 'a higher one is not taken at once')
    t.ok(close((await store.reserveSlots('15550001', 1, 100)).intervalMs, 1000 / 10.5), 'but won back step by step')
    await store.throttle('15550009', 0.75)
    t.ok(close((await store.reserveSlots('15550009', 1, 50)).intervalMs, 20), 'the first reservation after it is at maxRate')
    t.ok(await rejects(async () => await store.reserveSlots('15550001', 0, 10)), 'count 0')
    t.ok(await rejects(async () => await store.reserveSlots('15550001', 1.5, 10)), 'a fractional count')
    t.ok(await rejects(async () => await store.reserveSlots('15550001', 2 ** 31, 10)), 'more slots than anyone sends at once')
    t.ok(await rejects(async () => await store.reserveSlots('15550001', 1, 0)), 'maxRate 0')
    t.ok(await rejects(async () => await store.reserveSlots('15550001', 1, Number.POSITIVE_INFINITY)), 'an endless rate')
    for (const factor of [0, 1, 1.5, -0.5, Number.NaN]) t.ok(await rejects(async () => await store.throttle('15550001', factor)), `a throttle factor of ${factor}`)
  })

  test('pacing: concurrent reservations never overlap', async (t, store) => {
    const count = 3
    const reservations = await Promise.all(Array.from({ length: 30 }, async () => await store.reserveSlots('15550001', count, 500)))
    const sorted = reservations.sort((a, b) => a.firstSlotAt - b.firstSlotAt)
    t.ok(sorted.every((r, i) => i === 0 || r.firstSlotAt >= sorted[i - 1].firstSlotAt + count * sorted[i - 1].intervalMs - 1e-6), 'each starts after the one before ends')
  })
}
