/**
 * Arbitraries (fast-check) of what hostile or careless clients send: text PostgreSQL cannot store,
 * numbers no column holds, values of the wrong type where a schema wants another, and values shaped
 * by a route's own schema so that a request gets past the first check and into the code behind it.
 */
import fc, { type Arbitrary } from 'fast-check'
import { phoneFor } from './app.js'

type Schema = Record<string, any>

/** Pieces that break naive code: NUL, lone surrogates, RTL overrides, joined emoji, SQL and LIKE metacharacters. */
const awkwardPieces = [
  '\u0000', '\ud800', '\udfff', '\udc00\ud800', '\u202e', '\u200f', 'مرحبا', 'שלום', '👩‍👩‍👧‍👦', '🇮🇳', 'e\u0301',
  '\ufeff', '\u2028', '\r\n', '\t', '%', '_', '\\', "'", '"', '--', '=1+1', '$' + '{x}', '{{1}}', '{{name}}', ' ', ''
]

/** Any UTF-16 code unit: lone surrogates included, which `fc.string` never gives. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map(unit => String.fromCharCode(unit))

export const hostileString: Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: codeUnit }),
  fc.array(fc.oneof(fc.constantFrom(...awkwardPieces), fc.string({ maxLength: 3 })), { maxLength: 6 }).map(parts => parts.join(''))
)

/** Numbers as text: what a query string or a careless form sends for a number. */
export const numericString: Arbitrary<string> = fc.oneof(
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '-1', '-0', '0', '1e3', '1e400', '0x10', ' 1', '1 ', '01', '+1', '1.0', '1.5',
    '2147483648', '99999999999999999999', '9007199254740993', '١٢٣', '1,000', 'null', 'true', '[]', ''),
  fc.integer().map(String),
  fc.double().map(String),
  fc.bigInt().map(String)
)

export const hostileNumber: Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, -1, 1.5, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), 2 ** 53, Number.MAX_SAFE_INTEGER + 2, 1e308, -1e308, 5e-324)
)

/** Any JSON value, hostile at its leaves. */
export const hostileValue: Arbitrary<unknown> = fc.letrec<{ value: unknown }>(tie => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileString, tie('value'), { maxKeys: 4 })
  )
})).value

export interface ShapeOptions {
  /** Values to mix in for properties of these names, e.g. valid phones for `phone`. */
  named?: Record<string, Arbitrary<unknown>>
  /** How often in ten a value is replaced by any hostile value (default 1). */
  wrongTypeInTen?: number
  /**
   * Values a route should take: strings that match the schema's pattern and length, numbers in its
   * bounds, never a wrong type; what gets a request past validation and into the code behind it.
   */
  tame?: boolean
}

/** Phones as people write them: valid ones (with the plus, spaces and dashes of a form), and the rest. */
export const phoneText: Arbitrary<string> = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 999 }).map(phoneFor), weight: 4 },
  { arbitrary: fc.integer({ min: 0, max: 999 }).map(i => `+${phoneFor(i).replace(/^(\d{2})(\d{5})/, '$1 $2-')}`), weight: 1 },
  { arbitrary: hostileString, weight: 1 }
)

/**
 * A value shaped like `schema` (a TypeBox/JSON schema): the right keys and mostly the right types,
 * strings that match its patterns (which passes impossible dates such as 2026-13-45), numbers near and
 * past its bounds; now and then a value of any type in place of one, a required key left out, or an
 * unknown one added.
 */
export function shapedLike (schema: Schema, options: ShapeOptions = {}): Arbitrary<unknown> {
  const tame = options.tame === true
  const wrong = tame ? 0 : options.wrongTypeInTen ?? 1
  const shaped = (node: Schema, name?: string): Arbitrary<unknown> => {
    const right = rightType(node, name)
    return wrong === 0 ? right : fc.oneof({ arbitrary: right, weight: 10 - wrong }, { arbitrary: hostileValue, weight: wrong })
  }
  const rightType = (node: Schema, name?: string): Arbitrary<unknown> => {
    const named = name === undefined ? undefined : options.named?.[name]
    if (named !== undefined) return fc.oneof({ arbitrary: named, weight: 3 }, { arbitrary: plain(node), weight: 1 })
    return plain(node)
  }
  const plain = (node: Schema): Arbitrary<unknown> => {
    if ('const' in node) return fc.constant(node.const)
    if (Array.isArray(node.anyOf)) return fc.oneof(...(node.anyOf as Schema[]).map(branch => shaped(branch)))
    switch (node.type) {
      case 'string': return tame ? tameString(node) : stringLike(node)
      case 'integer': return tame ? fc.integer(bounds(node)) : integerLike(node)
      case 'number': return hostileNumber
      case 'boolean': return fc.boolean()
      case 'null': return fc.constant(null)
      case 'array': return fc.array(shaped(node.items ?? {}), { maxLength: Math.min(node.maxItems ?? 6, 6) })
      case 'object': return objectLike(node)
      default: return hostileValue
    }
  }
  const objectLike = (node: Schema): Arbitrary<unknown> => {
    const properties = (node.properties ?? {}) as Record<string, Schema>
    const model = Object.fromEntries(Object.entries(properties).map(([key, child]) => [key, shaped(child, key)]))
    const required: string[] = node.required ?? []
    const whole = fc.record(model, { requiredKeys: required })
    if (tame) return whole
    return fc.oneof(
      { arbitrary: whole, weight: 6 },
      { arbitrary: fc.record(model, { requiredKeys: [] }), weight: 1 },
      { arbitrary: fc.tuple(whole, hostileString, hostileValue).map(([object, key, value]) => ({ ...object, [key]: value })), weight: 1 }
    )
  }
  return shaped(schema)
}

function stringLike (node: Schema): Arbitrary<string> {
  const choices: Array<Arbitrary<string>> = [hostileString, numericString]
  if (typeof node.pattern === 'string') choices.push(fc.stringMatching(new RegExp(node.pattern as string)), fc.stringMatching(new RegExp(node.pattern as string)))
  if (node.format === 'date-time') choices.push(fc.date({ noInvalidDate: true }).map(date => date.toISOString()))
  if (typeof node.maxLength === 'number') choices.push(fc.string({ minLength: node.maxLength, maxLength: node.maxLength + 1 }))
  return fc.oneof(...choices)
}

function tameString (node: Schema): Arbitrary<string> {
  if (typeof node.pattern === 'string') return fc.stringMatching(new RegExp(node.pattern as string), { size: 'xsmall' })
  if (node.format === 'date-time') return fc.date({ noInvalidDate: true }).map(date => date.toISOString())
  return fc.string({ unit: 'grapheme', minLength: node.minLength ?? 0, maxLength: Math.min(node.maxLength ?? 30, 30) })
}

function bounds (node: Schema): { min: number, max: number } {
  return {
    min: typeof node.minimum === 'number' ? node.minimum : -(2 ** 31),
    max: typeof node.maximum === 'number' ? node.maximum : 2 ** 31 - 1
  }
}

function integerLike (node: Schema): Arbitrary<number> {
  const { min, max } = bounds(node)
  return fc.oneof(
    { arbitrary: fc.integer({ min, max }), weight: 3 },
    { arbitrary: fc.constantFrom(min - 1, max + 1, min, max), weight: 1 },
    { arbitrary: hostileNumber, weight: 1 }
  )
}

/**
 * Text in a URL as its UTF-8 bytes percent-encoded, every byte but the unreserved ones. Never throws,
 * as encodeURIComponent does on a lone surrogate (which UTF-8 cannot hold: it goes as U+FFFD's bytes).
 */
export function percentEncode (text: string): string {
  let out = ''
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte)
    out += /[A-Za-z0-9\-._~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/** Bytes that are not UTF-8 at all (a lone surrogate's CESU-8 form, stray continuation bytes…), percent-encoded. */
export const brokenUtf8: Arbitrary<string> = fc.oneof(
  fc.constantFrom('%ED%A0%80', '%FF', '%C0%80', '%80', '%E2%82', '%F4%90%80%80', '%00', '%', '%G1', '%%'),
  fc.uint8Array({ minLength: 1, maxLength: 8 }).map(bytes => [...bytes].map(byte => `%${byte.toString(16).padStart(2, '0')}`).join(''))
)

/** A path or query value: text percent-encoded, or bytes that are not text. */
export const urlText = (text: Arbitrary<string>): Arbitrary<string> =>
  fc.oneof({ arbitrary: text.map(percentEncode), weight: 5 }, { arbitrary: brokenUtf8, weight: 1 })
