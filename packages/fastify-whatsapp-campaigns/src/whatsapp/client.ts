import { Pool, type Dispatcher } from 'undici'
import { classifyGraphError, graphErrorFromBody } from './errors.js'
import { templatePayload } from './payload.js'
import { classifyTransportError } from './transport-errors.js'
import type { SendOutcome, TemplateMessage, WhatsAppSender } from './types.js'
import { isPositive } from '../positive.js'

/** The Graph API's base URL with the version the plugin speaks. */
export const defaultApiUrl = 'https://graph.facebook.com/v23.0'

export interface CloudApiClientOptions {
  /** Graph base URL with its version; default `defaultApiUrl`. */
  apiUrl?: string
  phoneNumberId: string
  accessToken: string
  /** Connections of the pool the client creates; default 32. */
  connections?: number
  /** Limit for connecting, for the answer's headers and between body chunks; default 15000 ms. */
  timeoutMs?: number
  /** The caller's dispatcher (an Agent, a MockAgent…), used instead of a pool of our own and never closed by us. */
  dispatcher?: Dispatcher
}

/**
 * Sends template messages through the Cloud API and turns every answer, and every failure to get one,
 * into a `SendOutcome`. It never throws and never resends: retrying is the engine's decision.
 */
export function createCloudApiClient (options: CloudApiClientOptions): WhatsAppSender {
  const { origin, path } = endpoint(options)
  const timeoutMs = positive(options.timeoutMs ?? 15_000, 'timeoutMs')
  const ownPool = options.dispatcher === undefined
    ? new Pool(origin, {
      connections: positive(options.connections ?? 32, 'connections'),
      connect: { timeout: timeoutMs },
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs
    })
    : undefined
  const dispatcher = options.dispatcher ?? (ownPool as Pool)
  const token = options.accessToken
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  let closed: Promise<void> | undefined

  async function send (message: TemplateMessage): Promise<SendOutcome> {
    // After close() undici would answer UND_ERR_DESTROYED, which can also mean a request cut off
    // mid-flight; here we know nothing left.
    if (closed !== undefined) return { kind: 'retry', scope: 'transient', code: 'NETWORK_ERROR', title: 'The Cloud API client is closed' }
    let response: Dispatcher.ResponseData
    try {
      response = await dispatcher.request({
        origin,
        path,
        method: 'POST',
        headers,
        body: JSON.stringify(templatePayload(message)),
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs
      })
    } catch (error) {
      return classifyTransportError(error)
    }
    const { statusCode } = response
    const accepted = statusCode >= 200 && statusCode < 300
    let text: string
    try {
      // Always read to the end: undici keeps the connection until the body is consumed.
      text = await response.body.text()
    } catch (error) {
      // A 2xx means Meta took the message and we lost its id; an error status is enough on its own.
      return accepted ? classifyTransportError(error) : classifyGraphError({ http: statusCode })
    }
    const body = parseJson(text)
    if (!accepted) return classifyGraphError(graphErrorFromBody(statusCode, body))
    const id = (body as { messages?: Array<{ id?: unknown }> } | undefined)?.messages?.[0]?.id
    if (typeof id === 'string' && id !== '') return { kind: 'sent', messageId: id }
    return { kind: 'failed', code: 'MISSING_MESSAGE_ID', title: `The Cloud API answered ${statusCode} without a message id` }
  }

  return {
    send: async message => redact(await send(message), token),
    close: () => (closed ??= ownPool === undefined ? Promise.resolve() : ownPool.close())
  }
}

function endpoint (options: CloudApiClientOptions): { origin: string, path: string } {
  let url: URL
  try {
    url = new URL(options.apiUrl ?? defaultApiUrl)
  } catch {
    throw new TypeError(`apiUrl must be an absolute URL such as ${defaultApiUrl}, got ${JSON.stringify(options.apiUrl)}`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError('apiUrl must be an http(s) URL')
  if (typeof options.phoneNumberId !== 'string' || !/^[\w.-]+$/.test(options.phoneNumberId)) {
    throw new TypeError('phoneNumberId must be a non-empty id (letters, digits, _ . -)')
  }
  // A token that cannot go in a header would fail every send, far from its cause.
  if (typeof options.accessToken !== 'string' || !/^[\x21-\x7e]+$/.test(options.accessToken)) {
    throw new TypeError('accessToken must be a non-empty token without spaces or control characters')
  }
  return { origin: url.origin, path: `${url.pathname.replace(/\/+$/, '')}/${options.phoneNumberId}/messages` }
}

function positive (value: number, name: string): number {
  if (!isPositive(value, true)) throw new TypeError(`${name} must be a positive integer, got ${value}`)
  return value
}

function parseJson (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/**
 * Whatever Meta or the network said, the token never reaches a log or the database. Real tokens are
 * long; a toy one of a few letters (tests) would otherwise be cut out of ordinary words.
 */
function redact (outcome: SendOutcome, token: string): SendOutcome {
  if (outcome.kind === 'sent' || token.length < 8) return outcome
  const clean = (text: string): string => text.split(token).join('[redacted]')
  return outcome.kind === 'halt' || outcome.kind === 'pause'
    ? { ...outcome, title: clean(outcome.title), message: clean(outcome.message) }
    : { ...outcome, title: clean(outcome.title) }
}
