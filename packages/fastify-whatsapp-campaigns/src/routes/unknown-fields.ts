/** A body's top-level fields: those it takes, and those it accepts and drops. */
export interface TopLevelFields {
  known: string[]
  ignored: string[]
}

/** Edits (insertions, deletions, substitutions, two neighbours swapped) from one word to the other. */
function distance (a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)]
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j], rows[i - 2][j - 2] + 1)
    }
    rows.push(row)
  }
  return rows[a.length][b.length]
}

/** Longer names are no typo of a field's (and comparing them would cost their length times the field's). */
const longestTypo = 64

/** Unknown fields named in one answer; the rest are counted. */
const mostNamed = 10

/** The known field a typo most likely meant: the same but for case, or a couple of letters away. */
export function closestField (field: string, known: string[]): string | undefined {
  if (field.length > longestTypo) return undefined
  const lower = field.toLowerCase()
  let best: { name: string, edits: number } | undefined
  for (const name of known) {
    const edits = distance(lower, name.toLowerCase())
    if (edits <= Math.min(2, Math.floor(name.length / 3)) && (best === undefined || edits < best.edits)) best = { name, edits }
  }
  return best?.name
}

/**
 * Drops the fields to ignore from `body` and names the unknown ones, each with the field it likely
 * meant; undefined when there are none.
 */
export function unknownFieldsWords (body: Record<string, unknown>, fields: TopLevelFields): string | undefined {
  const problems: string[] = []
  let unnamed = 0
  for (const key of Object.keys(body)) {
    if (fields.known.includes(key)) continue
    if (fields.ignored.includes(key)) {
      delete body[key]
      continue
    }
    if (problems.length === mostNamed) {
      unnamed++
      continue
    }
    const meant = closestField(key, fields.known)
    const shown = JSON.stringify(key.length > longestTypo ? `${key.slice(0, longestTypo)}…` : key)
    problems.push(meant === undefined ? `unknown field ${shown}` : `unknown field ${shown}: did you mean "${meant}"?`)
  }
  if (problems.length === 0) return undefined
  const more = unnamed === 0 ? '' : `; and ${unnamed} more unknown field${unnamed === 1 ? '' : 's'}`
  const hint = problems.some(problem => !problem.endsWith('?')) ? ` (the fields are ${fields.known.join(', ')})` : ''
  return `${problems.join('; ')}${more}${hint}`
}
