import t from 'tap'
import Fastify, { type FastifyInstance } from 'fastify'
import { signatureOf } from 'whatsapp-cloud-fake'
// The built sender: runChild starts the script from the build's folder.
import { runChild } from '../dist/child-process.js'
import type { SenderResult, SenderSpec } from '../dist/webhook-sender.js'

const appSecret = 'sender-test-secret'

interface Seen { id: string, status: string, callback: string, recipient: string }

/** A receiver that checks each body's signature and keeps its statuses in arrival order. */
async function receiver (answer = 200): Promise<{ app: FastifyInstance, origin: string, seen: Seen[], badSignatures: () => number, nonAscii: () => number, maxInFlight: () => number }> {
  const app = Fastify()
  const seen: Seen[] = []
  let bad = 0
  let nonAscii = 0
  let inFlight = 0
  let maxInFlight = 0
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => { done(null, body) })
  app.post('/hook', async (request, reply) => {
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    const body = request.body as Buffer
    if (request.headers['x-hub-signature-256'] !== signatureOf(body, appSecret)) bad++
    if (body.some(byte => byte > 0x7f)) nonAscii++
    const envelope = JSON.parse(body.toString('utf8'))
    for (const status of envelope.entry[0].changes[0].value.statuses) {
      seen.push({ id: status.id, status: status.status, callback: status.biz_opaque_callback_data, recipient: status.recipient_id })
    }
    // Long enough for the workers to overlap.
    await new Promise(resolve => setTimeout(resolve, 5))
    inFlight--
    return await reply.code(answer).send({ ok: answer === 200 })
  })
  const origin = await app.listen({ host: '127.0.0.1', port: 0 })
  return { app, origin, seen, badSignatures: () => bad, nonAscii: () => nonAscii, maxInFlight: () => maxInFlight }
}

function specFor (origin: string, changes: Partial<SenderSpec> = {}): SenderSpec {
  const spec: SenderSpec = { origin, path: '/hook', appSecret, runId: 7, wamidPrefix: 'wamid.test.7.', phoneNumberId: '104', first: 5, count: 8, perBody: 2, block: 4, concurrency: 2, seconds: 30, repeat: false }
  return { ...spec, ...changes }
}

async function send (spec: SenderSpec): Promise<SenderResult> {
  return await runChild<SenderResult>('webhook sender', 'webhook-sender.js', { INGEST_SPEC: JSON.stringify(spec) })
}

t.test('every message of the range gets its delivered, then its read, signed, once each', async t => {
  const server = await receiver()
  t.teardown(async () => { await server.app.close() })
  const result = await send(specFor(server.origin))
  t.match(result, { requests: 8, statuses: 16, delivered: 8, read: 8, refused: 0 })
  t.ok(result.p50Ms > 0 && result.p50Ms <= result.p99Ms && result.p99Ms <= result.maxMs, 'latencies in order')
  t.ok(result.startedAt > Date.now() - 30_000 && result.startedAt <= Date.now(), 'the span starts on our clock')
  t.equal(server.badSignatures(), 0, 'every body verifies under the app secret')
  t.equal(server.nonAscii(), 0, 'ASCII only, as Meta sends')
  t.equal(server.maxInFlight(), 2, 'as many requests in flight as workers')
  for (let position = 5; position <= 12; position++) {
    const id = `wamid.test.7.${position}`
    const delivered = server.seen.findIndex(s => s.id === id && s.status === 'delivered')
    const read = server.seen.findIndex(s => s.id === id && s.status === 'read')
    t.ok(delivered >= 0 && read > delivered, `position ${position}: delivered came before read`)
    t.equal(server.seen.filter(s => s.id === id).length, 2, `position ${position}: two statuses`)
    t.match(server.seen[delivered], { callback: `wac1:7:${position}`, recipient: `919876${String(position - 1).padStart(6, '0')}` })
  }
})

t.test('a refusal stops the sending and is reported', async t => {
  const server = await receiver(503)
  t.teardown(async () => { await server.app.close() })
  const result = await send(specFor(server.origin, { count: 40, block: 4 }))
  t.ok(result.refused >= 1 && result.requests <= 2, `stopped at once (${result.requests} sent)`)
  t.match(result.firstRefusal, /^503: /)
  t.equal(result.statuses, 0, 'nothing counted as answered 200')
})

t.test('with repeat, the bodies go round again until the span ends', async t => {
  const server = await receiver()
  t.teardown(async () => { await server.app.close() })
  const result = await send(specFor(server.origin, { seconds: 0.5, repeat: true }))
  t.ok(result.requests > 8, `${result.requests} requests for 8 bodies`)
  t.ok(result.ms >= 500, 'the span was held')
})

t.test('at a set rate, the bodies go no sooner than they are due, answered or not', async t => {
  const server = await receiver()
  t.teardown(async () => { await server.app.close() })
  // 16 bodies at 40 a second: the last is due 375 ms in; 4 workers could send them all in about 20 ms.
  const result = await send(specFor(server.origin, { count: 16, concurrency: 4, bodiesPerSecond: 40 }))
  t.match(result, { requests: 16, statuses: 32, refused: 0 })
  t.ok(result.ms >= 375, `paced (${Math.round(result.ms)} ms)`)
  t.ok(result.ms < 2000, 'and not slower than the rate needs')
  t.ok(server.maxInFlight() <= 2, 'at 25 ms apart, the 5 ms answers seldom overlap')
})

t.test('a range that is not made of whole blocks is refused', async t => {
  await t.rejects(send(specFor('http://127.0.0.1:9', { count: 6 })), /exited 1/)
})
