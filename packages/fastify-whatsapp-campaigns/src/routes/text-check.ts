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

/**
 * The sentence for the first string of a request part (a body, a query string, path parameters), key
 * or value, that is not text a store can keep; undefined when there is none. JSON escapes let either
 * in (`"\u0000"`, `"\ud800"`), and PostgreSQL refuses both, so it is said here, before any store sees
 * them. The walk keeps its own stack: a body nested thousands deep must not overflow the call stack.
 */
export function untextualWords (data: unknown, part: string): string | undefined {
  const stack: Array<[unknown, string]> = [[data, '']]
  while (stack.length > 0) {
    const [value, path] = stack.pop()!
    if (typeof value === 'string') {
      const problem = problemOf(value)
      if (problem !== undefined) return `${fieldName(path, part)} ${problem}`
    } else if (value !== null && typeof value === 'object') {
      const entries = Array.isArray(value) ? value.map((item, index) => [String(index), item] as const) : Object.entries(value)
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, item] = entries[i]
        const step = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`
        const problem = problemOf(key)
        if (problem !== undefined) return `a field name in ${fieldName(path, part)} ${problem}`
        stack.push([item, step])
      }
    }
  }
  return undefined
}
