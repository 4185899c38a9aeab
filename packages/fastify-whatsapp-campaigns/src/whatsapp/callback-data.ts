/**
 * What a send carries as `biz_opaque_callback_data`: the message row it was sent for, so that its status
 * webhooks name the row even when its wamid was never recorded (a crash between the send and its record).
 * Not secret: it only ever comes back through Meta's signed webhooks. Other apps on the same number put
 * whatever they like there (up to 512 characters), so anything not in this exact shape is not ours.
 */
import type { MessageOrigin } from '../store/types.js'

const prefix = 'wac1:'
const shape = /^wac1:([1-9]\d{0,9}):([1-9]\d{0,9})$/

export function encodeCallbackData (origin: MessageOrigin): string {
  return `${prefix}${origin.runId}:${origin.id}`
}

/** The row a status's callback data names, or null when it is not ours. */
export function decodeCallbackData (data: unknown): MessageOrigin | null {
  if (typeof data !== 'string') return null
  const match = shape.exec(data)
  if (match === null) return null
  const runId = Number(match[1])
  const id = Number(match[2])
  // Both are integer columns.
  if (runId > 2_147_483_647 || id > 2_147_483_647) return null
  return { runId, id }
}
