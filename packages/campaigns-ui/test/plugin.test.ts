import Fastify, { type FastifyInstance } from 'fastify'
import t, { type Test } from 'tap'
import campaignsUi, { type CampaignsUiOptions } from '../src/plugin.js'

async function serve (t: Test, options: CampaignsUiOptions, host?: (app: FastifyInstance) => void): Promise<FastifyInstance> {
  const app = Fastify()
  host?.(app)
  await app.register(campaignsUi, options)
  t.teardown(async () => { await app.close() })
  return app
}

const html = { accept: 'text/html,application/xhtml+xml' }

t.test('the page at the prefix, with its base and the API prefix in tags (no inline script)', async t => {
  const app = await serve(t, { apiPrefix: '/api/whatsapp' })
  const page = await app.inject({ url: '/', headers: html })
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /^text\/html/)
  t.equal(page.headers['cache-control'], 'no-cache')
  t.match(page.body, '<base href="/">')
  t.match(page.body, '<meta name="campaigns-api-prefix" content="/api/whatsapp">')
  t.notMatch(page.body, /<script(?![^>]*\ssrc=)[^>]*>/, 'every script is a file')

  const asset = /src="\.\/(assets\/[^"]+\.js)"/.exec(page.body)?.[1]
  t.ok(asset, 'the page names its script')
  const script = await app.inject({ url: `/${asset}` })
  t.equal(script.statusCode, 200)
  t.match(script.headers['cache-control'], /immutable/)
  t.match(script.headers['content-type'], /javascript/)
})

t.test('client routes get the page; missing files, API paths and non-HTML requests get a 404', async t => {
  const app = await serve(t, { apiPrefix: '/api/whatsapp' }, app => {
    app.get('/api/whatsapp/campaigns', async () => [])
  })
  for (const url of ['/campaigns', '/campaigns/12', '/campaigns/12/edit?x=1', '/opt-outs']) {
    const response = await app.inject({ url, headers: html })
    t.equal(response.statusCode, 200, url)
    t.match(response.body, 'campaigns-api-prefix', url)
  }
  for (const url of ['/assets/missing.js', '/favicon.ico', '/api/whatsapp/nope', '/api/whatsapp']) {
    t.equal((await app.inject({ url, headers: html })).statusCode, 404, url)
  }
  t.equal((await app.inject({ url: '/campaigns', headers: { accept: 'application/json' } })).statusCode, 404, 'a JSON client is not sent a page')
  t.equal((await app.inject({ url: '/api/whatsapp/campaigns' })).statusCode, 200, 'the host routes keep theirs')
  t.equal((await app.inject({ method: 'POST', url: '/campaigns', headers: html })).statusCode, 404, 'only GET')
})

t.test('under another prefix, with an absolute API URL escaped into the tag', async t => {
  const app = await serve(t, { prefix: '/admin/campaigns/', apiPrefix: 'https://api.example.test/wa?x=1&y=2' })
  const page = await app.inject({ url: '/admin/campaigns', headers: html })
  t.equal(page.statusCode, 200)
  t.match(page.body, '<base href="/admin/campaigns/">')
  t.match(page.body, 'content="https://api.example.test/wa?x=1&amp;y=2"')
  t.equal((await app.inject({ url: '/admin/campaigns/campaigns/3', headers: html })).statusCode, 200)
  t.equal((await app.inject({ url: '/campaigns', headers: html })).statusCode, 404, 'nothing outside the prefix')
})

t.test('hooks run before every route of the page, assets included', async t => {
  const seen: string[] = []
  const app = await serve(t, {
    apiPrefix: '/api',
    hooks: {
      onRequest: async (request, reply) => {
        seen.push(request.url)
        if (request.headers['x-let-in'] !== 'yes') await reply.code(403).send({ message: 'no' })
      }
    }
  })
  t.equal((await app.inject({ url: '/', headers: html })).statusCode, 403)
  t.equal((await app.inject({ url: '/assets/x.js' })).statusCode, 403)
  t.equal((await app.inject({ url: '/', headers: { ...html, 'x-let-in': 'yes' } })).statusCode, 200)
  t.same(seen, ['/', '/assets/x.js', '/'])
})

t.test('misuse fails at registration with a message that says what to pass', async t => {
  const cases: Array<[unknown, RegExp]> = [
    [{}, /apiPrefix is required/],
    [{ apiPrefix: 'api' }, /apiPrefix must be a path that starts with "\/"/],
    [{ apiPrefix: 'https://' }, /apiPrefix must be a path that starts with "\/" or an http\(s\) URL/],
    [{ apiPrefix: '/api', prefix: 'ui' }, /prefix must be a path that starts with "\/"/],
    [{ apiPrefix: '/api', prefix: '/a"b' }, /prefix must be a path/],
    [{ apiPrefix: '/api', hooks: { onSend: () => {} } }, /hooks.onSend is not supported/],
    [{ apiPrefix: '/api', hooks: { onRequest: 'x' } }, /hooks.onRequest must be a function/]
  ]
  for (const [options, message] of cases) {
    const app = Fastify()
    await t.rejects(async () => { await app.register(campaignsUi, options as CampaignsUiOptions).ready() }, message, JSON.stringify(options))
    await app.close()
  }
  const options = { apiPrefix: '/api/', prefix: '/ui/' }
  const app = Fastify()
  await app.register(campaignsUi, options).ready()
  t.same(options, { apiPrefix: '/api/', prefix: '/ui/' }, "the caller's options are left as they were")
  await app.close()
})

const csp = (value: unknown): Map<string, string> =>
  new Map(String(value).split(';').map(part => part.trim()).filter(part => part !== '').map(part => {
    const [name, ...sources] = part.split(/\s+/)
    return [name, sources.join(' ')]
  }))

t.test("the page's routes carry its own strict Content-Security-Policy and helmet's headers, assets and refusals too", async t => {
  const app = await serve(t, {
    apiPrefix: '/api/whatsapp',
    hooks: { onRequest: async (request, reply) => { if (request.headers['x-let-in'] !== 'yes') await reply.code(403).send({ message: 'no' }) } }
  })
  const page = await app.inject({ url: '/campaigns', headers: { ...html, 'x-let-in': 'yes' } })
  t.equal(page.statusCode, 200)
  const policy = csp(page.headers['content-security-policy'])
  t.equal(policy.get('script-src'), "'self'", 'scripts: its own files, no inline, no eval')
  t.equal(policy.get('style-src'), "'self'", 'styles: its own stylesheet')
  t.equal(policy.get('connect-src'), "'self'")
  t.equal(policy.get('img-src'), "'self' data:")
  t.equal(policy.get('object-src'), "'none'")
  t.notOk(policy.has('upgrade-insecure-requests'), 'a page on plain HTTP keeps its assets')
  t.notMatch(page.headers['content-security-policy'], /unsafe-(inline|eval)/)
  t.equal(page.headers['x-content-type-options'], 'nosniff')
  t.equal(page.headers['x-frame-options'], 'SAMEORIGIN')
  t.equal(page.headers['referrer-policy'], 'no-referrer')
  t.equal(page.headers['strict-transport-security'], undefined, "HSTS binds the whole domain: the host's to set")

  const asset = /src="\.\/(assets\/[^"]+\.js)"/.exec(page.body)?.[1]
  const script = await app.inject({ url: `/${asset}`, headers: { 'x-let-in': 'yes' } })
  t.equal(script.headers['x-content-type-options'], 'nosniff', 'assets too')
  const refused = await app.inject({ url: '/', headers: html })
  t.equal(refused.statusCode, 403)
  t.ok(refused.headers['content-security-policy'], "a page the host's guard refuses too")
})

t.test('an API on another origin is the one other place the page may call; the host keeps its own headers elsewhere', async t => {
  const app = await serve(t, { prefix: '/admin', apiPrefix: 'https://api.example.test:8443/wa' }, app => {
    void app.register(import('@fastify/helmet'), { contentSecurityPolicy: { directives: { 'script-src': ["'self'", "'unsafe-inline'"] } } })
    app.get('/elsewhere', async () => ({ ok: true }))
  })
  const page = await app.inject({ url: '/admin', headers: html })
  t.equal(csp(page.headers['content-security-policy']).get('connect-src'), "'self' https://api.example.test:8443")
  t.equal(csp(page.headers['content-security-policy']).get('script-src'), "'self'", "the page's policy, not the host's, on the page")
  const elsewhere = await app.inject({ url: '/elsewhere' })
  t.match(elsewhere.headers['content-security-policy'], "script-src 'self' 'unsafe-inline'", "the host's policy on its own routes")
})
