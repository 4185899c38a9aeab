import type { Contact } from 'fastify-whatsapp-campaigns'
import { sendJson } from '../api.js'

/** The server's verdict on one row of a list, from `POST /contacts/check` (nothing is stored). */
export type Verdict = 'valid' | 'invalid' | 'duplicate' | 'optedOut'

export interface CheckedRow {
  index: number
  phone: string
  name: string | null
  verdict: Verdict
  reason?: string
}

export interface CheckResult {
  rows: CheckedRow[]
  counts: Record<Verdict, number>
}

export const verdictLabels: Record<Verdict, string> = {
  valid: 'Valid',
  invalid: 'Invalid',
  duplicate: 'Duplicate',
  optedOut: 'Opted out'
}

export async function checkContacts (contacts: Contact[], signal?: AbortSignal): Promise<CheckResult> {
  const result = await sendJson<CheckResult>('/contacts/check', { method: 'POST', body: { contacts }, signal })
  if (result === null) throw new Error('The contact check answered nothing')
  return result
}

/**
 * The contacts to import: the valid rows only, each with the phone as the server normalised it (so a
 * later duplicate is seen as one) and its own parameters kept.
 */
export function validContacts (contacts: readonly Contact[], result: CheckResult): Contact[] {
  const kept: Contact[] = []
  for (const row of result.rows) {
    if (row.verdict !== 'valid') continue
    const contact = contacts[row.index]
    if (contact === undefined) continue
    kept.push({ ...contact, phone: row.phone })
  }
  return kept
}
