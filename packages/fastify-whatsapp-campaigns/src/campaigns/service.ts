import type { Campaign, CampaignSummary, Message } from '../schemas/campaign.js'
import type { CreateCampaignBody, ListCampaignsQuery, ListMessagesQuery, SendBulkBody, UpdateCampaignBody } from '../schemas/requests.js'
import type { CampaignChanges, CampaignStore, Guarded, RunPlan, Tenant } from '../store/types.js'
import { CampaignNotFoundError, MissingRecipientsError } from '../errors.js'
import { prepareContacts, type ContactRules } from './contacts.js'
import { allowedFrom, refused, type CampaignAction } from './transitions.js'

export interface RunStarter {
  start (plan: RunPlan): void
}

/**
 * The campaigns as a host app's own code uses them (`fastify.whatsappCampaigns`), and what the routes
 * call: input checks, the status rules, and the store and the engine behind them.
 */
export interface CampaignService {
  create (tenant: Tenant, input: CreateCampaignBody): Promise<Campaign>
  list (tenant: Tenant, query?: Partial<ListCampaignsQuery>): Promise<{ items: CampaignSummary[], total: number }>
  get (tenant: Tenant, id: number): Promise<Campaign>
  messages (tenant: Tenant, id: number, query?: Partial<ListMessagesQuery>): Promise<Message[]>
  update (tenant: Tenant, id: number, changes: UpdateCampaignBody): Promise<Campaign>
  delete (tenant: Tenant, id: number): Promise<void>
  /** Starts a run (or a rerun) in the background and returns the campaign, now running. */
  run (tenant: Tenant, id: number): Promise<CampaignSummary>
  /** Creates a campaign from a recipient list and runs it. */
  sendBulk (tenant: Tenant, input: SendBulkBody): Promise<CampaignSummary>
}

export function createCampaignService (store: CampaignStore, engine: RunStarter, rules: ContactRules): CampaignService {
  async function full (tenant: Tenant, summary: CampaignSummary): Promise<Campaign> {
    const [contacts, messages] = await Promise.all([
      store.contacts(tenant, summary.id),
      store.messages(tenant, summary.id, { limit: Math.max(summary.totalCount, 1) })
    ])
    if (contacts === null || messages === null) throw new CampaignNotFoundError(summary.id)
    return { ...summary, contacts, messages }
  }

  function settled<T> (id: number, action: CampaignAction, result: Guarded<T>): T {
    if (result.ok) return result.value
    if (result.reason === 'not_found') throw new CampaignNotFoundError(id)
    throw refused(id, action, result.status)
  }

  async function run (tenant: Tenant, id: number): Promise<CampaignSummary> {
    const plan = settled(id, 'run', await store.startRun(tenant, id, allowedFrom.run))
    engine.start(plan)
    const summary = await store.get(tenant, id)
    if (summary === null) throw new CampaignNotFoundError(id)
    return summary
  }

  async function create (tenant: Tenant, input: CreateCampaignBody): Promise<Campaign> {
    const contacts = prepareContacts(input.contacts ?? [], rules)
    const summary = await store.create(tenant, {
      name: input.name.trim(),
      templateName: input.templateName,
      language: input.language ?? 'en',
      parameters: input.parameters ?? [],
      contacts
    })
    return { ...summary, contacts, messages: [] }
  }

  return {
    create,
    run,

    async list (tenant, query = {}) {
      return await store.list(tenant, { status: query.status, limit: query.limit ?? 50, offset: query.offset ?? 0 })
    },

    async get (tenant, id) {
      const summary = await store.get(tenant, id)
      if (summary === null) throw new CampaignNotFoundError(id)
      return await full(tenant, summary)
    },

    async messages (tenant, id, query = {}) {
      const page = await store.messages(tenant, id, { status: query.status, limit: query.limit ?? 100, after: query.after })
      if (page === null) throw new CampaignNotFoundError(id)
      return page
    },

    async update (tenant, id, input) {
      const changes: CampaignChanges = {}
      if (input.name !== undefined) changes.name = input.name.trim()
      if (input.templateName !== undefined) changes.templateName = input.templateName
      if (input.language !== undefined) changes.language = input.language
      if (input.parameters !== undefined) changes.parameters = input.parameters
      if (input.contacts !== undefined) changes.contacts = prepareContacts(input.contacts, rules)
      const summary = settled(id, 'edit', await store.update(tenant, id, changes, allowedFrom.edit))
      return await full(tenant, summary)
    },

    async delete (tenant, id) {
      settled(id, 'delete', await store.delete(tenant, id, allowedFrom.delete))
    },

    async sendBulk (tenant, input) {
      const contacts = input.contacts ?? input.phoneNumbers?.map(phone => ({ phone }))
      if (contacts === undefined) throw new MissingRecipientsError()
      const created = await create(tenant, {
        name: input.name ?? `Bulk send ${new Date().toISOString()}`,
        templateName: input.templateName,
        language: input.language,
        parameters: input.parameters,
        contacts
      })
      return await run(tenant, created.id)
    }
  }
}
