import type { Test } from 'tap'
import { request, type Dispatcher } from 'undici'
import { startCloudApiFake, type CloudApiFake, type StartOptions } from '../src/index.js'

export const TOKEN = 'test-token'

/** A fake closed when the test ends. */
export async function fakeFor (t: Test, options: StartOptions = {}): Promise<CloudApiFake> {
  const fake = await startCloudApiFake({ accessToken: TOKEN, ...options })
  t.teardown(() => fake.close())
  return fake
}

/** A well-formed template send, with fields replaced or (undefined) removed by `patch`. */
export function templateSend (to = '+16505551234', patch: Record<string, unknown> = {}): Record<string, unknown> {
  const body: Record<string, unknown> = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to,
    type: 'template',
    template: {
      name: 'welcome',
      language: { code: 'en_US' },
      components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] }]
    },
    ...patch
  }
  for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key]
  return body
}

export interface Answer {
  status: number
  headers: Dispatcher.ResponseData['headers']
  text: string
  json: any
}

interface PostOptions {
  token?: string | null
  path?: string
  /** A string is sent as is; anything else as JSON. */
  body?: unknown
  contentType?: string
  dispatcher?: Dispatcher
  headersTimeout?: number
  /** More request headers. */
  headers?: Record<string, string>
}

/** POSTs to the fake's messages endpoint and reads the whole answer. */
export async function post (fake: CloudApiFake, options: PostOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json', ...options.headers }
  const token = options.token === undefined ? TOKEN : options.token
  if (token !== null) headers.authorization = `Bearer ${token}`
  const body = options.body === undefined ? templateSend() : options.body
  const response = await request(fake.url + (options.path ?? '/v23.0/100200300/messages'), {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    dispatcher: options.dispatcher,
    headersTimeout: options.headersTimeout
  })
  const text = await response.body.text()
  let json: any
  try { json = JSON.parse(text) } catch { json = undefined }
  return { status: response.statusCode, headers: response.headers, text, json }
}

export const sendTo = (fake: CloudApiFake, to: string): Promise<Answer> => post(fake, { body: templateSend(to) })
