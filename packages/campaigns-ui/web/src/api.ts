import { readToken, tokenAccepted, tokenRefused } from './auth.js'

/** Where the campaigns API is, as the serving plugin wrote it into the page (the dev server's default otherwise). */
export const apiBase: string =
  document.querySelector<HTMLMetaElement>('meta[name="campaigns-api-prefix"]')?.content ?? '/api/whatsapp'

/** An error answer of the API, in Fastify's shape, or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number
  readonly code: string | undefined

  constructor (status: number, message: string, code?: string) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
  }
}

type Query = Record<string, string | number | undefined | null>

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE'
  query?: Query
  body?: unknown
  signal?: AbortSignal
}

export function apiUrl (path: string, query?: Query): string {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value))
  }
  const text = search.toString()
  return `${apiBase}${path}${text === '' ? '' : `?${text}`}`
}

function headersFor (body: unknown, token: string | null): Headers {
  const headers = new Headers({ accept: 'application/json' })
  if (body !== undefined) headers.set('content-type', 'application/json')
  if (token !== null) headers.set('authorization', `Bearer ${token}`)
  return headers
}

async function errorOf (response: Response): Promise<ApiError> {
  let message = `${response.status} ${response.statusText}`
  let code: string | undefined
  try {
    const body = await response.json() as { message?: unknown, code?: unknown }
    if (typeof body.message === 'string' && body.message !== '') message = body.message
    if (typeof body.code === 'string') code = body.code
  } catch {
    // not JSON (a proxy's page): the status line is the message
  }
  return new ApiError(response.status, message, code)
}

/** One call to the API: a bearer token when the tab has one; an error answer becomes an ApiError with the API's message. */
export async function request (path: string, options: RequestOptions = {}): Promise<Response> {
  let response: Response
  const token = readToken()
  try {
    response = await fetch(apiUrl(path, options.query), {
      method: options.method ?? 'GET',
      headers: headersFor(options.body, token),
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal
    })
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error
    throw new ApiError(0, 'The server could not be reached: check that it is running, then try again.')
  }
  if (response.status === 401) {
    const error = await errorOf(response)
    tokenRefused(token, error.message)
    throw error
  }
  tokenAccepted()
  if (!response.ok) throw await errorOf(response)
  return response
}

export async function getJson<T> (path: string, options: RequestOptions = {}): Promise<{ data: T, headers: Headers }> {
  const response = await request(path, options)
  return { data: await response.json() as T, headers: response.headers }
}

export async function sendJson<T> (path: string, options: RequestOptions): Promise<T | null> {
  const response = await request(path, options)
  if (response.status === 204) return null
  return await response.json() as T
}

/** Saves what a GET answers as a file: a link cannot carry the bearer header, so the page fetches it. */
export async function download (path: string, query: Query, fileName: string): Promise<void> {
  const response = await request(path, { query })
  const blob = await response.blob()
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
