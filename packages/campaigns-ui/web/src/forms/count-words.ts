import { formatNumber } from '../lib/format.js'

/** `1 contact`, `2,500 contacts`: a count with its noun agreeing. */
export function countOf (count: number, noun: string): string {
  return `${formatNumber(count)} ${count === 1 ? noun : `${noun}s`}`
}
