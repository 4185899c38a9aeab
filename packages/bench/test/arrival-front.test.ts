import { connect, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { request } from 'undici'
import { startCloudApiFake } from 'whatsapp-cloud-fake'
// The built front: its thread loads arrival-front-worker.js, which only the build has.
import { startArrivalFront } from '../dist/arrival-front.js'
import { within } from '../../whatsapp-cloud-fake/test/wait-for.js'

const header = 'x-judge-arrival'
const token = 'front-token'

function sendBody (to: string): string {
  return JSON.stringify({ messaging_product: 'whatsapp', to, type: 'template', template: { name: 'hello', language: { code: 'en' } } })
}

function rawRequest (to: string): string {
  const body = sendBody(to)
  return `POST /v23.0/1/messages HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
}

/** Reads from `socket` until `count` HTTP answers (each `HTTP/1.1 …`) came in. */
async function answers (socket: Socket, count: number): Promise<string> {
  let text = ''
  for await (const chunk of socket) {
    text += String(chunk)
    if ((text.match(/HTTP\/1\.1 /g) ?? []).length >= count && text.trimEnd().endsWith('}')) return text
  }
  return text
}

t.test('the arrival front writes when a request began to arrive, whatever the way it is cut', async t => {
  const fake = await startCloudApiFake({ accessToken: token, arrivalHeader: header, keepLog: 'outcomes' })
  t.teardown(() => fake.close())
  const front = await startArrivalFront(Number(new URL(fake.url).port), header)
  t.teardown(() => front.close())
  t.comment(`the front's thread: ${front.priority}`)
  const { port } = new URL(front.url)

  // Through undici, as the senders do.
  const response = await request(`${front.url}/v23.0/1/messages`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: sendBody('16505550001')
  })
  t.equal(response.statusCode, 200)
  await response.body.dump()

  // One request in three pieces 100 ms apart: it arrived with its first piece.
  const socket = connect(Number(port), '127.0.0.1')
  t.teardown(() => socket.destroy())
  await within('a connection to the front', new Promise(resolve => socket.once('connect', resolve)))
  const split = rawRequest('16505550002')
  const firstAt = Date.now()
  socket.write(split.slice(0, 20))
  await sleep(100)
  socket.write(split.slice(20, split.length - 10))
  await sleep(100)
  socket.write(split.slice(split.length - 10))
  // Then two requests in one write, on the same connection.
  const answered = answers(socket, 3)
  await sleep(50)
  const pairAt = Date.now()
  socket.write(rawRequest('16505550003') + rawRequest('16505550004'))
  const text = await within('three answers on the raw connection', answered)
  t.equal((text.match(/HTTP\/1\.1 200/g) ?? []).length, 3, 'every request answered')

  const byRecipient = new Map(fake.log.map(entry => [entry.to, entry.time]))
  t.same([...byRecipient.keys()], ['16505550001', '16505550002', '16505550003', '16505550004'])
  const split2 = byRecipient.get('16505550002') as number
  t.ok(split2 >= firstAt - 1 && split2 < firstAt + 50, `the split request arrived with its first piece (${(split2 - firstAt).toFixed(1)} ms after it was written, not 200)`)
  for (const to of ['16505550003', '16505550004']) {
    const at = byRecipient.get(to) as number
    t.ok(at >= pairAt - 1 && at < pairAt + 50, `${to} arrived when it was written`)
  }
  t.equal(fake.accepted(), 4)
})

t.test('a chunked request is not relayed without its arrival: the connection closes', async t => {
  const fake = await startCloudApiFake({ accessToken: token, arrivalHeader: header })
  t.teardown(() => fake.close())
  const front = await startArrivalFront(Number(new URL(fake.url).port), header)
  t.teardown(() => front.close())
  const socket = connect(Number(new URL(front.url).port), '127.0.0.1')
  const closed = new Promise(resolve => socket.once('close', resolve))
  socket.on('error', () => {})
  socket.write('POST /v23.0/1/messages HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n')
  await within('the front to close the connection', closed)
  t.equal(fake.log.length, 0)
})
