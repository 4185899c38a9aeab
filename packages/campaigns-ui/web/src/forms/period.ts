/** The analytics page's period: a preset ending now, or whole days in the browser's zone. */
export type Preset = '24h' | '7d' | '30d' | '90d' | 'custom'

export interface PeriodChoice {
  preset: Preset
  /** `YYYY-MM-DD` of a date input, for `custom` */
  from: string
  /** `YYYY-MM-DD`, included */
  to: string
}

export const presets: ReadonlyArray<{ value: Preset, label: string }> = [
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: '90d', label: 'Last 90 days' },
  { value: 'custom', label: 'Dates of my choice' }
]

const hours: Record<Exclude<Preset, 'custom'>, number> = { '24h': 24, '7d': 7 * 24, '30d': 30 * 24, '90d': 90 * 24 }

function localMidnight (day: string, addDays = 0): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day)
  if (match === null) return null
  return new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + addDays)
}

/** The query of GET /analytics, or a sentence saying why the choice is no period. */
export function periodOf (choice: PeriodChoice, now: Date): { from: string, to: string } | string {
  if (choice.preset !== 'custom') {
    return { from: new Date(now.getTime() - hours[choice.preset] * 3_600_000).toISOString(), to: now.toISOString() }
  }
  const from = localMidnight(choice.from)
  const to = localMidnight(choice.to, 1)
  if (from === null || to === null) return 'Choose both dates of the period.'
  if (to <= from) return 'The period ends before it starts: choose a To date on or after the From date.'
  return { from: from.toISOString(), to: to.toISOString() }
}
