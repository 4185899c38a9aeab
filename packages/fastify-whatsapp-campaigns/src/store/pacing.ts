/**
 * The rules of the shared send timeline per sending number (`reserveSlots` / `throttle`), as plain
 * functions: the memory adapter applies them to a Map, the PostgreSQL adapter states the same rules
 * in one SQL statement each, with these constants as parameters.
 */

import { isPositive } from '../positive.js'

/**
 * Each reservation wins back this much of a throttled rate (from half the rate to all of it in 15
 * reservations), but only once `throttleQuietMs` passed since the last throttle: a rate still being
 * refused must go down, not halfway back up between throttles.
 */
export const rateRecovery = 1.05

/** A throttle never takes a number below one message per second (nor raises one already lower). */
export const slowestThrottledRate = 1

/**
 * Throttles closer together than this are one: a burst of 130429s, one per send in flight, from every
 * instance. It is also how long a throttled rate is held before it recovers.
 */
export const throttleQuietMs = 1000

export interface Timeline {
  /** The first slot nobody has reserved, epoch ms. */
  nextSlotAt: number
  /** Messages per second now. */
  rate: number
  throttledAt: number
}

export interface Reservation {
  firstSlotAt: number
  intervalMs: number
  now: number
}

/** More slots than anyone sends in one reservation; it keeps counts within SQL's integer. */
export const mostSlots = 1_000_000

export function checkReservation (count: number, maxRate: number): void {
  if (!Number.isInteger(count) || count < 1 || count > mostSlots) {
    throw new RangeError(`reserveSlots: count must be an integer from 1 to ${mostSlots}, got ${count}`)
  }
  if (!isPositive(maxRate, false)) throw new RangeError(`reserveSlots: maxRate must be a positive number, got ${maxRate}`)
}

export function checkThrottle (factor: number): void {
  if (!(factor > 0 && factor < 1)) throw new RangeError(`throttle: factor must be between 0 and 1, got ${factor}`)
}

/** Reserves `count` slots on `timeline` (none yet: a fresh one at `maxRate`) at `now`; the timeline after it. */
export function reserve (timeline: Timeline | undefined, count: number, maxRate: number, now: number): { timeline: Timeline, reservation: Reservation } {
  const rate = Math.min(maxRate, timeline?.rate ?? maxRate)
  const intervalMs = 1000 / rate
  const firstSlotAt = Math.max(timeline?.nextSlotAt ?? now, now)
  return {
    timeline: {
      nextSlotAt: firstSlotAt + count * intervalMs,
      rate: timeline === undefined ? maxRate : Math.min(maxRate, now - timeline.throttledAt >= throttleQuietMs ? rate * rateRecovery : rate),
      throttledAt: timeline?.throttledAt ?? -Infinity
    },
    reservation: { firstSlotAt, intervalMs, now }
  }
}

/** Slows the rate to `factor` of it, unless a throttle came less than `throttleQuietMs` ago. Reserved slots stay reserved. */
export function throttled (timeline: Timeline, factor: number, now: number): Timeline {
  if (now - timeline.throttledAt < throttleQuietMs) return timeline
  return { ...timeline, rate: Math.min(timeline.rate, Math.max(slowestThrottledRate, timeline.rate * factor)), throttledAt: now }
}
