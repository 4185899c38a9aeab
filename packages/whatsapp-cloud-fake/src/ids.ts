import { randomBytes } from 'node:crypto'

/**
 * Real wamids are base64 of a small binary record holding the recipient's number and a message id
 * (`wamid.HBgL…`, where `HBgL` encodes the length-prefixed digits). We build the same layout with a
 * per-instance random prefix plus a counter, so ids are unique across fakes and cost no crypto per call.
 */
export function wamidFactory (): (digits: string) => string {
  const prefix = randomBytes(4).toString('hex').toUpperCase()
  let counter = 0
  return digits => {
    counter++
    const id = prefix + counter.toString(16).toUpperCase().padStart(10, '0')
    const record = Buffer.concat([
      Buffer.from([0x1c, 0x18, digits.length]),
      Buffer.from(digits, 'latin1'),
      Buffer.from([0x15, 0x02, 0x00, 0x11, 0x18, id.length]),
      Buffer.from(id, 'latin1'),
      Buffer.from([0x00])
    ])
    return 'wamid.' + record.toString('base64')
  }
}

/** Graph's fbtrace_id: 23 URL-safe base64 characters. Only errors carry one, so randomBytes is fine. */
export function fbtraceId (): string {
  return randomBytes(18).toString('base64url').slice(0, 23)
}
