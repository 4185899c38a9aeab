import t from 'tap'
import { fakeFor, post, templateSend } from './helpers.js'

const withTemplate = (name: string, language: string, texts: string[]) => templateSend(undefined, {
  template: {
    name,
    language: { code: language },
    ...(texts.length > 0 ? { components: [{ type: 'body', parameters: texts.map(text => ({ type: 'text', text })) }] } : {})
  }
})

t.test('without templates, any name and language is accepted (sandbox)', async t => {
  const fake = await fakeFor(t)
  t.equal((await post(fake, { body: withTemplate('anything_at_all', 'xx_YY', []) })).status, 200)
})

t.test('with templates, Meta\'s checks apply', async t => {
  const fake = await fakeFor(t, {
    templates: [
      { name: 'welcome', language: 'en_US', bodyParameters: 2 },
      { name: 'open', language: 'en' },
      { name: 'paused', language: 'en', status: 'PAUSED' },
      { name: 'disabled', language: 'en', status: 'DISABLED' },
      { name: 'pending', language: 'en', status: 'PENDING' }
    ]
  })
  t.equal((await post(fake, { body: withTemplate('welcome', 'en_US', ['a', 'b']) })).status, 200)
  t.equal((await post(fake, { body: withTemplate('open', 'en', ['any', 'count', 'goes']) })).status, 200, 'bodyParameters absent: not checked')

  const missing = await post(fake, { body: withTemplate('nope', 'en_US', []) })
  t.equal(missing.status, 404)
  t.match(missing.json.error, {
    message: '(#132001) Template name does not exist in the translation',
    type: 'OAuthException',
    code: 132001,
    error_data: { messaging_product: 'whatsapp', details: 'template name (nope) does not exist in en_US' }
  })
  const wrongLanguage = await post(fake, { body: withTemplate('welcome', 'pt_BR', ['a', 'b']) })
  t.equal(wrongLanguage.status, 404)
  t.equal(wrongLanguage.json.error.error_data.details, 'template name (welcome) does not exist in pt_BR')
  t.equal((await post(fake, { body: withTemplate('pending', 'en', []) })).json.error.code, 132001, 'not approved reads as missing')

  const count = await post(fake, { body: withTemplate('welcome', 'en_US', ['a']) })
  t.equal(count.status, 400)
  t.match(count.json.error, {
    message: '(#132000) Number of parameters does not match the expected number of params',
    code: 132000,
    error_data: { details: 'body: number of localizable_params (1) does not match the expected number of params (2)' }
  })

  const paused = await post(fake, { body: withTemplate('paused', 'en', []) })
  t.equal(paused.status, 400)
  t.match(paused.json.error, { message: '(#132015) Template is Paused', code: 132015 })
  const disabled = await post(fake, { body: withTemplate('disabled', 'en', []) })
  t.match(disabled.json.error, { message: '(#132016) Template is Disabled', code: 132016 })
  t.equal(fake.accepted(), 2)
})

t.test('templates can be changed at runtime', async t => {
  const fake = await fakeFor(t, { templates: [{ name: 'welcome', language: 'en_US' }] })
  t.equal((await post(fake)).status, 200)
  fake.setOptions({ templates: [{ name: 'welcome', language: 'en_US', status: 'PAUSED' }] })
  t.equal((await post(fake)).json.error.code, 132015)
  fake.setOptions({ templates: undefined })
  t.equal((await post(fake, { body: withTemplate('other', 'de', []) })).status, 200)
})

t.test('a template without a language is approved in every language; one with a language is judged first', async t => {
  const fake = await fakeFor(t, {
    templates: [
      { name: 'welcome' },
      { name: 'welcome', language: 'de', status: 'PAUSED' }
    ]
  })
  t.equal((await post(fake, { body: withTemplate('welcome', 'en_US', []) })).status, 200)
  t.equal((await post(fake, { body: withTemplate('welcome', 'pt_BR', []) })).status, 200)
  t.equal((await post(fake, { body: withTemplate('welcome', 'de', []) })).json.error.code, 132015, 'the language-specific entry wins')
  const other = await post(fake, { body: withTemplate('other', 'en_US', []) })
  t.equal(other.status, 404)
  t.equal(other.json.error.code, 132001)
})
