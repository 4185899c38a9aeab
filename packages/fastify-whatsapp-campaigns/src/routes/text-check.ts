import { fieldName } from './validation-words.js'

/** A NUL, or half of a UTF-16 surrogate pair without its other half. */
// eslint-disable-next-line no-control-regex -- the NUL is what is looked for
const untextual = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

function problemOf (text: string): string | undefined {
  const found = untextual.exec(text)
  if (found === null) return undefined
  if (found[0] === '\u0000') return 'holds a NUL character (\\u0000), which PostgreSQL text cannot hold: remove it'
  const unit = found[0].charCodeAt(0).toString(16)
  return `holds \\u${unit}, half of a UTF-16 surrogate pair without its other half, which is not text: send the whole character, or remove it`
}

/** Where a value sits: its key and its parent's place, joined into a JSON pointer only when it is named. */
interface Place { parent: Place | null, key: string }

function pointerOf (place: Place | null): string {
  let pointer = ''
  for (let at = place; at !== null; at = at.parent) pointer = `/${at.key.replace(/~/g, '~0').replace(/\//g, '~1')}${pointer}`
  return pointer
}

/**
 * The sentence for the first string of a request part (a body, a query string, path parameters), key
 * or value, that is not text a store can keep; undefined when there is none. JSON escapes let either
 * in (`"\u0000"`, `"\ud800"`), and PostgreSQL refuses both, so it is said here, before any store sees
 * them. The walk keeps its own stack (a body nested thousands deep must not overflow the call stack)
 * and spells a field's place only for the one it names. A 100,000-contact body passes through here,
 * so a quick pass without any of that comes first, and the walk runs only where it finds something.
 */
export function untextualWords (data: unknown, part: string): string | undefined {
  if (allText(data, 0)) return undefined
  const stack: Array<[unknown, Place | null]> = [[data, null]]
  while (stack.length > 0) {
    const [value, place] = stack.pop()!
    if (typeof value === 'string') {
      const problem = problemOf(value)
      if (problem !== undefined) return `${fieldName(pointerOf(place), part)} ${problem}`
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], { parent: place, key: String(i) }])
    } else if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value)
      for (let i = keys.length - 1; i >= 0; i--) {
        const problem = problemOf(keys[i])
        if (problem !== undefined) return `a field name in ${fieldName(pointerOf(place), part)} ${problem}`
        stack.push([(value as Record<string, unknown>)[keys[i]], { parent: place, key: keys[i] }])
      }
    }
  }
  return undefined
}

/** Deeper than this, the quick pass leaves the body to the walk, whose stack has no depth limit. */
const quickDepth = 64

/** Whether every string, key or value, is text; false too when nested past `quickDepth`. */
function allText (value: unknown, depth: number): boolean {
  if (typeof value === 'string') return !untextual.test(value)
  if (value === null || typeof value !== 'object') return true
  if (depth > quickDepth) return false
  if (Array.isArray(value)) {
    for (const item of value) if (!allText(item, depth + 1)) return false
    return true
  }
  for (const key of Object.keys(value)) {
    if (untextual.test(key) || !allText((value as Record<string, unknown>)[key], depth + 1)) return false
  }
  return true
}
