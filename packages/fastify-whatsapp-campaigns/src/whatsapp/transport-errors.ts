import type { SendOutcome } from './types.js'

/**
 * Errors that prove the request never left: no connection was made (DNS, refused, unreachable, connect
 * timeout, TLS handshake) or the pool was already closed. Anything else happened on a connection the
 * request may have been written to, and Meta may have accepted it.
 */
const NOT_SENT = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'ENETUNREACH', 'EHOSTUNREACH', 'EHOSTDOWN',
  'EADDRNOTAVAIL', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_CLOSED',
  'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'ERR_TLS_CERT_ALTNAME_INVALID'
])

interface ErrorLike {
  code?: unknown
  syscall?: unknown
  cause?: unknown
  errors?: unknown
}

function codeOf (error: unknown): string | undefined {
  const { code, cause } = (error ?? {}) as ErrorLike
  return typeof code === 'string' ? code : cause === undefined ? undefined : codeOf(cause)
}

function neverSent (error: unknown): boolean {
  const { code, syscall, cause, errors } = (error ?? {}) as ErrorLike
  // Node's happy-eyeballs connect reports every address it tried in an AggregateError.
  if (Array.isArray(errors) && errors.length > 0) return errors.every(neverSent)
  if (syscall === 'connect' || syscall === 'getaddrinfo') return true
  if (typeof code === 'string') return NOT_SENT.has(code)
  return cause !== undefined && neverSent(cause)
}

/** Classifies an error thrown by undici while sending or reading the answer. */
export function classifyTransportError (error: unknown): Extract<SendOutcome, { kind: 'retry' | 'unknown' }> {
  const code = codeOf(error) ?? (error as Error | undefined)?.name ?? 'Error'
  if (neverSent(error)) {
    return { kind: 'retry', scope: 'transient', code: 'NETWORK_ERROR', title: `Could not reach the Cloud API (${code})` }
  }
  return {
    kind: 'unknown',
    code: 'UNKNOWN_OUTCOME',
    title: `The connection failed after the request was sent (${code}): the message may have been delivered`
  }
}
