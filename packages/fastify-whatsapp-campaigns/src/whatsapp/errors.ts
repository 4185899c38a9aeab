import { STATUS_CODES } from 'node:http'
import type { SendOutcome } from './types.js'

/**
 * What a sender does about one of Meta's error codes. This table is the only place that knows Meta's
 * codes: the engine sees only the resulting `SendOutcome`.
 */
export type ErrorAction = 'halt' | 'pause' | 'failed' | 'retry-number' | 'retry-recipient' | 'retry-transient' | 'user-limit'

export interface GraphErrorCode {
  /** Meta's title, used when an answer carries no message. */
  title: string
  action: ErrorAction
  /** For halts and pauses: what a person must do before the campaign can go on. */
  remedy?: string
  /** The recipient asked not to get such messages: the phone goes on the opt-out list. */
  optOut?: true
}

const halt = (title: string, remedy: string): GraphErrorCode => ({ title, action: 'halt', remedy })
const pause = (title: string, remedy: string): GraphErrorCode => ({ title, action: 'pause', remedy })
const failed = (title: string): GraphErrorCode => ({ title, action: 'failed' })
const retry = (action: 'retry-number' | 'retry-recipient' | 'retry-transient', title: string): GraphErrorCode => ({ title, action })

const NEW_TOKEN = 'Get a new access token, then run the campaign again.'
const PERMISSION = 'Give the app the whatsapp_business_messaging permission for this number, then run the campaign again.'

export const GRAPH_ERROR_CODES: ReadonlyMap<number, GraphErrorCode> = new Map<number, GraphErrorCode>([
  // Nothing can be sent until a person fixes the account, the token or the template.
  [0, halt('AuthException', NEW_TOKEN)],
  [190, halt('Access token has expired', NEW_TOKEN)],
  [10, halt('API Permission Denied', PERMISSION)],
  [131005, halt('Access denied', PERMISSION)],
  [368, halt('Temporarily blocked for policies violations', 'The account is blocked for policy violations: see the WhatsApp Manager.')],
  [131031, halt('Business Account locked', 'The business account is locked: see the WhatsApp Manager.')],
  [130497, halt('Business account is restricted from messaging users in this country', 'The business may not message users in this country.')],
  [133010, halt('Phone number Not Registered', 'Register the sending phone number with the Cloud API.')],
  [131042, halt('Business eligibility payment issue', 'Fix the payment method of the business account.')],
  // The template is the same for every recipient, so none of them can get it.
  [132001, halt('Template name does not exist in the translation', 'Create the template in this language and wait for its approval.')],
  [132016, halt('Template is Disabled', 'The template is disabled for low quality: use another template.')],
  // Meta throttles this number for its recipients' spam reports; sending on would only lower its quality
  // further and risk the account. Nothing is wrong with the recipients, so the run pauses (they stay
  // pending) until a person decides to resume.
  [131048, pause('Spam rate limit hit', 'Meta limits this number for low quality: improve the messages, and resume later.')],
  // Paused for low quality, for a while (Meta's pacing): every recipient would be refused alike, and
  // none is at fault, so they stay pending and the run goes on once a person resumes it; a resume is
  // refused until the template is APPROVED again (templates/check.ts).
  [132015, pause('Template is Paused', 'The template is paused for low quality: resume once it is approved again, or cancel and use another template.')],
  // The messaging limit of the template's category is spent until the enforcement period ends.
  [131064, pause('Template category messaging limit hit', 'Resume once the messaging limit has reset.')],

  // The sending number is throttled: slow every send down.
  [4, retry('retry-number', 'API Too Many Calls')],
  [80007, retry('retry-number', 'Rate limit issues')],
  [130429, retry('retry-number', 'Rate limit hit')],
  // Only this recipient must wait (Meta advises 4^X seconds); the others go on.
  [131056, retry('retry-recipient', '(Business Account, Consumer Account) pair rate limit hit')],
  // Passing trouble at Meta.
  [1, retry('retry-transient', 'API Unknown')],
  [2, retry('retry-transient', 'API Service')],
  [131000, retry('retry-transient', 'Something went wrong')],
  [131016, retry('retry-transient', 'Service unavailable')],
  [131057, retry('retry-transient', 'Account in maintenance mode')],
  [133004, retry('retry-transient', 'Server Temporarily Unavailable')],

  // Permanent for this recipient or this request: resending the same thing gives the same answer.
  [100, failed('Invalid parameter')],
  [131008, failed('Required parameter is missing')],
  [131009, failed('Parameter value is not valid')],
  [132000, failed('Number of parameters does not match the expected number of params')],
  [132005, failed('Translated text too long')],
  [132007, failed('Template Format Character Policy Violated')],
  [132012, failed('Parameter format does not match format in the created template')],
  [132018, failed('There was an issue with the parameters in your template')],
  [131051, failed('Unsupported message type')],
  [131021, failed('Recipient cannot be sender')],
  [131026, failed('Message Undeliverable')],
  [131047, failed('Re-engagement message')],
  // Retrying a per-user marketing limit early can lock the user out for another 24 h.
  [131049, { title: 'This message was not delivered to maintain healthy ecosystem engagement', action: 'user-limit' }],
  [131050, { ...failed('The recipient stopped marketing messages'), optOut: true }],
  [130472, failed("User's number is part of an experiment")],
  [130403, failed('Recipient blocked by the business')],
  [131030, failed('Recipient phone number not in allowed list')]
])

const PERMISSION_RANGE = halt('API Permission', PERMISSION)

/** The table entry for a code; 200–299 are one family. */
export function graphErrorCode (code: number): GraphErrorCode | undefined {
  return code >= 200 && code <= 299 ? PERMISSION_RANGE : GRAPH_ERROR_CODES.get(code)
}

/** A Graph error as answered synchronously (`http` set) or in a `failed` status webhook (`title` set). */
export interface GraphErrorInput {
  /** Meta's code; absent when the answer was not a Graph error (a bare 5xx from a proxy, say). */
  code?: number
  http?: number
  /** `error.message`, e.g. `(#130429) Rate limit hit`. */
  message?: string
  title?: string
  /** `error.error_data.details`. */
  details?: string
}

export type ErrorOutcome = Exclude<SendOutcome, { kind: 'sent' } | { kind: 'unknown' }>

export function classifyGraphError (error: GraphErrorInput): ErrorOutcome {
  const entry = error.code === undefined ? undefined : graphErrorCode(error.code)
  const code = error.code ?? (error.http === undefined ? 'UNKNOWN_ERROR' : `HTTP_${error.http}`)
  const title = titleOf(error, entry)
  switch (entry?.action ?? actionByStatus(error)) {
    case 'halt':
    case 'pause': {
      const details = error.details ? `: ${error.details}` : ''
      return { kind: entry?.action === 'pause' ? 'pause' : 'halt', code, title, message: `${title}${details}. ${entry?.remedy ?? 'The run cannot go on.'}` }
    }
    case 'retry-number': return { kind: 'retry', scope: 'number', code, title }
    case 'retry-recipient': return { kind: 'retry', scope: 'recipient', code, title }
    case 'retry-transient': return { kind: 'retry', scope: 'transient', code, title }
    case 'user-limit': return { kind: 'user-limit', code, title }
    case 'failed': return entry?.optOut === true ? { kind: 'failed', code, title, optOut: true } : { kind: 'failed', code, title }
  }
}

/** Codes not in the table: a server error may pass, a client error will not. A bare 429 is a proxy throttling the number. */
function actionByStatus (error: GraphErrorInput): ErrorAction {
  if (error.http === undefined) return 'failed'
  if (error.http >= 500) return 'retry-transient'
  if (error.http === 429 && error.code === undefined) return 'retry-number'
  return 'failed'
}

function titleOf (error: GraphErrorInput, entry: GraphErrorCode | undefined): string {
  const fromMessage = error.message?.replace(/^\(#\d+\)\s*/, '').trim()
  if (fromMessage) return fromMessage
  if (error.title) return error.title
  if (entry) return entry.title
  if (error.http !== undefined) return `HTTP ${error.http} ${STATUS_CODES[error.http] ?? ''}`.trim()
  return 'Unknown error'
}

/** Reads Graph's `{ error: { code, message, error_data: { details } } }`; anything else yields the status alone. */
export function graphErrorFromBody (http: number, body: unknown): GraphErrorInput {
  const error = (body as { error?: unknown } | null | undefined)?.error
  if (typeof error !== 'object' || error === null) return { http }
  const { code, message, error_data: data } = error as { code?: unknown, message?: unknown, error_data?: { details?: unknown } }
  return {
    http,
    code: typeof code === 'number' ? code : undefined,
    message: typeof message === 'string' ? message : undefined,
    details: typeof data?.details === 'string' ? data.details : undefined
  }
}
