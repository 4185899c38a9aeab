/**
 * Hostile requests to a route, drawn from its own schema (fast-check): its path parameters, query
 * string and body, each shaped like what the route takes or not at all. A parameter or query value may
 * name a thing that exists (`{ known: n }`, resolved when the request is sent), so that requests reach
 * the code behind a 404 too.
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import type { RouteOptions } from 'fastify'
import fc, { type Arbitrary } from 'fast-check'
import { hostileString, hostileValue, numericString, percentEncode, phoneText, shapedLike, urlText } from './hostile.js'

type Schema = Record<string, any>

/** A value to send, or a pick among the values of its name that exist when it is sent. */
export type Part = string | { known: number }

export interface HostileRequest {
  method: string
  path: Array<string | { name: string, value: Part }>
  query: Array<[string, Part]>
  /** The raw body, or none. */
  payload?: string
  contentType?: string
}

/** The values of a parameter or query field that name something stored, by field name (e.g. `id`, `run`). */
export type KnownValues = Record<string, () => Promise<string[]>>

/** Bodies no schema describes: not JSON, nested past any sense, or large. */
const oddBodies: Arbitrary<string> = fc.oneof(
  fc.constantFrom('{"name": "a", ', '{', 'nul\u0000l', '"\\ud800"', '{"__proto__": {"x": 1}}', '{"constructor": {"prototype": {"x": 1}}}', '1e999', '-0', '[]'),
  fc.constantFrom(2_000, 20_000).map(depth => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.constantFrom(10_000, 100_000).map(size => JSON.stringify('é'.repeat(size))),
  fc.constantFrom(1_000, 20_000).map(keys => JSON.stringify(Object.fromEntries(Array.from({ length: keys }, (_, i) => [`k${i}`, i])))),
  fc.string({ unit: 'binary', maxLength: 40 })
)

const contentTypes = fc.constantFrom('application/json', 'application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1')

/** Values for fields of these names that a store may hold: valid phones, mostly. */
const named = { phone: phoneText }

function valueText (schema: Schema | undefined, tame: boolean): Arbitrary<string> {
  const shaped = schema === undefined ? hostileValue : shapedLike(schema, { named, wrongTypeInTen: 2, tame })
  const text = shaped.map(value => typeof value === 'string' ? value : JSON.stringify(value) ?? '')
  return tame ? text : fc.oneof(text, numericString, hostileString)
}

/** Its own value or a known one: mostly known where the route's field names something stored. */
function partFor (name: string, schema: Schema | undefined, known: KnownValues, tame: boolean): Arbitrary<Part> {
  const sent = tame ? valueText(schema, true).map(percentEncode) : urlText(valueText(schema, false))
  if (!(name in known)) return sent
  return fc.oneof({ arbitrary: fc.nat().map(n => ({ known: n })), weight: 3 }, { arbitrary: sent, weight: tame ? 1 : 2 })
}

/** Requests a route should mostly take, and hostile ones, half and half. */
export function hostileRequest (route: RouteOptions, known: KnownValues): Arbitrary<HostileRequest> {
  return fc.oneof(requestOf(route, known, true), requestOf(route, known, false))
}

function requestOf (route: RouteOptions, known: KnownValues, tame: boolean): Arbitrary<HostileRequest> {
  const method = String(route.method)
  const schema = (route.schema ?? {}) as Schema
  const segments = String(route.url).split('/').slice(1)
  const params = (schema.params?.properties ?? {}) as Record<string, Schema>
  const path = fc.tuple(...segments.map(segment => segment.startsWith(':')
    ? partFor(segment.slice(1), params[segment.slice(1)], known, tame)
      .filter(part => part !== '')
      .map(value => ({ name: segment.slice(1), value }))
    : fc.constant(segment)))

  const fields = (schema.querystring?.properties ?? {}) as Record<string, Schema>
  const entries = Object.entries(fields).map(([name, field]) => fc.tuple(fc.constant(name), partFor(name, field, known, tame)))
  const query: Arbitrary<Array<[string, Part]>> = tame
    ? fc.subarray(entries).chain(chosen => fc.tuple(...chosen))
    : fc.array(fc.oneof(...entries, fc.tuple(urlText(hostileString), urlText(hostileString))), { maxLength: entries.length + 2 })

  const bodies: Array<{ arbitrary: Arbitrary<string | undefined>, weight: number }> = [
    { arbitrary: fc.constant(undefined), weight: 1 },
    { arbitrary: hostileValue.map(value => JSON.stringify(value)), weight: 1 },
    { arbitrary: oddBodies, weight: 1 }
  ]
  if (schema.body !== undefined) bodies.push({ arbitrary: shapedLike(schema.body as Schema, { named, tame }).map(value => JSON.stringify(value)), weight: 8 })
  const body = method === 'GET' || method === 'HEAD'
    ? fc.constant(undefined)
    : tame ? (schema.body === undefined ? fc.constant(undefined) : bodies[bodies.length - 1].arbitrary) : fc.oneof(...bodies)

  return fc.record({ path, query, body, contentType: tame ? fc.constant('application/json') : contentTypes }).map(({ path, query, body, contentType }) => ({
    method,
    path,
    query,
    ...(body === undefined ? {} : { payload: body, contentType })
  }))
}

/** The request to inject: known values picked among those stored now. */
export async function injectOptions (request: HostileRequest, known: KnownValues): Promise<InjectOptions> {
  const resolve = async (name: string, part: Part): Promise<string> => {
    if (typeof part === 'string') return part
    const values = await known[name]()
    return values.length === 0 ? '1' : percentEncode(values[part.known % values.length])
  }
  const path = await Promise.all(request.path.map(async segment => typeof segment === 'string' ? segment : await resolve(segment.name, segment.value)))
  const query = await Promise.all(request.query.map(async ([name, part]) => `${name}=${await resolve(name, part)}`))
  return {
    method: request.method as InjectOptions['method'],
    url: `/${path.join('/')}${query.length === 0 ? '' : `?${query.join('&')}`}`,
    ...(request.payload === undefined ? {} : { payload: request.payload, headers: { 'content-type': request.contentType ?? 'application/json' } })
  }
}

/** What is wrong with an answer to a hostile request, or undefined: a 5xx, or a 4xx not in Fastify's error shape. */
export function answerProblem (response: LightMyRequestResponse, method: string): string | undefined {
  const { statusCode } = response
  if (statusCode >= 500) return `answered ${statusCode}: ${response.body.slice(0, 500)}`
  if (statusCode < 400 || method === 'HEAD') return undefined
  let body: any
  try {
    body = response.json()
  } catch {
    return `answered ${statusCode} with a body that is not JSON: ${response.body.slice(0, 200)}`
  }
  // Fastify's own refusals before routing label some statuses with another's words (its 414 for a
  // path parameter past maxParamLength says "Bad Request"): the label is checked to be there.
  const shaped = body !== null && typeof body === 'object' && body.statusCode === statusCode && typeof body.error === 'string' && body.error !== '' &&
    typeof body.message === 'string' && body.message !== '' && typeof body.code === 'string'
  return shaped ? undefined : `answered ${statusCode} not in Fastify's error shape: ${response.body.slice(0, 300)}`
}
