import type { CreateCampaignBody, Preflight, PricingCategory } from 'fastify-whatsapp-campaigns'
import { sendJson } from '../api.js'

/** What a send of the draft would do (`POST /preflight`): nothing is sent or stored. */
export async function preflightDraft (body: CreateCampaignBody, category: PricingCategory | '', signal?: AbortSignal): Promise<Preflight> {
  const result = await sendJson<Preflight>('/preflight', { method: 'POST', body: category === '' ? body : { ...body, category }, signal })
  if (result === null) throw new Error('The preflight answered nothing')
  return result
}

/** Whether a person should think twice: Meta would not deliver some messages, or would refuse the template. */
export function holdsBack (result: Preflight): boolean {
  return result.number.fits === false || (result.template.checked && !result.template.ok)
}

export const categoryLabels: Record<PricingCategory | '', string> = {
  '': 'Not known',
  marketing: 'Marketing',
  utility: 'Utility',
  authentication: 'Authentication'
}
