import { InvalidScheduleError, PastScheduleError } from '../errors.js'

/** How far in the past a schedule may be (a clock a little behind, a form sent slowly) and still start at once. */
export const scheduleGraceMs = 60_000

/** A valid schedule to show in a message: tomorrow at 09:00 UTC, written with Z and with an offset. */
export function scheduleExample (now = new Date()): string {
  const day = new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10)
  return `${day}T09:00:00Z or ${day}T14:30:00+05:30`
}

/**
 * The instant an ISO 8601 date and time (as the API's patterns take it: YYYY-MM-DDThh:mm…) names, or
 * undefined when it names none: a 13th month or a 99th minute, which Date refuses, and 30 February,
 * which Date rolls over into March.
 */
export function realInstant (value: string): Date | undefined {
  const time = new Date(value)
  const [year, month, day] = value.slice(0, 10).split('-').map(Number)
  // setUTCFullYear, not Date.UTC, which takes years 0 to 99 for 1900 to 1999.
  const calendarDay = new Date(0)
  calendarDay.setUTCFullYear(year, month - 1, day)
  if (Number.isNaN(time.getTime()) || calendarDay.getUTCMonth() !== month - 1 || calendarDay.getUTCDate() !== day) return undefined
  return time
}

/** The API's schedule (an ISO string, or null to unschedule) as the store takes it; a day that does not exist is a 400. */
export function scheduleTime (value: string | null | undefined): Date | null {
  if (value === undefined || value === null) return null
  const time = realInstant(value)
  if (time === undefined) throw new InvalidScheduleError(value, scheduleExample())
  return time
}

/** Whether a schedule is further in the past than the grace allows: surely a mistake (a typo'd year, say). */
export function isPastSchedule (time: Date, now = Date.now()): boolean {
  return now - time.getTime() > scheduleGraceMs
}

/** The 400 for a schedule in the past, saying how far and what would do. */
export function pastScheduleError (value: string, time: Date, now = Date.now()): Error {
  return new PastScheduleError(value, howLongAgo(now - time.getTime()), scheduleExample(new Date(now)))
}

function howLongAgo (ms: number): string {
  const minutes = Math.round(ms / 60_000)
  if (minutes < 120) return `${minutes} minutes`
  const hours = Math.round(minutes / 60)
  if (hours < 48) return `${hours} hours`
  return `${Math.round(hours / 24)} days`
}
