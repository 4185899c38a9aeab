/** The one test of a positive number, for every option and setting of the plugin that takes one. */
export function isPositive (value: unknown, integer: boolean): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && (!integer || Number.isInteger(value))
}
