import type { Campaign, CampaignSummary, ListedContact, Message } from '../schemas/campaign.js'
import type { CreateCampaignBody, ListCampaignsQuery, ListContactsQuery, ListMessagesQuery, SendBulkBody, UpdateCampaignBody } from '../schemas/requests.js'
import type { CampaignChanges, CampaignRepository, Guarded, RunPlan, RunRecipients, StoredCampaign, StoredContact, Tenant } from '../store/types.js'
import { CampaignNotFoundError, MissingRecipientsError, NoRecipientsError } from '../errors.js'
import { prepareContacts, type ContactRules } from './contacts.js'
import { presentCampaign, presentMessage } from './present.js'
import { isPastSchedule, pastScheduleError, scheduleTime } from './schedule.js'
import { allowedFrom, refused, type CampaignAction } from './transitions.js'

export interface RunStarter {
  start (plan: RunPlan): void
  stopped (campaignId: number, how: 'pause' | 'cancel'): void
}

/**
 * The campaigns as a host app's own code uses them (`fastify.whatsappCampaigns`), and what the routes
 * call: input checks, the status rules, and the store and the engine behind them.
 */
export interface CampaignService {
  /** The new campaign; its contacts inline up to `inlineLimit` (see `get`). */
  create (tenant: Tenant, input: CreateCampaignBody): Promise<Campaign>
  list (tenant: Tenant, query?: Partial<ListCampaignsQuery>): Promise<{ items: CampaignSummary[], total: number }>
  /**
   * The campaign with its contacts and the latest run's messages, each list cut to its first
   * `inlineLimit` entries (and `contactsTruncated` / `messagesTruncated` set) when longer: the rest is
   * read a page at a time through `contacts` and `messages`.
   */
  get (tenant: Tenant, id: number): Promise<Campaign>
  /** A page of the contact list in order; page on with `after`, the last contact's position. */
  contacts (tenant: Tenant, id: number, query?: Partial<ListContactsQuery>): Promise<ListedContact[]>
  messages (tenant: Tenant, id: number, query?: Partial<ListMessagesQuery>): Promise<Message[]>
  /** The campaign as it is after the change, bounded as `get`'s. */
  update (tenant: Tenant, id: number, changes: UpdateCampaignBody): Promise<Campaign>
  delete (tenant: Tenant, id: number): Promise<void>
  /** Starts a run (or a rerun: of every contact, or of the last run's failed recipients) in the background; returns the campaign, now running. */
  run (tenant: Tenant, id: number, recipients?: RunRecipients): Promise<CampaignSummary>
  /** Claims stop at once; sends in flight finish and are recorded. */
  pause (tenant: Tenant, id: number): Promise<CampaignSummary>
  resume (tenant: Tenant, id: number): Promise<CampaignSummary>
  /** Stops the run for good: recipients not sent yet fail with CANCELLED. A scheduled campaign is unscheduled. */
  cancel (tenant: Tenant, id: number): Promise<CampaignSummary>
  /** Creates a campaign from a recipient list and runs it. */
  sendBulk (tenant: Tenant, input: SendBulkBody): Promise<CampaignSummary>
}

/**
 * Starts a scheduled campaign whose time has come, for the engine's scan: of every instance trying,
 * exactly one gets the plan; the others, or a campaign no longer scheduled, get null.
 */
export async function startScheduled (store: CampaignRepository, tenant: Tenant, id: number): Promise<RunPlan | null> {
  const started = await store.startRun(tenant, id, allowedFrom.startScheduled)
  return started.ok ? started.value : null
}

export function createCampaignService (store: CampaignRepository, engine: RunStarter, rules: ContactRules, inlineLimit: number): CampaignService {
  /**
   * The detail with lists of at most `inlineLimit` entries: a campaign of 100,000 recipients would
   * otherwise be a document of tens of megabytes, built and serialised whole on every read.
   */
  function detail (summary: CampaignSummary, contacts: StoredContact[], messages: Message[]): Campaign {
    const campaign: Campaign = { ...summary, contacts: contacts.slice(0, inlineLimit), messages: messages.slice(0, inlineLimit) }
    if (contacts.length > inlineLimit) campaign.contactsTruncated = true
    if (messages.length > inlineLimit) campaign.messagesTruncated = true
    return campaign
  }

  async function full (tenant: Tenant, stored: StoredCampaign): Promise<Campaign> {
    const summary = presentCampaign(stored)
    // One more than is shown: whether the list goes on is known without counting it.
    const [contacts, messages] = await Promise.all([
      store.contactPage(tenant, summary.id, { limit: inlineLimit + 1 }),
      store.messages(tenant, summary.id, { limit: inlineLimit + 1 })
    ])
    if (contacts === null || messages === null) throw new CampaignNotFoundError(summary.id)
    return detail(summary, contacts.map(({ phone, name, parameters }) => ({ phone, name, parameters })), messages.map(presentMessage))
  }

  function settled<T> (id: number, action: CampaignAction, result: Guarded<T>): T {
    if (result.ok) return result.value
    if (result.reason === 'not_found') throw new CampaignNotFoundError(id)
    if (result.reason === 'empty') throw new NoRecipientsError(id)
    throw refused(id, action, result.status)
  }

  async function summaryOf (tenant: Tenant, id: number): Promise<CampaignSummary> {
    const stored = await store.get(tenant, id)
    if (stored === null) throw new CampaignNotFoundError(id)
    return presentCampaign(stored)
  }

  /** Pause or cancel: the store first (every instance stops claiming), then this process's workers before their next send. */
  async function stop (tenant: Tenant, id: number, how: 'pause' | 'cancel'): Promise<CampaignSummary> {
    const result = how === 'pause' ? await store.pause(tenant, id, allowedFrom.pause) : await store.cancel(tenant, id, allowedFrom.cancel)
    const stored = settled(id, how, result)
    engine.stopped(id, how)
    return presentCampaign(stored)
  }

  async function run (tenant: Tenant, id: number, recipients: RunRecipients = 'all'): Promise<CampaignSummary> {
    engine.start(settled(id, 'run', await store.startRun(tenant, id, allowedFrom.run, recipients)))
    return await summaryOf(tenant, id)
  }

  /**
   * The schedule a create or an edit asks for; undefined: no change. A time further in the past than
   * the grace is refused. An edit that sends back the campaign's own schedule, come and gone, changes
   * nothing: a client that saves the whole campaign it was given must not start it again.
   */
  async function scheduleChange (tenant: Tenant, id: number | undefined, value: string | null | undefined): Promise<Date | null | undefined> {
    if (value === undefined) return undefined
    const time = scheduleTime(value)
    if (time === null || value === null || time.getTime() > Date.now()) return time
    const stored = id === undefined ? null : await store.get(tenant, id)
    if (stored?.scheduledAt?.getTime() === time.getTime()) return undefined
    if (isPastSchedule(time)) throw pastScheduleError(value, time)
    return time
  }

  async function create (tenant: Tenant, input: CreateCampaignBody): Promise<Campaign> {
    const contacts = prepareContacts(input.contacts ?? [], rules)
    const scheduledAt = await scheduleChange(tenant, undefined, input.scheduledAt) ?? null
    const stored = await store.create(tenant, {
      name: input.name.trim(),
      templateName: input.templateName,
      language: input.language ?? 'en',
      parameters: input.parameters ?? [],
      contacts,
      scheduledAt
    })
    return detail(presentCampaign(stored), contacts, [])
  }

  return {
    create,
    run,

    async list (tenant, query = {}) {
      const { items, total } = await store.list(tenant, { status: query.status, limit: query.limit ?? 50, offset: query.offset ?? 0 })
      return { items: items.map(presentCampaign), total }
    },

    async get (tenant, id) {
      const stored = await store.get(tenant, id)
      if (stored === null) throw new CampaignNotFoundError(id)
      return await full(tenant, stored)
    },

    async contacts (tenant, id, query = {}) {
      const page = await store.contactPage(tenant, id, { limit: query.limit ?? 100, after: query.after })
      if (page === null) throw new CampaignNotFoundError(id)
      return page
    },

    async messages (tenant, id, query = {}) {
      const page = await store.messages(tenant, id, { status: query.status, limit: query.limit ?? 100, after: query.after })
      if (page === null) throw new CampaignNotFoundError(id)
      return page.map(presentMessage)
    },

    async update (tenant, id, input) {
      const changes: CampaignChanges = {}
      if (input.name !== undefined) changes.name = input.name.trim()
      if (input.templateName !== undefined) changes.templateName = input.templateName
      if (input.language !== undefined) changes.language = input.language
      if (input.parameters !== undefined) changes.parameters = input.parameters
      if (input.contacts !== undefined) changes.contacts = prepareContacts(input.contacts, rules)
      const scheduledAt = await scheduleChange(tenant, id, input.scheduledAt)
      if (scheduledAt !== undefined) changes.scheduledAt = scheduledAt
      const action = scheduledAt === undefined ? 'edit' : 'schedule'
      return await full(tenant, settled(id, action, await store.update(tenant, id, changes, allowedFrom[action])))
    },

    async pause (tenant, id) {
      return await stop(tenant, id, 'pause')
    },

    async resume (tenant, id) {
      engine.start(settled(id, 'resume', await store.resume(tenant, id, allowedFrom.resume)))
      return await summaryOf(tenant, id)
    },

    async cancel (tenant, id) {
      return await stop(tenant, id, 'cancel')
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
