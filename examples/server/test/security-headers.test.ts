import t from 'tap'
import { buildInProcessServer } from './helpers/in-process-server.js'

const api = '/api/whatsapp'
const html = { accept: 'text/html' }

/** A Content-Security-Policy header as directive → its sources. */
function policyOf (header: unknown): Map<string, string> {
  return new Map(String(header).split(';').map(part => part.trim()).filter(part => part !== '').map(part => {
    const [name, ...sources] = part.split(/\s+/)
    return [name, sources.join(' ')]
  }))
}

const app = await buildInProcessServer(t, { WHATSAPP_VERIFY_TOKEN: 'verify-me' })

t.test("the page: its own strict policy and helmet's headers", async t => {
  const page = await app.inject({ url: '/', headers: html })
  t.equal(page.statusCode, 200)
  const policy = policyOf(page.headers['content-security-policy'])
  t.equal(policy.get('script-src'), "'self'")
  t.equal(policy.get('style-src'), "'self'")
  t.equal(policy.get('connect-src'), "'self'")
  t.notMatch(page.headers['content-security-policy'], /unsafe-(inline|eval)/)
  t.match(page.headers, {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'SAMEORIGIN',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin'
  })
  t.notOk(page.headers['strict-transport-security'], 'plain HTTP: HSTS is for the TLS proxy in front')
  t.equal(policyOf((await app.inject({ url: '/campaigns/7', headers: html })).headers['content-security-policy']).get('script-src'), "'self'", 'every view of the page')
})

t.test('the API: JSON as before, under a policy that allows nothing', async t => {
  const list = await app.inject({ url: `${api}/campaigns` })
  t.equal(list.statusCode, 200)
  t.match(list.headers['content-type'], /^application\/json/)
  t.same(list.json(), [])
  t.equal(policyOf(list.headers['content-security-policy']).get('default-src'), "'none'")
  t.equal(list.headers['x-content-type-options'], 'nosniff')

  const created = await app.inject({ method: 'POST', url: `${api}/campaigns`, payload: { name: 'Headers', templateName: 'hello_world', contacts: [{ phone: '919876000001' }] } })
  t.equal(created.statusCode, 201)
  t.match(created.json(), { name: 'Headers', status: 'draft' })

  const refused = await app.inject({ method: 'POST', url: `${api}/campaigns`, payload: { name: 'Bad', templateName: 'Not A Template' } })
  t.equal(refused.statusCode, 400)
  t.match(refused.json(), { statusCode: 400, error: 'Bad Request', code: 'FST_ERR_VALIDATION', message: /templateName/ })
  t.equal(refused.headers['x-content-type-options'], 'nosniff', 'errors too')

  const verified = await app.inject({ url: `${api}/webhook?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444` })
  t.equal(verified.statusCode, 200)
  t.equal(verified.body, '1158201444', "Meta's verification gets its bare challenge")
})

t.test('the docs: Swagger UI under its own policy, scripts its own files only; the document as JSON', async t => {
  const docs = await app.inject({ url: '/docs/' })
  t.equal(docs.statusCode, 200)
  const policy = policyOf(docs.headers['content-security-policy'])
  t.equal(policy.get('script-src'), "'self'")
  t.equal(policy.get('connect-src'), "'self'")
  t.notOk(policy.has('upgrade-insecure-requests'))
  const document = await app.inject({ url: '/docs/json' })
  t.equal(document.statusCode, 200)
  t.match(document.json(), { openapi: /^3\./, paths: { [`${api}/campaigns`]: {} } })
})
