import type { PricingCategory } from '../schemas/preflight.js'
import type { Template } from '../schemas/templates.js'
import type { Tenant } from '../store/types.js'
import { checkTemplate } from '../templates/check.js'
import type { TemplateJudge } from './preflight.js'

/**
 * A tenant's template by name and language: undefined when the business account has none such;
 * `{ unavailable }` when the catalogue cannot tell (none configured, the Graph API refused).
 */
export type TemplateLookup = (tenant: Tenant, name: string, language: string) => Promise<Template | undefined | { unavailable: string }>

const categories: readonly string[] = ['marketing', 'utility', 'authentication']

/** The preflight's template verdict: the same check every start goes through, and the template's own category. */
export function templateJudge (lookup: TemplateLookup): TemplateJudge {
  return async (tenant, campaign) => {
    const found = await lookup(tenant, campaign.templateName, campaign.language)
    if (found !== undefined && 'unavailable' in found) return { verdict: { checked: false, reason: found.unavailable } }
    const verdict = checkTemplate(found, campaign)
    const category = found?.category.toLowerCase()
    const judged = { verdict: verdict.ok ? { checked: true as const, ok: true } : { checked: true as const, ...verdict } }
    return category !== undefined && categories.includes(category) ? { ...judged, category: category as PricingCategory } : judged
  }
}
