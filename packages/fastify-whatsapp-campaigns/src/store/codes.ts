/** What every adapter agrees on beyond the types: stored codes, the internal message status, our own errors. */
import type { ErrorCode, MessageError, MessageStatus } from '../schemas/campaign.js'

/**
 * A message row's status inside the store: `sending` is a claimed row whose outcome is not known yet;
 * `doubt` one that may have been sent, waiting for a status webhook to witness it.
 */
export type StoredMessageStatus = MessageStatus | 'sending' | 'doubt'

/** The API knows neither `sending` nor `doubt`: as far as anyone outside can tell, the row is still pending. */
export function publicMessageStatus (status: StoredMessageStatus): MessageStatus {
  return status === 'sending' || status === 'doubt' ? 'pending' : status
}

/** The stored statuses a public status filter stands for. */
export function storedStatuses (status: MessageStatus): StoredMessageStatus[] {
  return status === 'pending' ? ['pending', 'sending', 'doubt'] : [status]
}

/** How far each status has come: a status webhook moves a message only to a higher one (failed only from sent). */
export const statusRank: Readonly<Record<'sent' | 'delivered' | 'read', number>> = { sent: 1, delivered: 2, read: 3 }

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

/** A recipient on the tenant's opt-out list: the run skips it. */
export const optedOut: MessageError = {
  code: 'OPTED_OUT',
  title: 'The recipient asked not to be messaged (on the opt-out list)'
}

/** Meta's answer for a recipient who stopped marketing messages: the phone joins the opt-out list. */
export const optOutErrorCode = 131050

/** How long after a send an answer from that phone counts as a reply to it. */
export const replyWindowMs = 72 * 60 * 60 * 1000

/**
 * Meta stamps events in whole seconds, our own clock records a send to the millisecond: an answer
 * stamped in the second of the send can read as earlier than the send, and is still its reply.
 */
export const webhookClockMs = 1000

/** How often a journal entry may fail on its own before the sweep leaves it aside (sql/007). */
export const mostJournalAttempts = 10

/**
 * How often one recipient may be sent again after a doubt. Each resend rests on its own proof (its
 * neighbours' witnesses came, its own did not); a crash during the resend, or a lost answer, is a new
 * doubt. The bound keeps a proof that keeps failing from becoming a loop.
 */
export const mostDoubtResends = 3

/** How many of the messages claimed before a send in doubt must have been witnessed to prove its webhooks would have come. */
export const doubtNeighbours = 20

/** A send that may have reached Meta, waiting in `doubt` for a status webhook to witness it (shown as pending). */
export const inDoubt: MessageError = {
  code: 'IN_DOUBT',
  title: 'The send may have reached Meta: waiting for its status webhook before deciding whether to send it again'
}
