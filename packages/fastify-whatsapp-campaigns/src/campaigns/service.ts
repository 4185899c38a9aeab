import { setTimeout as sleep } from 'node:timers/promises'
import type { Campaign, CampaignCounts, CampaignSummary, ListedContact, Message } from '../schemas/campaign.js'
import type { CheckContactsBody, ContactCheck } from '../schemas/contacts-check.js'
import type { CampaignRun, CancelledCampaign } from '../schemas/run.js'
import type { CampaignCountsQuery, CreateCampaignBody, ExportMessagesQuery, ListCampaignsQuery, ListContactsQuery, ListMessagesQuery, SendBulkBody, UpdateCampaignBody } from '../schemas/requests.js'
import type { CampaignAnalytics, CampaignChanges, CampaignRepository, Guarded, OptOutList, RunPlan, RunQueue, RunRecipients, StoredCampaign, StoredContact, Tenant } from '../store/types.js'
import type { ListTemplatesQuery, Template } from '../schemas/templates.js'
import type { TemplateGate } from '../templates/gate.js'
import { refusalError } from '../templates/refusal.js'
import { CampaignNotFoundError, MissingRecipientsError, NoRecipientsError, RunNotFoundError } from '../errors.js'
import { prepareContacts, type ContactRules } from './contacts.js'
import { checkContacts } from './contacts-check.js'
import { exportPageSize, messagePages } from './export.js'
import { presentCampaign, presentMessage, presentRun } from './present.js'
import { givesPlan, withoutSamePlan } from './plan-changes.js'
import { isPastSchedule, pastScheduleError, scheduleTime } from './schedule.js'
import { allowedFrom, refused, type CampaignAction } from './transitions.js'
import { createTrackingService, type TrackingService } from './tracking.js'

export interface RunStarter {
  start (plan: RunPlan): void
  stopped (campaignId: number, how: 'pause' | 'cancel'): void
  /** Resolves once this process works on no run of the campaign (its sends in flight recorded). */
  idle (campaignId: number): Promise<void>
}

export interface ServiceSettings {
  /** Contacts and messages a campaign's detail holds at most (the plugin's `inlineLimit`). */
  inlineLimit: number
  /** How long a cancel waits for the sends in flight to be recorded before it answers (default 5 s). */
  cancelSettleMs?: number
  /** The phone number id a tenant sends from, kept with each run it starts (inbound messages to it find the run). */
  senderOf?: SenderOf
  /** The template check before starts and saves; absent: templates are not checked. */
  templates?: TemplateGate
}

/** The phone number id a tenant sends from; undefined when it cannot be told. */
export type SenderOf = (tenant: Tenant) => Promise<string | undefined>

/** A few seconds: Meta answers in a fraction of one, and a cancel that hangs longer says so instead. */
const defaultCancelSettleMs = 5000

/** How often a cancel looks again at counts another instance is still recording. */
const settlePollMs = 50

/**
 * The campaigns as a host app's own code uses them (`fastify.whatsappCampaigns`), and what the routes
 * call: input checks, the status rules, and the store and the engine behind them.
 */
export interface CampaignService extends TrackingService {
  /** The new campaign; its contacts inline up to `inlineLimit` (see `get`). */
  create (tenant: Tenant, input: CreateCampaignBody): Promise<Campaign>
  /** Newest first; `q` finds a text in the name, case aside. */
  list (tenant: Tenant, query?: Partial<ListCampaignsQuery>): Promise<{ items: CampaignSummary[], total: number }>
  /** How many campaigns (matching `q`) are in each status, and in all. */
  counts (tenant: Tenant, query?: CampaignCountsQuery): Promise<CampaignCounts>
  /** What a create would make of a contact list, row by row (valid, invalid, duplicate, opted out); stores nothing. */
  checkContacts (tenant: Tenant, body: CheckContactsBody): Promise<ContactCheck>
  /**
   * The campaign with its contacts and the latest run's messages, each list cut to its first
   * `inlineLimit` entries (and `contactsTruncated` / `messagesTruncated` set) when longer: the rest is
   * read a page at a time through `contacts` and `messages`.
   */
  get (tenant: Tenant, id: number): Promise<Campaign>
  /** The campaign as the list shows it (figures, progress, times), without its contacts and messages: one row's read, however long its lists. */
  summary (tenant: Tenant, id: number): Promise<CampaignSummary>
  /** A page of the contact list in order; page on with `after`, the last contact's position. */
  contacts (tenant: Tenant, id: number, query?: Partial<ListContactsQuery>): Promise<ListedContact[]>
  /** Messages of the latest run, or of `query.run` (one of the campaign's runs). */
  messages (tenant: Tenant, id: number, query?: Partial<ListMessagesQuery>): Promise<Message[]>
  /**
   * Every message of the latest run (or of `query.run`), filtered by status, in order, read from the
   * store a page at a time as they are consumed. Throws the 404 before anything is read: a missing
   * campaign or run is known before the first message. A campaign that never ran has none.
   */
  exportMessages (tenant: Tenant, id: number, query?: ExportMessagesQuery): Promise<AsyncIterable<Message>>
  /** Every run of the campaign, newest first. */
  runs (tenant: Tenant, id: number): Promise<CampaignRun[]>
  /** The campaign as it is after the change, bounded as `get`'s. */
  update (tenant: Tenant, id: number, changes: UpdateCampaignBody): Promise<Campaign>
  delete (tenant: Tenant, id: number): Promise<void>
  /** Starts a run (or a rerun: of every contact, or of the last run's failed recipients) in the background; returns the campaign, now running. */
  run (tenant: Tenant, id: number, recipients?: RunRecipients): Promise<CampaignSummary>
  /** Claims stop at once; sends in flight finish and are recorded. */
  pause (tenant: Tenant, id: number): Promise<CampaignSummary>
  resume (tenant: Tenant, id: number): Promise<CampaignSummary>
  /**
   * Stops the run for good: recipients not sent yet fail with CANCELLED. A scheduled campaign is
   * unscheduled. Answers once the sends in flight are recorded, so its counts are final; after a few
   * seconds it answers anyway, with `settling: true`.
   */
  cancel (tenant: Tenant, id: number): Promise<CancelledCampaign>
  /** Creates a campaign from a recipient list and runs it. */
  sendBulk (tenant: Tenant, input: SendBulkBody): Promise<CampaignSummary>
  /** The templates of the tenant's WhatsApp business account; none when no business account id is configured. */
  templates (tenant: Tenant, query?: ListTemplatesQuery): Promise<Template[]>
}

/**
 * Starts a scheduled campaign whose time has come, for the engine's scan: of every instance trying,
 * exactly one gets the plan; the others, or a campaign no longer scheduled, get null.
 */
export async function startScheduled (
  store: CampaignRepository & Pick<RunQueue, 'pauseRun'>, tenant: Tenant, id: number, senderOf?: SenderOf, templates?: TemplateGate
): Promise<RunPlan | null> {
  const verdict = await templates?.verdictFor(tenant, id, allowedFrom.startScheduled) ?? null
  const started = await store.startRun(tenant, id, allowedFrom.startScheduled, 'all', await senderOf?.(tenant))
  if (!started.ok) return null
  // A template that fails its check is the campaign's own news, not a scan's: the run is kept, paused
  // before its first claim with the reason as the campaign's error, and a resume checks again.
  if (verdict !== null && !verdict.ok) {
    await store.pauseRun(started.value, { code: verdict.code, title: 'The template check failed', message: verdict.message })
    return null
  }
  return started.value
}

/** A name search as the store takes it: surrounding spaces are not part of it, and a blank one is none. */
function searchOf (q: string | undefined): string | undefined {
  const trimmed = q?.trim()
  return trimmed === undefined || trimmed === '' ? undefined : trimmed
}

/** Whether every recipient of the campaign's latest run has its outcome recorded (true when it never ran). */
function countsFinal (campaign: StoredCampaign): boolean {
  const run = campaign.latestRun
  return run === null || run.successCount + run.failedCount + run.skippedCount >= run.totalCount
}

export function createCampaignService (
  store: CampaignRepository & CampaignAnalytics & OptOutList, engine: RunStarter, rules: ContactRules, settings: ServiceSettings
): CampaignService {
  const { inlineLimit } = settings
  const cancelSettleMs = settings.cancelSettleMs ?? defaultCancelSettleMs

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

  /** Why a campaign's messages could not be read: the campaign is missing, or `run` is not one of its runs. */
  async function missingMessages (tenant: Tenant, id: number, run: number | undefined): Promise<never> {
    if (run !== undefined && await store.get(tenant, id) !== null) throw new RunNotFoundError(id, run)
    throw new CampaignNotFoundError(id)
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

  /**
   * Which rule an edit falls under: a schedule, an edit of the plan (template, language, parameters,
   * contacts), or of the rest. A paused campaign given fields with the values it has already is not
   * changed by them, and they are left out: a rename from a form that sends the campaign back whole
   * must not be refused for them. Whatever the status read here, the store's guard decides.
   */
  async function editAction (tenant: Tenant, id: number, given: CampaignChanges, current: StoredCampaign | null): Promise<{ name: 'edit' | 'editPlan' | 'schedule', changes: CampaignChanges }> {
    let changes = given
    if (current?.status === 'paused') {
      const contacts = changes.contacts === undefined ? null : await store.contacts(tenant, id)
      changes = withoutSamePlan(changes, current, contacts)
      if (changes.scheduledAt !== undefined && changes.scheduledAt?.getTime() === current.scheduledAt?.getTime()) delete changes.scheduledAt
    }
    const name = changes.scheduledAt !== undefined ? 'schedule' : givesPlan(changes) ? 'editPlan' : 'edit'
    return { name, changes }
  }

  /**
   * The cancelled campaign once the sends that were in flight are recorded: this process's worker
   * stops before its next send and records what it had sent; another instance's records its own as
   * it sees the cancel, which only the counts tell. Bounded: past it, the answer says it is settling.
   */
  async function settledCancel (tenant: Tenant, id: number): Promise<CancelledCampaign> {
    const deadline = Date.now() + cancelSettleMs
    const timer = new AbortController()
    await Promise.race([engine.idle(id), sleep(cancelSettleMs, undefined, { signal: timer.signal }).catch(() => {})])
    timer.abort()
    for (;;) {
      const stored = await store.get(tenant, id)
      if (stored === null) throw new CampaignNotFoundError(id)
      if (countsFinal(stored)) return presentCampaign(stored)
      if (Date.now() >= deadline) return { ...presentCampaign(stored), settling: true }
      await sleep(settlePollMs)
    }
  }

  async function run (tenant: Tenant, id: number, recipients: RunRecipients = 'all', templateChecked = false): Promise<CampaignSummary> {
    if (!templateChecked) await settings.templates?.beforeStart(tenant, id, allowedFrom.run)
    engine.start(settled(id, 'run', await store.startRun(tenant, id, allowedFrom.run, recipients, await settings.senderOf?.(tenant))))
    return await summaryOf(tenant, id)
  }

  /**
   * The schedule a create or an edit asks for; undefined: no change. A time further in the past than
   * the grace is refused. An edit that sends back the campaign's own schedule, come and gone, changes
   * nothing: a client that saves the whole campaign it was given must not start it again.
   */
  function scheduleChange (value: string | null | undefined, current: StoredCampaign | null): Date | null | undefined {
    if (value === undefined) return undefined
    const time = scheduleTime(value)
    if (time === null || value === null || time.getTime() > Date.now()) return time
    if (current?.scheduledAt?.getTime() === time.getTime()) return undefined
    if (isPastSchedule(time)) throw pastScheduleError(value, time)
    return time
  }

  /** `prepared`: the contacts already prepared (and the template checked) by the caller. */
  async function create (tenant: Tenant, input: CreateCampaignBody, prepared?: StoredContact[]): Promise<Campaign> {
    const contacts = prepared ?? prepareContacts(input.contacts ?? [], rules)
    const checkOnSave = prepared === undefined
    const scheduledAt = scheduleChange(input.scheduledAt, null) ?? null
    if (checkOnSave) await settings.templates?.beforeSave(tenant, { templateName: input.templateName, language: input.language ?? 'en', parameters: input.parameters ?? [], contacts })
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
    ...createTrackingService(store, rules),
    create: async (tenant, input) => await create(tenant, input),
    run: async (tenant, id, recipients) => await run(tenant, id, recipients),

    async list (tenant, query = {}) {
      const { items, total } = await store.list(tenant, { status: query.status, q: searchOf(query.q), limit: query.limit ?? 50, offset: query.offset ?? 0 })
      return { items: items.map(presentCampaign), total }
    },

    async counts (tenant, query = {}) {
      const byStatus = await store.statusCounts(tenant, { q: searchOf(query.q) })
      const all = Object.values(byStatus).reduce((sum, n) => sum + n, 0)
      return { all, ...byStatus }
    },

    async checkContacts (tenant, body) {
      return await checkContacts(store, tenant, body.contacts, rules)
    },

    async get (tenant, id) {
      const stored = await store.get(tenant, id)
      if (stored === null) throw new CampaignNotFoundError(id)
      return await full(tenant, stored)
    },

    async summary (tenant, id) {
      const stored = await store.get(tenant, id)
      if (stored === null) throw new CampaignNotFoundError(id)
      return presentCampaign(stored)
    },

    async contacts (tenant, id, query = {}) {
      const page = await store.contactPage(tenant, id, { limit: query.limit ?? 100, after: query.after })
      if (page === null) throw new CampaignNotFoundError(id)
      return page
    },

    async messages (tenant, id, query = {}) {
      const page = await store.messages(tenant, id, { status: query.status, limit: query.limit ?? 100, after: query.after, run: query.run })
      if (page !== null) return page.map(presentMessage)
      return await missingMessages(tenant, id, query.run)
    },

    async exportMessages (tenant, id, query = {}) {
      // The latest run named by its id, so that every page reads the same run.
      let run = query.run
      if (run === undefined) {
        const history = await store.runs(tenant, id)
        if (history === null) throw new CampaignNotFoundError(id)
        if (history.runs.length === 0) return messagePages(store, tenant, id, { run: 0 }, [])
        run = history.runs[0].id
      }
      const pinned = { status: query.status, run }
      const first = await store.messages(tenant, id, { ...pinned, limit: exportPageSize })
      if (first === null) return await missingMessages(tenant, id, run)
      return messagePages(store, tenant, id, pinned, first)
    },

    async runs (tenant, id) {
      const history = await store.runs(tenant, id)
      if (history === null) throw new CampaignNotFoundError(id)
      return history.runs.map(run => presentRun(run, history.readAt))
    },

    async update (tenant, id, input) {
      const changes: CampaignChanges = {}
      if (input.name !== undefined) changes.name = input.name.trim()
      if (input.templateName !== undefined) changes.templateName = input.templateName
      if (input.language !== undefined) changes.language = input.language
      if (input.parameters !== undefined) changes.parameters = input.parameters
      if (input.contacts !== undefined) changes.contacts = prepareContacts(input.contacts, rules)
      // The campaign as it is, read once for the rules that compare an edit with it (an edit of the name alone needs none).
      const current = input.scheduledAt !== undefined || givesPlan(changes) ? await store.get(tenant, id) : null
      const scheduledAt = scheduleChange(input.scheduledAt, current)
      if (scheduledAt !== undefined) changes.scheduledAt = scheduledAt
      const action = await editAction(tenant, id, changes, current)
      // Only an edit its status allows is checked: otherwise the guard refuses it with its own reason.
      if (current !== null && givesPlan(action.changes) && (allowedFrom[action.name] as readonly string[]).includes(current.status) && settings.templates?.checkOnSave === true) {
        await settings.templates.beforeSave(tenant, {
          templateName: action.changes.templateName ?? current.templateName,
          language: action.changes.language ?? current.language,
          parameters: action.changes.parameters ?? current.parameters,
          contacts: action.changes.contacts ?? await store.contacts(tenant, id) ?? []
        })
      }
      return await full(tenant, settled(id, action.name, await store.update(tenant, id, action.changes, allowedFrom[action.name])))
    },

    async pause (tenant, id) {
      return await stop(tenant, id, 'pause')
    },

    async resume (tenant, id) {
      await settings.templates?.beforeStart(tenant, id, allowedFrom.resume)
      engine.start(settled(id, 'resume', await store.resume(tenant, id, allowedFrom.resume)))
      return await summaryOf(tenant, id)
    },

    async cancel (tenant, id) {
      await stop(tenant, id, 'cancel')
      return await settledCancel(tenant, id)
    },

    async delete (tenant, id) {
      settled(id, 'delete', await store.delete(tenant, id, allowedFrom.delete))
    },

    async sendBulk (tenant, input) {
      const contacts = input.contacts ?? input.phoneNumbers?.map(phone => ({ phone }))
      if (contacts === undefined) throw new MissingRecipientsError()
      const draft = {
        name: input.name ?? `Bulk send ${new Date().toISOString()}`,
        templateName: input.templateName,
        language: input.language,
        parameters: input.parameters,
        contacts
      }
      const prepared = prepareContacts(contacts, rules)
      // Checked before anything is stored, whatever checkOnSave says: a refused send leaves no campaign behind.
      const verdict = await settings.templates?.verdict(tenant, {
        templateName: draft.templateName,
        language: draft.language ?? 'en',
        parameters: draft.parameters ?? [],
        contacts: prepared
      }) ?? null
      if (verdict !== null && !verdict.ok) throw refusalError(verdict)
      const created = await create(tenant, draft, prepared)
      return await run(tenant, created.id, 'all', true)
    },

    async templates (tenant, query) {
      return await settings.templates?.list(tenant, query) ?? []
    }
  }
}
