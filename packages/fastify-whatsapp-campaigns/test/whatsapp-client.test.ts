import { createServer as createHttpServer } from 'node:http'
import { createServer } from 'node:net'
import t, { type Test } from 'tap'
import { Agent, type Dispatcher } from 'undici'
import { buildCloudApiFake, startCloudApiFake, type CloudApiFake, type CloudApiFakeOptions } from 'whatsapp-cloud-fake'
import { createCloudApiClient, type CloudApiClientOptions } from '../src/whatsapp/client.js'
import type { TemplateMessage, WhatsAppSender } from '../src/whatsapp/types.js'

const TOKEN = 'EAAG-test-token-123'
const PHONE_NUMBER_ID = '100200300'

const message = (patch: Partial<TemplateMessage> = {}): TemplateMessage =>
  ({ to: '16505551234', templateName: 'welcome', language: 'en_US', bodyParameters: ['Ana', 'May 1'], ...patch })

/** A fake and a client against it, both closed when the test ends. */
async function setup (t: Test, fakeOptions: CloudApiFakeOptions = {}, clientOptions: Partial<CloudApiClientOptions> = {}): Promise<{ fake: CloudApiFake, client: WhatsAppSender }> {
  const fake = await startCloudApiFake({ accessToken: TOKEN, ...fakeOptions })
  const client = createCloudApiClient({ apiUrl: fake.apiUrl, phoneNumberId: PHONE_NUMBER_ID, accessToken: TOKEN, ...clientOptions })
  t.teardown(async () => {
    await client.close()
    await fake.close()
  })
  return { fake, client }
}

/** A port nothing listens on. */
async function closedPort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise(resolve => server.close(resolve))
  return port
}

t.test('sends exactly the JSON Meta expects, with the bearer token, and returns the wamid', async t => {
  const { app, state } = buildCloudApiFake({ accessToken: TOKEN })
  const seen: Array<{ url: string, headers: Record<string, unknown>, body: unknown }> = []
  app.addHook('preHandler', async request => { seen.push({ url: request.url, headers: request.headers, body: request.body }) })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  const client = createCloudApiClient({ apiUrl: `http://127.0.0.1:${port}/v23.0/`, phoneNumberId: PHONE_NUMBER_ID, accessToken: TOKEN })
  t.teardown(async () => { await client.close(); await app.close() })

  const outcome = await client.send(message({ bodyParameters: ['Zoë 👋', '日本語', 'a "quoted" \\ value'] }))
  t.equal(seen[0].url, `/v23.0/${PHONE_NUMBER_ID}/messages`)
  t.equal(seen[0].headers.authorization, `Bearer ${TOKEN}`)
  t.equal(seen[0].headers['content-type'], 'application/json')
  t.equal(seen[0].body, JSON.stringify({
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: '16505551234',
    type: 'template',
    template: {
      name: 'welcome',
      language: { code: 'en_US' },
      components: [{ type: 'body', parameters: [{ type: 'text', text: 'Zoë 👋' }, { type: 'text', text: '日本語' }, { type: 'text', text: 'a "quoted" \\ value' }] }]
    }
  }), 'byte for byte')
  const logged = state.requests.entries[0]
  t.same(outcome, { kind: 'sent', messageId: logged.wamid })
  t.match(logged.wamid, /^wamid\./)
})

t.test('the callback data goes as biz_opaque_callback_data, beside the template', async t => {
  const { fake, client } = await setup(t)
  t.equal((await client.send(message({ bodyParameters: [], callbackData: 'wac1:12:345' }))).kind, 'sent')
  t.same(fake.log[0].body, {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: '16505551234',
    type: 'template',
    template: { name: 'welcome', language: { code: 'en_US' } },
    biz_opaque_callback_data: 'wac1:12:345'
  })
})

t.test('no parameters: no components at all', async t => {
  const { fake, client } = await setup(t)
  t.equal((await client.send(message({ bodyParameters: [] }))).kind, 'sent')
  t.same(fake.log[0].body, {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: '16505551234',
    type: 'template',
    template: { name: 'welcome', language: { code: 'en_US' } }
  })
})

t.test('many sends at once: each accepted once, each with its own wamid', async t => {
  const { fake, client } = await setup(t, {}, { connections: 8 })
  const outcomes = await Promise.all(Array.from({ length: 300 }, (_, i) => client.send(message({ to: `1650555${String(i).padStart(4, '0')}` }))))
  const ids = new Set(outcomes.map(outcome => outcome.kind === 'sent' ? outcome.messageId : outcome.kind))
  t.equal(ids.size, 300)
  t.equal(fake.accepted(), 300)
  t.same(fake.duplicates(), [])
})

t.test('a wrong token halts, and the token appears nowhere in the outcome', async t => {
  const { client } = await setup(t, { accessToken: 'the-right-token' })
  const outcome = await client.send(message())
  t.match(outcome, { kind: 'halt', code: 190, title: 'Invalid OAuth access token - Cannot parse access token', message: /new access token/ })
  t.notMatch(JSON.stringify(outcome), TOKEN)
})

t.test('the token is cut out of anything Meta echoes', async t => {
  const { client } = await setup(t, { failures: { 16505551234: { code: 190, details: `token ${TOKEN} expired` } } })
  const outcome = await client.send(message())
  t.equal(outcome.kind, 'halt')
  t.notMatch(JSON.stringify(outcome), TOKEN)
  t.match(outcome, { message: /token \[redacted\] expired/ })
})

t.test('a missing template halts', async t => {
  const { client } = await setup(t, { templates: [{ name: 'other', language: 'en_US' }] })
  t.match(await client.send(message()), {
    kind: 'halt',
    code: 132001,
    title: 'Template name does not exist in the translation',
    message: /template name \(welcome\) does not exist in en_US/
  })
})

t.test('throughput exceeded: retry, the number is throttled', async t => {
  const { client } = await setup(t, { messagesPerSecond: 1 })
  t.equal((await client.send(message())).kind, 'sent')
  t.same(await client.send(message({ to: '16505550002' })), { kind: 'retry', scope: 'number', code: 130429, title: 'Rate limit hit' })
})

t.test('pair rate limit: retry this recipient; undeliverable: failed; a bare 503: transient', async t => {
  const { client } = await setup(t, {
    failures: { 16505550001: { code: 131056 }, 16505550002: { code: 131026 }, 16505550003: { http: 503 }, 16505550004: { code: 131000 } }
  })
  t.same(await client.send(message({ to: '16505550001' })),
    { kind: 'retry', scope: 'recipient', code: 131056, title: '(Business Account, Consumer Account) pair rate limit hit' })
  t.same(await client.send(message({ to: '16505550002' })), { kind: 'failed', code: 131026, title: 'Message Undeliverable' })
  t.same(await client.send(message({ to: '16505550003' })), { kind: 'retry', scope: 'transient', code: 'HTTP_503', title: 'HTTP 503 Service Unavailable' })
  t.same(await client.send(message({ to: '16505550004' })), { kind: 'retry', scope: 'transient', code: 131000, title: 'Something went wrong' })
})

t.test('the fake refusing the request itself: failed, with Meta\'s code', async t => {
  const { client } = await setup(t)
  t.match(await client.send(message({ bodyParameters: ['two\nlines'] })), { kind: 'failed', code: 132018 })
})

t.test('a 2xx without a wamid: failed, not sent', async t => {
  const odd = (await import('fastify')).default()
  odd.post('/v23.0/:id/messages', async () => ({ messaging_product: 'whatsapp', messages: [] }))
  await odd.listen({ host: '127.0.0.1', port: 0 })
  const { port } = odd.server.address() as { port: number }
  const client = createCloudApiClient({ apiUrl: `http://127.0.0.1:${port}/v23.0`, phoneNumberId: '1', accessToken: TOKEN })
  t.teardown(async () => { await client.close(); await odd.close() })
  t.same(await client.send(message()), { kind: 'failed', code: 'MISSING_MESSAGE_ID', title: 'The Cloud API answered 200 without a message id' })
})

/*
 * A reset after the request was written can come before or after Meta took the message, and the client
 * cannot tell which: both are UNKNOWN_OUTCOME, so the engine never resends them. The fake shows why:
 * one of the two was accepted.
 */
t.test('a connection reset after the request was written: unknown outcome, never a retry', async t => {
  const { fake, client } = await setup(t, { failures: { 16505550001: [{ reset: 'before' }], 16505550002: [{ reset: 'after' }] } })
  const before = await client.send(message({ to: '16505550001' }))
  const after = await client.send(message({ to: '16505550002' }))
  t.match(before, { kind: 'unknown', code: 'UNKNOWN_OUTCOME', title: /may have been delivered/ })
  t.match(after, { kind: 'unknown', code: 'UNKNOWN_OUTCOME' })
  t.equal(fake.acceptedFor('16505550001'), 0)
  t.equal(fake.acceptedFor('16505550002'), 1, 'this one was delivered: a resend would have sent it twice')
  t.equal((await client.send(message({ to: '16505550003' }))).kind, 'sent', 'the pool recovers')
})

t.test('the connection dies in the middle of the answer: a 2xx is unknown, an error status is enough', async t => {
  // Headers, half a body, then the socket is destroyed.
  const server = createHttpServer((request, response) => {
    request.resume()
    request.on('end', () => {
      response.writeHead(request.url?.includes('/1/') ? 200 : 503, { 'content-type': 'application/json', 'content-length': '100' })
      response.write('{"messaging_product":"whats', () => response.socket?.destroy())
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  const clientFor = (id: string) => createCloudApiClient({ apiUrl: `http://127.0.0.1:${port}/v23.0`, phoneNumberId: id, accessToken: TOKEN })
  const accepted = clientFor('1')
  const refused = clientFor('2')
  t.teardown(async () => { await accepted.close(); await refused.close(); await new Promise(resolve => server.close(resolve)) })
  t.match(await accepted.send(message()), { kind: 'unknown', code: 'UNKNOWN_OUTCOME' })
  t.match(await refused.send(message()), { kind: 'retry', scope: 'transient', code: 'HTTP_503' })
})

t.test('no answer in time: unknown outcome', async t => {
  const { client } = await setup(t, { failures: { 16505550001: { timeout: true } } }, { timeoutMs: 300 })
  const started = Date.now()
  t.match(await client.send(message({ to: '16505550001' })), { kind: 'unknown', code: 'UNKNOWN_OUTCOME', title: /UND_ERR_HEADERS_TIMEOUT/ })
  t.ok(Date.now() - started < 2000)
})

t.test('connection refused: transient NETWORK_ERROR (nothing was sent)', async t => {
  const client = createCloudApiClient({ apiUrl: `http://127.0.0.1:${await closedPort()}/v23.0`, phoneNumberId: '1', accessToken: TOKEN })
  t.teardown(() => client.close())
  t.match(await client.send(message()), { kind: 'retry', scope: 'transient', code: 'NETWORK_ERROR', title: /ECONNREFUSED/ })
})

t.test('close() closes the pool the client made; later sends never reach the server', async t => {
  const { fake, client } = await setup(t)
  t.equal((await client.send(message())).kind, 'sent')
  await client.close()
  await client.close()
  t.match(await client.send(message()), { kind: 'retry', scope: 'transient', code: 'NETWORK_ERROR', title: /closed/ })
  t.equal(fake.log.length, 1)
})

/** An Agent that counts the requests dispatched through it. */
class CountingAgent extends Agent {
  dispatched = 0

  override dispatch (options: Agent.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    this.dispatched++
    return super.dispatch(options, handler)
  }
}

t.test('a dispatcher passed in is used, and left open by close()', async t => {
  const fake = await startCloudApiFake({ accessToken: TOKEN })
  const agent = new CountingAgent()
  t.teardown(async () => { await agent.close(); await fake.close() })
  const client = createCloudApiClient({ apiUrl: fake.apiUrl, phoneNumberId: '1', accessToken: TOKEN, dispatcher: agent })
  t.equal((await client.send(message())).kind, 'sent')
  t.equal(agent.dispatched, 1, 'the send went through the agent')
  await client.close()
  t.notOk(agent.closed, 'the agent is the caller\'s')
  const again = createCloudApiClient({ apiUrl: fake.apiUrl, phoneNumberId: '1', accessToken: TOKEN, dispatcher: agent })
  t.equal((await again.send(message())).kind, 'sent', 'and still usable')
  t.equal(agent.dispatched, 2, 'by the next client too')
})

t.test('options are checked when the client is made', async t => {
  const base = { apiUrl: 'https://graph.facebook.com/v23.0', phoneNumberId: '1', accessToken: TOKEN }
  t.throws(() => createCloudApiClient({ ...base, apiUrl: 'graph.facebook.com' }), /apiUrl/)
  t.throws(() => createCloudApiClient({ ...base, phoneNumberId: '' }), /phoneNumberId/)
  t.throws(() => createCloudApiClient({ ...base, accessToken: 'a b' }), /accessToken/)
  t.throws(() => createCloudApiClient({ ...base, connections: 0 }), /connections/)
  t.throws(() => createCloudApiClient({ ...base, timeoutMs: -1 }), /timeoutMs/)
  await createCloudApiClient(base).close()
})
