/** What the groups of the conformance suite share: the runner's shape, the store under test, fixtures. */
import { randomUUID } from 'node:crypto'
import { campaignStatuses, type CampaignStatus, type CampaignSummary, type Message } from '../../schemas/campaign.js'
import type { CampaignRun } from '../../schemas/run.js'
import { presentCampaign, presentMessage, presentRun } from '../../campaigns/present.js'
import { storeParts } from '../parts.js'
import type { CampaignStore, ClaimedMessage, Guarded, MessageOutcome, NewCampaign, RunPlan, StoredCampaign, StoredContact, Tenant } from '../types.js'

/** The assertions the suite uses: tap's `t` has them; other runners need a thin adapter. */
export interface Assert {
  equal(found: unknown, wanted: unknown, ...message: [] | [string]): unknown
  strictSame(found: unknown, wanted: unknown, ...message: [] | [string]): unknown
  ok(value: unknown, ...message: [] | [string]): unknown
}

/** The runner's test function, e.g. `(name, fn) => t.test(name, fn)` with tap. */
export type TestFunction = (name: string, fn: (t: Assert) => Promise<void>) => unknown

/** A fresh, empty store for one test, and what to do when the test is over (after `store.close()`). */
export interface StoreHandle {
  store: CampaignStore
  teardown?: () => Promise<void> | void
}

export interface Features {
  /** Contacts in the large-list test (default 100,000; 0 leaves the test out). */
  bulkContacts?: number
}

/**
 * The store under test as the API shows it: its campaigns and messages through the plugin's
 * presentation, so that a test reads what a user would; `stored` is the store itself.
 */
export interface StoreView extends Omit<CampaignStore, 'create' | 'list' | 'get' | 'messages' | 'runs' | 'update' | 'pause' | 'cancel'> {
  create(...args: Parameters<CampaignStore['create']>): Promise<CampaignSummary>
  list(...args: Parameters<CampaignStore['list']>): Promise<{ items: CampaignSummary[], total: number }>
  get(...args: Parameters<CampaignStore['get']>): Promise<CampaignSummary | null>
  messages(...args: Parameters<CampaignStore['messages']>): Promise<Message[] | null>
  runs(...args: Parameters<CampaignStore['runs']>): Promise<CampaignRun[] | null>
  update(...args: Parameters<CampaignStore['update']>): Promise<Guarded<CampaignSummary>>
  pause(...args: Parameters<CampaignStore['pause']>): Promise<Guarded<CampaignSummary>>
  cancel(...args: Parameters<CampaignStore['cancel']>): Promise<Guarded<CampaignSummary>>
  readonly stored: CampaignStore
}

function presented (result: Guarded<StoredCampaign>): Guarded<CampaignSummary> {
  return result.ok ? { ok: true, value: presentCampaign(result.value) } : result
}

/** The store seen as the API shows it; every other method is the store's own, bound to it (a class's methods keep their `this`). */
export function viewOf (store: CampaignStore): StoreView {
  const own: Record<string, unknown> = {}
  for (const methods of Object.values(storeParts)) {
    for (const name of Object.keys(methods)) {
      const method = (store as unknown as Record<string, unknown>)[name]
      if (typeof method === 'function') own[name] = method.bind(store)
    }
  }
  const shown: Pick<StoreView, 'create' | 'list' | 'get' | 'messages' | 'runs' | 'update' | 'pause' | 'cancel' | 'stored'> = {
    create: async (...args) => presentCampaign(await store.create(...args)),
    list: async (...args) => {
      const { items, total } = await store.list(...args)
      return { items: items.map(presentCampaign), total }
    },
    get: async (...args) => {
      const found = await store.get(...args)
      return found === null ? null : presentCampaign(found)
    },
    messages: async (...args) => (await store.messages(...args))?.map(presentMessage) ?? null,
    runs: async (...args) => {
      const history = await store.runs(...args)
      return history === null ? null : history.runs.map(run => presentRun(run, history.readAt))
    },
    update: async (...args) => presented(await store.update(...args)),
    pause: async (...args) => presented(await store.pause(...args)),
    cancel: async (...args) => presented(await store.cancel(...args)),
    stored: store
  }
  return { ...own, ...shown } as StoreView
}

/** How a group declares its tests: each one gets its own fresh store, seen through `viewOf`. */
export type StoreTest = (name: string, fn: (t: Assert, store: StoreView) => Promise<void>) => void

export interface Group {
  test: StoreTest
  features: Required<Features>
}

export const tenantA: Tenant = 'tenant-a'
export const tenantB: Tenant = 'tenant-b'

/** Every status: for calls whose guard is not what a test is about. */
export const anyStatus: readonly CampaignStatus[] = campaignStatuses

export function phone (i: number): string {
  return `9198765${String(i).padStart(5, '0')}`
}

export function contacts (count: number, from = 0): StoredContact[] {
  return Array.from({ length: count }, (_, i) => ({ phone: phone(from + i), name: `Contact ${from + i}`, parameters: null }))
}

export function draft (changes: Partial<NewCampaign> = {}): NewCampaign {
  return { name: 'Diwali offer', templateName: 'diwali_offer', language: 'en', parameters: ['20%'], contacts: contacts(3), ...changes }
}

export function leaseFor (ms = 60_000): Date {
  return new Date(Date.now() + ms)
}

export async function sleep (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}

/** The value of a guarded change that must have happened. */
export function allowed<T> (result: Guarded<T>): T {
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result)}`)
  return result.value
}

/**
 * Claims as a worker that goes on to send what it claimed: the claim's mark raised through its last
 * message (RunQueue.markIssued), so that when its lease runs out every row of it may have been sent.
 */
export async function claimIssued (store: StoreView, plan: RunPlan, limit: number, leaseUntil: Date = leaseFor()): Promise<ClaimedMessage[]> {
  const claimed = await store.claim(plan, limit, leaseUntil)
  const last = claimed.at(-1)
  if (last !== undefined) await store.markIssued(plan, leaseUntil, last.id)
  return claimed
}

/** Creates a campaign and starts its run. */
export async function started (store: StoreView, tenant: Tenant, campaign: NewCampaign = draft()): Promise<RunPlan> {
  const { id } = await store.create(tenant, campaign)
  return allowed(await store.startRun(tenant, id, ['draft']))
}

/**
 * Sent, with a wamid of its own. Meta's ids are unique and a store may keep them so; a message's key is
 * only unique within its run (PostgreSQL's is its position), so a wamid made of it would not be.
 */
export function sentOutcome (id: number): MessageOutcome {
  return { id, status: 'sent', messageId: `wamid.${randomUUID()}` }
}

/**
 * Claims every due message of the run and records what `outcome` says for each (default: sent). A
 * store that hands out more claims than the run has recipients fails the test instead of looping.
 */
export async function sendAll (
  store: StoreView, plan: RunPlan, outcome: (id: number, index: number) => MessageOutcome = sentOutcome
): Promise<number> {
  let index = 0
  for (;;) {
    const batch = await store.claim(plan, 50, leaseFor())
    if (batch.length === 0) return index
    if (index + batch.length > plan.totalCount) throw new Error(`claim handed out ${index + batch.length} messages of a run of ${plan.totalCount}`)
    await store.record(plan, batch.map(message => outcome(message.id, index++)))
  }
}

/** Every message of the campaign's latest run. A page that does not move past its cursor fails the test instead of looping. */
export async function allMessages (store: StoreView, tenant: Tenant, id: number): Promise<Message[]> {
  const all: Message[] = []
  for (;;) {
    const after = all.at(-1)?.position
    const page = await store.messages(tenant, id, { limit: 500, after })
    if (page === null) throw new Error('no such campaign')
    if (page.length === 0) return all
    if (after !== undefined && !(page[0].position > after)) throw new Error(`messages after position ${after} began at ${page[0].position}`)
    all.push(...page)
  }
}
