import type { PricingCategory } from '../schemas/preflight.js'
import type { Template } from '../schemas/templates.js'
import type { Tenant } from '../store/types.js'
import type { CatalogueAccount } from '../templates/catalogue.js'
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

/**
 * The lookup through the plugin's template catalogue: an account without a business account id has
 * no templates to read ("not configured"); a list the Graph API would not give is said so, not thrown:
 * the preflight answers everything else.
 */
export function catalogueLookup (
  accountFor: (tenant: Tenant) => Promise<{ apiUrl: string, accessToken: string, businessAccountId?: string }>,
  catalogue: { find: (account: CatalogueAccount, name: string, language: string) => Promise<Template | undefined> }
): TemplateLookup {
  return async (tenant, name, language) => {
    const { apiUrl, accessToken, businessAccountId } = await accountFor(tenant)
    if (businessAccountId === undefined) return { unavailable: 'not configured: the account has no whatsapp.businessAccountId to read its templates from' }
    try {
      return await catalogue.find({ apiUrl, accessToken, businessAccountId }, name, language)
    } catch (error) {
      return { unavailable: `the templates could not be read: ${(error as Error).message}` }
    }
  }
}
