/**
 * The name search every adapter shares (ListQuery's `q`). PostgreSQL's ILIKE lowers the name and the
 * pattern one character at a time; the memory adapter folds them the same way, so both find the same.
 */

/** Lower case one code point at a time, as PostgreSQL's lower() does: no context rules (a final Σ is σ, not ς). */
export function foldCase (text: string): string {
  let folded = ''
  for (const char of text) {
    // A few characters lower to more than one (İ to i and a combining dot): the first, as towlower gives.
    folded += String.fromCodePoint(char.toLowerCase().codePointAt(0) ?? 0)
  }
  return folded
}

/** Whether `name` holds `q`, case aside; no `q` matches every name. */
export function nameMatches (name: string, q: string | undefined): boolean {
  return q === undefined || foldCase(name).includes(foldCase(q))
}

/** An ILIKE pattern (with `ESCAPE '\'`) that finds `q` anywhere, its `%`, `_` and `\` taken literally. */
export function containsPattern (q: string): string {
  return `%${q.replace(/[\\%_]/g, '\\$&')}%`
}
