/** What the groups of the conformance suite share: the runner's shape, the store under test, fixtures. */
import { randomUUID } from 'node:crypto'
import { campaignStatuses, type CampaignStatus } from '../../schemas/campaign.js'
import type { CampaignStore, Guarded, MessageOutcome, NewCampaign, RunPlan, StoredContact, StoredMessage, Tenant } from '../types.js'

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

/** How a group declares its tests: each one gets its own fresh store. */
export type StoreTest = (name: string, fn: (t: Assert, store: CampaignStore) => Promise<void>) => void

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

/** Creates a campaign and starts its run. */
export async function started (store: CampaignStore, tenant: Tenant, campaign: NewCampaign = draft()): Promise<RunPlan> {
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

/** Claims every due message of the run and records what `outcome` says for each (default: sent). */
export async function sendAll (
  store: CampaignStore, plan: RunPlan, outcome: (id: number, index: number) => MessageOutcome = sentOutcome
): Promise<number> {
  let index = 0
  for (;;) {
    const batch = await store.claim(plan, 50, leaseFor())
    if (batch.length === 0) return index
    await store.record(plan, batch.map(message => outcome(message.id, index++)))
  }
}

/** Every message of the campaign's latest run. */
export async function allMessages (store: CampaignStore, tenant: Tenant, id: number): Promise<StoredMessage[]> {
  const all: StoredMessage[] = []
  for (;;) {
    const page = await store.messages(tenant, id, { limit: 500, after: all.at(-1)?.position })
    if (page === null) throw new Error('no such campaign')
    if (page.length === 0) return all
    all.push(...page)
  }
}
