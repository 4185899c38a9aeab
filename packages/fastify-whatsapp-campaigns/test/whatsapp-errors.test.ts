import t from 'tap'
import { errors as undiciErrors } from 'undici'
import { classifyGraphError, graphErrorCode, graphErrorFromBody, GRAPH_ERROR_CODES } from '../src/whatsapp/errors.js'
import { classifyTransportError } from '../src/whatsapp/transport-errors.js'

const HALT = [0, 190, 10, 200, 250, 299, 368, 131031, 130497, 133010, 131042, 132001, 132016, 131005]
const PAUSE = [131048, 131064, 132015]
const RETRY_NUMBER = [130429, 4, 80007]
const RETRY_RECIPIENT = [131056]
const USER_LIMIT = [131049]
const TRANSIENT = [1, 2, 131000, 131016, 133004, 131057]
const FAILED = [100, 131008, 131009, 132000, 132005, 132007, 132012, 131051, 131021, 131026, 131047, 131050, 130472, 130403, 131030, 132018]

t.test('every code in the decisions maps to its outcome, whatever the HTTP status', async t => {
  const expect = (codes: number[], kind: string, scope?: string) => {
    for (const code of codes) {
      for (const http of [400, 403, 429, 500, undefined]) {
        const outcome = classifyGraphError({ code, http, message: `(#${code}) Something` })
        t.equal(outcome.kind, kind, `${code} at ${http}`)
        if (scope !== undefined) t.equal((outcome as { scope?: string }).scope, scope, `${code} scope`)
        t.equal(outcome.code, code)
      }
    }
  }
  expect(HALT, 'halt')
  expect(PAUSE, 'pause')
  expect(RETRY_NUMBER, 'retry', 'number')
  expect(RETRY_RECIPIENT, 'retry', 'recipient')
  expect(TRANSIENT, 'retry', 'transient')
  expect(FAILED, 'failed')
  expect(USER_LIMIT, 'user-limit')
})

t.test('the table holds exactly the decided codes', async t => {
  const decided = [...HALT, ...PAUSE, ...RETRY_NUMBER, ...RETRY_RECIPIENT, ...USER_LIMIT, ...TRANSIENT, ...FAILED].filter(code => code < 200 || code > 299)
  t.same([...GRAPH_ERROR_CODES.keys()].sort(), [...new Set(decided)].sort())
  t.equal(graphErrorCode(201)?.action, 'halt')
  t.equal(graphErrorCode(300), undefined)
})

t.test('unknown codes: 4xx failed, 5xx transient', async t => {
  t.same(classifyGraphError({ code: 987654, http: 400, message: '(#987654) New thing' }), { kind: 'failed', code: 987654, title: 'New thing' })
  t.same(classifyGraphError({ code: 987654, http: 502 }), { kind: 'retry', scope: 'transient', code: 987654, title: 'HTTP 502 Bad Gateway' })
  t.same(classifyGraphError({ code: 987654 }), { kind: 'failed', code: 987654, title: 'Unknown error' }, 'no status (a webhook): failed')
})

t.test('answers that are not Graph errors are judged by status', async t => {
  t.same(classifyGraphError({ http: 503 }), { kind: 'retry', scope: 'transient', code: 'HTTP_503', title: 'HTTP 503 Service Unavailable' })
  t.same(classifyGraphError({ http: 500 }), { kind: 'retry', scope: 'transient', code: 'HTTP_500', title: 'HTTP 500 Internal Server Error' })
  t.same(classifyGraphError({ http: 429 }), { kind: 'retry', scope: 'number', code: 'HTTP_429', title: 'HTTP 429 Too Many Requests' })
  t.same(classifyGraphError({ http: 404 }), { kind: 'failed', code: 'HTTP_404', title: 'HTTP 404 Not Found' })
  t.same(classifyGraphError({}), { kind: 'failed', code: 'UNKNOWN_ERROR', title: 'Unknown error' })
})

t.test('the title: the message without its (#code) prefix, else the given title, else the table', async t => {
  t.equal(classifyGraphError({ code: 130429, http: 400, message: '(#130429) Rate limit hit' }).title, 'Rate limit hit')
  t.equal(classifyGraphError({ code: 190, http: 401, message: 'Invalid OAuth access token - Cannot parse access token' }).title,
    'Invalid OAuth access token - Cannot parse access token')
  t.equal(classifyGraphError({ code: 131026, title: 'Message undeliverable.' }).title, 'Message undeliverable.', 'a webhook error')
  t.equal(classifyGraphError({ code: 132015, http: 400 }).title, 'Template is Paused')
})

t.test('a halt says what happened and what to do', async t => {
  const outcome = classifyGraphError({
    code: 132001,
    http: 404,
    message: '(#132001) Template name does not exist in the translation',
    details: 'template name (welcome) does not exist in en_US'
  })
  t.same(outcome, {
    kind: 'halt',
    code: 132001,
    title: 'Template name does not exist in the translation',
    message: 'Template name does not exist in the translation: template name (welcome) does not exist in en_US. Create the template in this language and wait for its approval.'
  })
  t.match(classifyGraphError({ code: 250, http: 403 }), { kind: 'halt', message: /permission/ })
  t.match(classifyGraphError({ code: 131048, http: 400 }), { kind: 'pause', message: /low quality/ })
})

t.test('graphErrorFromBody reads Graph\'s shape and nothing else', async t => {
  t.same(graphErrorFromBody(400, {
    error: { message: '(#132000) Number…', type: 'OAuthException', code: 132000, error_data: { messaging_product: 'whatsapp', details: 'body: …' }, fbtrace_id: 'x' }
  }), { http: 400, code: 132000, message: '(#132000) Number…', details: 'body: …' })
  t.same(graphErrorFromBody(401, { error: { message: 'Invalid', code: 190 } }), { http: 401, code: 190, message: 'Invalid', details: undefined })
  t.same(graphErrorFromBody(503, undefined), { http: 503 })
  t.same(graphErrorFromBody(502, { error: 'Bad gateway' }), { http: 502 })
  t.same(graphErrorFromBody(400, { error: { code: '100' } }), { http: 400, code: undefined, message: undefined, details: undefined })
})

t.test('transport errors: before the request left → transient; after → unknown', async t => {
  const system = (code: string, syscall: string) => Object.assign(new Error(`${syscall} ${code}`), { code, syscall })
  const notSent = [
    system('ECONNREFUSED', 'connect'),
    system('ENOTFOUND', 'getaddrinfo'),
    system('EAI_AGAIN', 'getaddrinfo'),
    system('ETIMEDOUT', 'connect'),
    new undiciErrors.ConnectTimeoutError(),
    new undiciErrors.ClientClosedError(),
    Object.assign(new Error('cert'), { code: 'CERT_HAS_EXPIRED' }),
    new AggregateError([system('ECONNREFUSED', 'connect'), system('ENETUNREACH', 'connect')]),
    new TypeError('fetch failed', { cause: system('ECONNREFUSED', 'connect') })
  ]
  for (const error of notSent) {
    t.match(classifyTransportError(error), { kind: 'retry', scope: 'transient', code: 'NETWORK_ERROR' }, String(error))
  }
  const maybeSent = [
    new undiciErrors.SocketError('other side closed'),
    system('ECONNRESET', 'read'),
    system('EPIPE', 'write'),
    new undiciErrors.HeadersTimeoutError(),
    new undiciErrors.BodyTimeoutError(),
    new undiciErrors.ClientDestroyedError(),
    new undiciErrors.RequestAbortedError(),
    new AggregateError([system('ECONNREFUSED', 'connect'), system('ECONNRESET', 'read')]),
    new Error('something else'),
    'a string'
  ]
  for (const error of maybeSent) {
    t.match(classifyTransportError(error), { kind: 'unknown', code: 'UNKNOWN_OUTCOME' }, String(error))
  }
  t.match(classifyTransportError(new undiciErrors.HeadersTimeoutError()).title, /UND_ERR_HEADERS_TIMEOUT/)
})

t.test('131050 alone says the recipient opted out: the phone joins the opt-out list', async t => {
  t.same(classifyGraphError({ code: 131050, http: 400, message: '(#131050) Unable to deliver the message' }),
    { kind: 'failed', code: 131050, title: 'Unable to deliver the message', optOut: true })
  const others = [...GRAPH_ERROR_CODES.keys()].filter(code => code !== 131050)
  t.ok(others.every(code => !('optOut' in classifyGraphError({ code, http: 400 }))), 'no other code opts out')
})
