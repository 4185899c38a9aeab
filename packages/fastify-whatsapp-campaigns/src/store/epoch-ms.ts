/**
 * Times as epoch milliseconds, the form they take where thousands a second cross to and from
 * PostgreSQL or the status journal: a number is far cheaper both ways than timestamptz text, and
 * JSON.stringify writes it on its fast path, where a Date (through toJSON) takes the slow one.
 */

/**
 * A time SQL gave as epoch milliseconds (`date_part('epoch', t) * 1000`: a float8, a string if the
 * host parses float8 itself). Rounded: the float8 of a whole millisecond can land a hair below it.
 */
export function fromEpochMs (value: number | string | null): Date | null {
  return value === null ? null : new Date(Math.round(Number(value)))
}

/** A time as `fromEpochMs` gives it and `to_timestamp(x / 1000)` takes it. */
export function epochMs (value: Date | null): number | null {
  return value === null ? null : value.getTime()
}
