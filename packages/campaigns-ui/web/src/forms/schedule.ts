/**
 * The schedule field: an `<input type="datetime-local">` holds a wall-clock time without a zone; the API
 * wants ISO 8601 with one. Both conversions read the browser's zone for that very date, so a time
 * across a daylight-saving change keeps the offset it will have then.
 */

function pad (value: number, width = 2): string {
  return String(Math.abs(value)).padStart(width, '0')
}

/** `+05:30` for a Date in the browser's zone (getTimezoneOffset counts minutes the other way round). */
export function offsetOf (date: Date): string {
  const minutes = -date.getTimezoneOffset()
  return `${minutes < 0 ? '-' : '+'}${pad(Math.trunc(minutes / 60))}:${pad(minutes % 60)}`
}

/** `2026-12-03T09:00` (local) → `2026-12-03T09:00:00+01:00`; '' → null; a value that is no time → undefined. */
export function scheduleToIso (local: string): string | null | undefined {
  if (local.trim() === '') return null
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local)
  if (match === null) return undefined
  const [year, month, day, hours, minutes, seconds = '0'] = match.slice(1).map(part => part ?? '0')
  const date = new Date(Number(year), Number(month) - 1, Number(day), Number(hours), Number(minutes), Number(seconds))
  if (Number.isNaN(date.getTime())) return undefined
  return `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}${offsetOf(date)}`
}

/** An ISO time from the API → the value a datetime-local input shows for it in the browser's zone. */
export function isoToSchedule (iso: string | null): string {
  if (iso === null) return ''
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return ''
  return `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`
}

/** `Europe/Paris (UTC+01:00)`: the zone a schedule is read in, shown beside the field. */
export function browserZoneLabel (at: Date = new Date()): string {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone
  return `${zone} (UTC${offsetOf(at)})`
}
