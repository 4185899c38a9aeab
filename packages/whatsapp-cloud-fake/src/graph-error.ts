import { errorCodeInfo } from './codes.js'
import { fbtraceId } from './ids.js'

/** An error the fake answers, before it is put in Graph's shape. */
export interface GraphErrorSpec {
  code: number
  /** The whole `message`; default `(#code) title`. Auth errors, for one, carry no `(#code)` prefix. */
  message?: string
  title?: string
  /** Goes to `error_data.details`; without it there is no `error_data`, as in Meta's auth errors. */
  details?: string
  /** Default OAuthException, which Meta uses even for parameter errors. */
  type?: string
  subcode?: number
  http?: number
}

export interface GraphErrorAnswer {
  http: number
  body: string
}

/** Graph's error body, keys in Meta's order; the HTTP status from the spec, the overrides, then the table. */
export function graphError (spec: GraphErrorSpec, httpStatusFor: Record<number, number>): GraphErrorAnswer {
  const info = errorCodeInfo(spec.code)
  const error: Record<string, unknown> = {
    message: spec.message ?? `(#${spec.code}) ${spec.title ?? info?.title ?? 'Unknown error'}`,
    type: spec.type ?? 'OAuthException',
    code: spec.code
  }
  if (spec.details !== undefined) error.error_data = { messaging_product: 'whatsapp', details: spec.details }
  if (spec.subcode !== undefined) error.error_subcode = spec.subcode
  error.fbtrace_id = fbtraceId()
  return {
    http: spec.http ?? httpStatusFor[spec.code] ?? info?.http ?? 400,
    body: JSON.stringify({ error })
  }
}
