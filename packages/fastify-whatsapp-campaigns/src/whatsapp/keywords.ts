/**
 * Stop and start keywords in what recipients type or tap. Meta does no keyword processing: acting on
 * STOP is the sender's duty. A word is compared whole, however it was spaced or cased: " stop  all "
 * is STOP ALL, "please stop" is not STOP.
 */

export type Keyword = 'stop' | 'start'

export const defaultStopKeywords: readonly string[] = ['STOP', 'UNSUBSCRIBE', 'STOP ALL']
export const defaultStartKeywords: readonly string[] = ['START']

/** Trimmed, inner runs of whitespace as one space, upper-cased: the form keywords are compared in. */
export function normaliseKeyword (text: string): string {
  return text.trim().replace(/\s+/g, ' ').toUpperCase()
}

/** What a recipient's text says, by the lists given (already normalised): a stop or start keyword, or neither. */
export type KeywordReader = (text: string | undefined) => Keyword | null

export function keywordReader (lists: { stopKeywords: readonly string[], startKeywords: readonly string[] }): KeywordReader {
  const words = new Map<string, Keyword>()
  for (const word of lists.startKeywords) words.set(word, 'start')
  for (const word of lists.stopKeywords) words.set(word, 'stop')
  return text => typeof text === 'string' ? words.get(normaliseKeyword(text)) ?? null : null
}
