import t from 'tap'
import { untextualWords } from '../src/routes/text-check.js'

t.test('text anywhere passes; a NUL or a lone surrogate is named by its place, key or value', async t => {
  t.equal(untextualWords({ name: 'Zoë 🎉 שלום', contacts: [{ phone: '+16505551234', parameters: ['a', '𝔸'] }] }, 'body'), undefined)
  t.equal(untextualWords(42, 'body'), undefined)
  t.match(untextualWords({ contacts: [{ name: 'ok' }, { name: 'a\u0000b' }] }, 'body'), /^contacts\[1\]\.name holds a NUL/)
  t.match(untextualWords({ contacts: [{ parameters: ['x', '\ud800'] }] }, 'body'), /^contacts\[0\]\.parameters\[1\] holds \\ud800/)
  t.match(untextualWords({ 'a/b~c': '\udc00' }, 'querystring'), /^a\/b~c holds \\udc00/, 'a key with / and ~ is spelled as it is')
  t.match(untextualWords({ meta: { 'k\u0000': 1 } }, 'body'), /^a field name in meta holds a NUL/)
  t.match(untextualWords('\u0000', 'params'), /^the params holds a NUL/)
})

t.test('a body nested deeper than the quick pass goes is walked whole, without overflowing the stack', async t => {
  const nest = (depth: number, leaf: unknown): unknown => {
    let value = leaf
    for (let i = 0; i < depth; i++) value = { n: [value] }
    return value
  }
  t.equal(untextualWords(nest(100_000, 'fine'), 'body'), undefined, 'deep but text')
  t.match(untextualWords(nest(100, 'bad\u0000'), 'body'), /^n\[0\](\.n\[0\]){99} holds a NUL/, 'the place of a NUL at the bottom')
})
