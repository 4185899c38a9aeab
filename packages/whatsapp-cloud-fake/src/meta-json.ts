import { createHmac } from 'node:crypto'

const NON_ASCII = /[\u0080-\uffff]/g

const escaped = (char: string): string => '\\u' + char.charCodeAt(0).toString(16).padStart(4, '0')

/**
 * JSON as Meta sends it: ASCII only, every other character as `\uXXXX` with lowercase hex (an emoji as
 * its two surrogates, since the pattern runs over UTF-16 code units). Receivers must verify the
 * signature over these bytes, not over a re-serialisation, which would hold the raw characters.
 */
export function metaJson (value: unknown): string {
  // Outside strings JSON is ASCII already, so escaping the whole text only touches string contents.
  return JSON.stringify(value).replace(NON_ASCII, escaped)
}

/** The `X-Hub-Signature-256` value for `body`: `sha256=` and the hex HMAC-SHA256 of its bytes under the app secret. */
export function signatureOf (body: string | Buffer, appSecret: string): string {
  return 'sha256=' + createHmac('sha256', appSecret).update(body).digest('hex')
}
