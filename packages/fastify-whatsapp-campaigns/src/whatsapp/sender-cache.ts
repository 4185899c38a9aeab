import type { WhatsAppSender } from './types.js'

/** What a cached sender is made for: one sending number, with one access token. */
export interface SenderAccount {
  apiUrl: string
  phoneNumberId: string
  accessToken: string
}

/** A sender lent to one user (a run's worker) until it calls `release`. */
export interface LentSender {
  sender: WhatsAppSender
  /** The sending number's key (the pacing is per number). */
  numberKey: string
  release: () => void
}

interface Entry {
  accessToken: string
  sender: WhatsAppSender
  users: number
  /** Replaced by a sender with a newer token: closed once its last user is done. */
  retired: boolean
}

/**
 * One sender (one connection pool) per sending number, shared by every run from it. When a number's
 * token changes, the next lease gets a sender with the new token, and the old one is closed once the
 * runs still sending with it are done: never under a request, and never left open.
 */
export class SenderCache {
  readonly #entries = new Map<string, Entry>()
  readonly #retired = new Set<Entry>()
  readonly #create: (account: SenderAccount) => WhatsAppSender

  constructor (create: (account: SenderAccount) => WhatsAppSender) {
    this.#create = create
  }

  lend (account: SenderAccount): LentSender {
    const numberKey = `${account.apiUrl}/${account.phoneNumberId}`
    let entry = this.#entries.get(numberKey)
    if (entry !== undefined && entry.accessToken !== account.accessToken) {
      this.#retire(entry)
      entry = undefined
    }
    if (entry === undefined) {
      entry = { accessToken: account.accessToken, sender: this.#create(account), users: 0, retired: false }
      this.#entries.set(numberKey, entry)
    }
    const lent = entry
    lent.users++
    let released = false
    return {
      sender: lent.sender,
      numberKey,
      release: () => {
        if (released) return
        released = true
        lent.users--
        if (lent.retired && lent.users === 0) this.#close(lent)
      }
    }
  }

  /** Senders open now: one per number, plus retired ones still in use. */
  get openCount (): number {
    return this.#entries.size + this.#retired.size
  }

  /** Closes every sender, in use or not (the engine has stopped first). */
  async close (): Promise<void> {
    const all = [...this.#entries.values(), ...this.#retired]
    this.#entries.clear()
    this.#retired.clear()
    await Promise.all(all.map(async entry => { await entry.sender.close() }))
  }

  #retire (entry: Entry): void {
    entry.retired = true
    if (entry.users === 0) this.#close(entry)
    else this.#retired.add(entry)
  }

  #close (entry: Entry): void {
    this.#retired.delete(entry)
    // Nobody waits for it: a pool that fails to close has nothing left to lose.
    entry.sender.close().catch(() => {})
  }
}
