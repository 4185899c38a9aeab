/**
 * The phone number ids behind display numbers, learnt from the `metadata` of the webhooks that carry
 * both: a quality update names its number only by its display form, runs know theirs by id. Bounded,
 * the oldest forgotten first; kept in this process, so an instance learns its numbers from the status
 * webhooks a run brings within seconds of its first sends.
 */
export class SenderDirectory {
  readonly #ids = new Map<string, Set<string>>()
  readonly #most: number

  constructor (most = 1000) {
    this.#most = most
  }

  learn (displayPhoneNumber: string, phoneNumberId: string): void {
    if (displayPhoneNumber === '') return
    const known = this.#ids.get(displayPhoneNumber)
    if (known?.has(phoneNumberId) === true) return
    this.#ids.delete(displayPhoneNumber)
    this.#ids.set(displayPhoneNumber, new Set([...(known ?? []), phoneNumberId].slice(-8)))
    if (this.#ids.size > this.#most) this.#ids.delete(this.#ids.keys().next().value!)
  }

  idsOf (displayPhoneNumber: string): string[] {
    return [...(this.#ids.get(displayPhoneNumber) ?? [])]
  }
}
