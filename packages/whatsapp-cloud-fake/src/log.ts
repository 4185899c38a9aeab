import { digitsOf } from './options.js'

/** One request the messages endpoint received, with what the fake did with it. */
export interface LogEntry {
  /** Arrival, ms since the epoch. */
  time: number
  phoneNumberId: string
  /** Recipient digits, when the body had a usable `to`. */
  to?: string
  /** `to` exactly as sent. */
  input?: string
  template?: string
  language?: string
  components?: unknown[]
  /** The request body as parsed JSON, when it was JSON: what the client really sent. */
  body?: unknown
  /** Which attempt for this recipient (from 1), once the request passed the checks. */
  attempt?: number
  /** `error`: a Graph error; `http`: a bare non-JSON status; `reset`/`timeout`: no answer. */
  outcome: 'accepted' | 'error' | 'http' | 'reset' | 'timeout'
  /** Whether Meta would now deliver the message (true for an `'after'` reset or timeout too). */
  accepted: boolean
  wamid?: string
  /** The accepted send's `biz_opaque_callback_data`. */
  callbackData?: string
  /** Meta's code, for `error`. */
  code?: number
  /** The HTTP status answered; absent when there was no answer. */
  http?: number
}

/** The request log plus per-recipient acceptance counts, which are kept even when the log is not. */
export class RequestLog {
  entries: LogEntry[] = []
  keep: boolean | 'outcomes'
  #acceptedBy = new Map<string, number>()
  #acceptedTotal = 0

  constructor (keep: boolean | 'outcomes') {
    this.keep = keep
  }

  record (entry: LogEntry): void {
    if (this.keep !== false) this.entries.push(entry)
    if (entry.accepted && entry.to !== undefined) {
      this.#acceptedBy.set(entry.to, (this.#acceptedBy.get(entry.to) ?? 0) + 1)
      this.#acceptedTotal++
    }
  }

  accepted (): number {
    return this.#acceptedTotal
  }

  acceptedFor (to: string): number {
    return this.#acceptedBy.get(digitsOf(to)) ?? 0
  }

  /** Recipients accepted more than once: a sender that never double-sends leaves this empty. */
  duplicates (): string[] {
    return [...this.#acceptedBy].filter(([, n]) => n > 1).map(([to]) => to)
  }

  reset (): void {
    this.entries = []
    this.#acceptedBy.clear()
    this.#acceptedTotal = 0
  }
}
