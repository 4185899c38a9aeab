/**
 * A webhook body parsed into values PostgreSQL can store. Its text and jsonb cannot hold a NUL, and
 * jsonb refuses half of a UTF-16 surrogate pair: a body carrying either (escaped, as JSON lets them
 * be: `\u0000`, `\ud800`) would fail its insert at every retry, for the 7 days Meta retries. Such a
 * character carries nothing of ours: a NUL is dropped, and a lone half becomes U+FFFD, as a UTF-8
 * decoder reads one. The walk is paid only by a body holding such an escape (or a raw NUL).
 */
export function storableJson (body: Buffer): unknown {
  const text = body.toString('utf8')
  const parsed: unknown = JSON.parse(text)
  if (!body.includes(0) && !/\\u(0000|[dD][89a-fA-F])/.test(text)) return parsed
  if (typeof parsed === 'string') return storableText(parsed)
  // In place, with its own stack: a body nested thousands deep must not overflow the call stack.
  const stack: unknown[] = [parsed]
  while (stack.length > 0) {
    const value = stack.pop()
    if (value === null || typeof value !== 'object') continue
    const object = value as Record<string, unknown>
    for (const key of Object.keys(object)) {
      const item = object[key]
      const storable = typeof item === 'string' ? storableText(item) : item
      const storableKey = storableText(key)
      if (storableKey !== key) delete object[key]
      // Defined, not assigned: a key "__proto__" (JSON.parse makes it an own property) stays one.
      if (storableKey !== key || storable !== item) Object.defineProperty(object, storableKey, { value: storable, writable: true, enumerable: true, configurable: true })
      if (storable !== null && typeof storable === 'object') stack.push(storable)
    }
  }
  return parsed
}

// eslint-disable-next-line no-control-regex -- the NUL is what is looked for
const nul = /\u0000/g
const loneHalf = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

function storableText (text: string): string {
  return text.replace(nul, '').replace(loneHalf, '\ufffd')
}
