import t from 'tap'
import { fakeFor, post, templateSend } from './helpers.js'

const graphError = (code: number, extra: Record<string, unknown> = {}) => ({
  error: { type: 'OAuthException', code, fbtrace_id: /^[\w-]{23}$/, ...extra }
})

t.test('a template send is answered exactly like Meta', async t => {
  const fake = await fakeFor(t)
  const answer = await post(fake)
  t.equal(answer.status, 200)
  t.match(answer.headers['content-type'], /^application\/json/)
  t.same(Object.keys(answer.json), ['messaging_product', 'contacts', 'messages'])
  t.same(answer.json.contacts, [{ input: '+16505551234', wa_id: '16505551234' }])
  t.equal(answer.json.messages.length, 1)
  t.same(Object.keys(answer.json.messages[0]), ['id', 'message_status'])
  t.equal(answer.json.messages[0].message_status, 'accepted')
  t.match(answer.json.messages[0].id, /^wamid\.HBgL[A-Za-z0-9+/=]+$/)
  t.ok(answer.json.messages[0].id.length <= 128)
})

t.test('wamids are unique, within one fake and across fakes', async t => {
  const a = await fakeFor(t)
  const b = await fakeFor(t)
  const ids = new Set<string>()
  for (const fake of [a, b, a, b]) ids.add((await post(fake)).json.messages[0].id)
  t.equal(ids.size, 4)
})

t.test('any v<major>.<minor> version; anything else is an unknown path', async t => {
  const fake = await fakeFor(t)
  t.equal((await post(fake, { path: '/v21.0/1/messages' })).status, 200)
  t.equal((await post(fake, { path: '/v26.0/1/messages' })).status, 200)
  const bad = await post(fake, { path: '/latest/1/messages' })
  t.equal(bad.status, 400)
  t.match(bad.json, graphError(2500, { message: 'Unknown path components: /latest/1/messages' }))
  const elsewhere = await post(fake, { path: '/v23.0/1/media' })
  t.equal(elsewhere.json.error.code, 2500)
})

t.test('the bearer token', async t => {
  const fake = await fakeFor(t)
  const missing = await post(fake, { token: null })
  t.equal(missing.status, 401)
  t.match(missing.json, graphError(190, { message: 'An access token is required to request this resource.' }))
  t.notOk('error_data' in missing.json.error, 'auth errors carry no error_data')

  const wrong = await post(fake, { token: 'nope' })
  t.equal(wrong.status, 401)
  t.same(Object.keys(wrong.json.error), ['message', 'type', 'code', 'fbtrace_id'])
  t.match(wrong.json, graphError(190, { message: 'Invalid OAuth access token - Cannot parse access token' }))

  t.equal((await post(fake, { token: null, path: '/v23.0/1/messages?access_token=test-token' })).status, 200, 'the query parameter works too')
  t.equal(fake.accepted(), 1)
})

t.test('the default token is sandbox-token; the 190 status can be overridden', async t => {
  const fake = await fakeFor(t, { accessToken: undefined, httpStatusFor: { 190: 400 } })
  t.equal((await post(fake, { token: 'sandbox-token' })).status, 200)
  t.equal((await post(fake, { token: 'test-token' })).status, 400)
})

t.test('an unknown phone number id, when the ids are listed', async t => {
  const fake = await fakeFor(t, { phoneNumberIds: ['100200300'] })
  t.equal((await post(fake)).status, 200)
  const unknown = await post(fake, { path: '/v23.0/999/messages' })
  t.equal(unknown.status, 400)
  t.match(unknown.json, {
    error: {
      message: /^Unsupported post request\. Object with ID '999' does not exist/,
      type: 'GraphMethodException',
      code: 100,
      error_subcode: 33
    }
  })
})

t.test('the body must be JSON', async t => {
  const fake = await fakeFor(t)
  for (const body of ['not json', '', '{"to":']) {
    const answer = await post(fake, { body, contentType: 'text/plain' })
    t.equal(answer.status, 400, JSON.stringify(body))
    t.match(answer.json, graphError(100, { message: '(#100) Invalid parameter', error_data: { messaging_product: 'whatsapp', details: /JSON/ } }))
  }
  t.equal((await post(fake, { body: JSON.stringify(templateSend()), contentType: 'text/plain' })).status, 200, 'JSON is read whatever the content type')
})

t.test('request checks answer like Meta', async t => {
  const fake = await fakeFor(t)
  const template = (patch: Record<string, unknown>) => ({ name: 'welcome', language: { code: 'en_US' }, ...patch })
  const body = (components: unknown[]) => templateSend(undefined, { template: template({ components }) })
  const cases: Array<[string, unknown, number, RegExp]> = [
    ['no messaging_product', templateSend(undefined, { messaging_product: undefined }), 100, /^$/],
    ['another product', templateSend(undefined, { messaging_product: 'messenger' }), 100, /messaging_product/],
    ['a bad recipient_type', templateSend(undefined, { recipient_type: 'crowd' }), 100, /recipient_type/],
    ['no to', templateSend(undefined, { to: undefined }), 100, /^$/],
    ['letters in to', templateSend('+1650abc'), 100, /to is not a valid phone number/],
    ['too short a number', templateSend('123'), 100, /to is not a valid phone number/],
    ['no type', templateSend(undefined, { type: undefined }), 131008, /type is required/],
    ['a text message', templateSend(undefined, { type: 'text' }), 131051, /template/],
    ['no template', templateSend(undefined, { template: undefined }), 131008, /template is required/],
    ['no template name', templateSend(undefined, { template: { language: { code: 'en' } } }), 131008, /template\['name'\]/],
    ['no language', templateSend(undefined, { template: { name: 'x' } }), 131008, /template\['language'\]\['code'\]/],
    ['a bad language policy', templateSend(undefined, { template: template({ language: { code: 'en', policy: 'fallback' } }) }), 100, /policy/],
    ['components not an array', templateSend(undefined, { template: template({ components: {} }) }), 100, /components/],
    ['upper-case component type', body([{ type: 'BODY', parameters: [] }]), 100, /header, body or button|\{header, body, button\}/],
    ['a button without sub_type', body([{ type: 'button', index: '0', parameters: [] }]), 131008, /sub_type/],
    ['an unknown parameter type', body([{ type: 'body', parameters: [{ type: 'emoji', emoji: 'x' }] }]), 100, /parameter type/],
    ['a text parameter without text', body([{ type: 'body', parameters: [{ type: 'text' }] }]), 131008, /^Parameter of type text is missing text value$/],
    ['a number as text', body([{ type: 'body', parameters: [{ type: 'text', text: 9999 }] }]), 100, /invalid text value/],
    ['a new line in a text parameter', body([{ type: 'body', parameters: [{ type: 'text', text: 'a\nb' }] }]), 132018, /new-line/],
    ['five spaces in a text parameter', body([{ type: 'body', parameters: [{ type: 'text', text: 'a     b' }] }]), 132018, /consecutive spaces/],
    ['a currency without its object', body([{ type: 'body', parameters: [{ type: 'currency' }] }]), 131008, /currency/]
  ]
  for (const [name, requestBody, code, details] of cases) {
    const answer = await post(fake, { body: requestBody })
    t.equal(answer.status, 400, name)
    t.equal(answer.json?.error?.code, code, name)
    t.match(answer.json.error.message, new RegExp(`^\\(#${code}\\) `), name)
    t.match(answer.json.error.error_data?.details ?? '', details, name)
  }
  t.equal(fake.accepted(), 0)
})

t.test('well-formed components of every kind pass', async t => {
  const fake = await fakeFor(t)
  const components = [
    { type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/a.png' } }] },
    {
      type: 'body',
      parameters: [
        { type: 'text', text: 'Zoë 👋 日本' },
        { type: 'currency', currency: { fallback_value: '$1', code: 'USD', amount_1000: 1000 } },
        { type: 'date_time', date_time: { fallback_value: 'May 1' } }
      ]
    },
    { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'STOP' }] },
    { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'abc' }] }
  ]
  const answer = await post(fake, { body: templateSend('16505551234', { template: { name: 'promo', language: { code: 'pt_BR', policy: 'deterministic' }, components } }) })
  t.equal(answer.status, 200)
  t.same(fake.log[0].components, components)
})

t.test('errors of the HTTP layer answer in Graph\'s shape too', async t => {
  const fake = await fakeFor(t)
  const answer = await post(fake, { body: JSON.stringify({ pad: 'x'.repeat(1_100_000) }) })
  t.equal(answer.status, 413)
  t.match(answer.json, { error: { message: '(#100) Invalid parameter', code: 100, type: 'OAuthException' } })
})
