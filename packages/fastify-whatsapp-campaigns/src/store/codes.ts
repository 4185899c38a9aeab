/** What every adapter agrees on beyond the types: stored codes, the internal message status, our own errors. */
import type { ErrorCode, MessageError, MessageStatus } from '../schemas/campaign.js'

/** A message row's status inside the store: `sending` is a claimed row whose outcome is not known yet. */
export type StoredMessageStatus = MessageStatus | 'sending'

/** The API does not know `sending`: a claimed row is still pending as far as anyone outside can tell. */
export function publicMessageStatus (status: StoredMessageStatus): MessageStatus {
  return status === 'sending' ? 'pending' : status
}

/** The stored statuses a public status filter stands for. */
export function storedStatuses (status: MessageStatus): StoredMessageStatus[] {
  return status === 'pending' ? ['pending', 'sending'] : [status]
}

/** Codes are stored as text; Meta's are digits and come back as the numbers they were. */
export function encodeCode (code: ErrorCode): string {
  return String(code)
}

export function decodeCode (code: string): ErrorCode {
  if (/^\d+$/.test(code)) {
    const n = Number(code)
    if (Number.isSafeInteger(n)) return n
  }
  return code
}

/** A claimed message whose lease ran out, or that was still `sending` when its run ended: it may have been sent. */
export const unknownOutcome: MessageError = {
  code: 'UNKNOWN_OUTCOME',
  title: 'The outcome of the send is unknown: it may have been delivered, so it is not sent again'
}

/** How many stale leases `failStaleLeases` fails at most per call when not told. */
export const staleLeasesPerCall = 1000

/** A message still pending when its run was finished as completed. */
export const notSent: MessageError = {
  code: 'NOT_SENT',
  title: 'The run ended before this message was sent'
}

/** A message still pending when its run was cancelled. */
export const cancelled: MessageError = {
  code: 'CANCELLED',
  title: 'The run was cancelled before this message was sent'
}
