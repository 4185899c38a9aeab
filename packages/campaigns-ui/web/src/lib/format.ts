const numberFormat = new Intl.NumberFormat()
const percentFormat = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 })
const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })
const clockFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })

export const formatNumber = (value: number): string => numberFormat.format(value)

/** A share of a whole as a percentage; nothing to share of gives an empty string rather than NaN. */
export function formatShare (part: number, whole: number): string {
  return whole > 0 ? percentFormat.format(part / whole) : ''
}

export const formatRatio = (ratio: number): string => percentFormat.format(ratio)

export function formatTime (iso: string | null | undefined): string {
  return iso === null || iso === undefined ? '' : timeFormat.format(new Date(iso))
}

export function formatClock (iso: string | null | undefined): string {
  return iso === null || iso === undefined ? '' : clockFormat.format(new Date(iso))
}

/** A duration left, roughly: "about 40 s", "about 3 min", "about 2 h 5 min". */
export function formatEta (seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return 'no estimate yet'
  const rounded = Math.max(1, Math.round(seconds))
  if (rounded < 60) return `about ${rounded} s left`
  const minutes = Math.round(rounded / 60)
  if (minutes < 60) return `about ${minutes} min left`
  return `about ${Math.floor(minutes / 60)} h ${minutes % 60} min left`
}

export function formatRate (perSecond: number): string {
  if (perSecond >= 10) return `${formatNumber(Math.round(perSecond))}/s`
  return `${perSecond.toFixed(1)}/s`
}
