import type { CampaignStatus } from '../schemas/campaign.js'
import type { ListTemplatesQuery, Template } from '../schemas/templates.js'
import type { CampaignRepository, Tenant } from '../store/types.js'
import type { TemplateCatalogue, CatalogueAccount } from './catalogue.js'
import { checkTemplate, type CampaignTemplateUse, type TemplateVerdict } from './check.js'
import { refusalError } from './refusal.js'

/** The account fields the gate reads: where the templates are, and with which token. */
export interface TemplateAccount {
  apiUrl: string
  accessToken: string
  businessAccountId?: string
}

export interface TemplateGateOptions {
  store: Pick<CampaignRepository, 'get' | 'contacts'>
  accountFor: (tenant: Tenant) => Promise<TemplateAccount>
  catalogue: TemplateCatalogue
  /** Check on create and edit too (the `templates.checkOnSave` option). */
  checkOnSave: boolean
}

/**
 * The template check where the campaigns meet it: before every start (run, rerun, resume, send-bulk,
 * a scheduled start) and, unless the host opted out, on every save. An account without a
 * `businessAccountId` is not checked: its templates cannot be read.
 */
export interface TemplateGate {
  /** The verdict for a campaign; null when its account has no business account id (not checked). */
  verdict (tenant: Tenant, use: CampaignTemplateUse): Promise<TemplateVerdict | null>
  /**
   * The verdict for a saved campaign's plan, its contacts included; null when not checked: no
   * business account id, no such campaign, or a status `allowed` does not hold (the store's guard
   * refuses the action then, with its own reason).
   */
  verdictFor (tenant: Tenant, id: number, allowed?: readonly CampaignStatus[]): Promise<TemplateVerdict | null>
  /** Throws the refusal (409/422) of `verdictFor`. */
  beforeStart (tenant: Tenant, id: number, allowed: readonly CampaignStatus[]): Promise<void>
  /** Throws the refusal for a campaign about to be saved, when `checkOnSave`. */
  beforeSave (tenant: Tenant, use: CampaignTemplateUse): Promise<void>
  /** Whether saves are checked. */
  readonly checkOnSave: boolean
  /** The tenant's account's templates; none without a business account id. */
  list (tenant: Tenant, query?: ListTemplatesQuery): Promise<Template[]>
}

function catalogueAccount (account: TemplateAccount): CatalogueAccount | null {
  if (account.businessAccountId === undefined) return null
  return { apiUrl: account.apiUrl, accessToken: account.accessToken, businessAccountId: account.businessAccountId }
}

export function createTemplateGate (options: TemplateGateOptions): TemplateGate {
  const { store, catalogue } = options

  async function verdict (tenant: Tenant, use: CampaignTemplateUse): Promise<TemplateVerdict | null> {
    const account = catalogueAccount(await options.accountFor(tenant))
    if (account === null) return null
    return checkTemplate(await catalogue.find(account, use.templateName, use.language), use)
  }

  async function verdictFor (tenant: Tenant, id: number, allowed?: readonly CampaignStatus[]): Promise<TemplateVerdict | null> {
    const account = catalogueAccount(await options.accountFor(tenant))
    if (account === null) return null
    const campaign = await store.get(tenant, id)
    if (campaign === null || (allowed !== undefined && !allowed.includes(campaign.status))) return null
    // The list first: when Graph cannot be read, the contacts were read for nothing.
    const template = await catalogue.find(account, campaign.templateName, campaign.language)
    const contacts = await store.contacts(tenant, id)
    return checkTemplate(template, { templateName: campaign.templateName, language: campaign.language, parameters: campaign.parameters, contacts: contacts ?? [] })
  }

  const refuseIf = (result: TemplateVerdict | null): void => {
    if (result !== null && !result.ok) throw refusalError(result)
  }

  return {
    verdict,
    verdictFor,
    checkOnSave: options.checkOnSave,
    async beforeStart (tenant, id, allowed) {
      refuseIf(await verdictFor(tenant, id, allowed))
    },
    async beforeSave (tenant, use) {
      if (options.checkOnSave) refuseIf(await verdict(tenant, use))
    },
    async list (tenant, query = {}) {
      const account = catalogueAccount(await options.accountFor(tenant))
      if (account === null) return []
      const status = query.status?.toUpperCase()
      return (await catalogue.list(account)).filter(t => (query.name === undefined || t.name === query.name) && (status === undefined || t.status === status))
    }
  }
}
