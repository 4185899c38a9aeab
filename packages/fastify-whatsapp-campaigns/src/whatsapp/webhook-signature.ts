import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

/**
 * Meta signs each webhook delivery: `X-Hub-Signature-256: sha256=<hex>`, the HMAC-SHA256 of the exact
 * bytes of the body keyed with the app secret. Only those bytes verify: Meta escapes non-ASCII text
 * (`\u00e4`), so a re-serialised body would not.
 */
export const signatureHeader = 'x-hub-signature-256'

const headerShape = /^sha256=([0-9a-f]{64})$/i

/** The header value Meta would send with `body`: for tests, fakes and anything that forwards webhooks. */
export function signWebhookBody (body: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`
}

/** Whether `header` is the signature of `body` under `appSecret`; a missing or malformed header is just a wrong one. */
export function verifyWebhookSignature (body: Buffer, header: string | string[] | undefined, appSecret: string): boolean {
  if (typeof header !== 'string') return false
  const match = headerShape.exec(header.trim())
  if (match === null) return false
  const given = Buffer.from(match[1], 'hex')
  const expected = createHmac('sha256', appSecret).update(body).digest()
  return timingSafeEqual(given, expected)
}

/**
 * Whether two secrets are equal, in a time that tells nothing of where they differ nor of the
 * expected one's length (both are hashed to the same length first).
 */
export function sameSecret (given: string, expected: string): boolean {
  const digest = (text: string): Buffer => createHash('sha256').update(text).digest()
  return timingSafeEqual(digest(given), digest(expected))
}
