import type {
  CampaignStatus,
  CampaignSummary,
  Contact,
  ErrorCode,
  Message,
  MessageStatus,
  RunError
} from '../schemas/campaign.js'

/** Who owns a row. Every store call is scoped by it: one tenant never sees another's campaigns. */
export type Tenant = string

/** A contact as stored: phone already normalised to digits and validated, duplicates removed. */
export interface StoredContact {
  phone: string
  name: string | null
  parameters: string[] | null
}

export interface NewCampaign {
  name: string
  templateName: string
  language: string
  parameters: string[]
  contacts: StoredContact[]
}

/** Fields to change; absent ones stay. `contacts` replaces the whole list. */
export type CampaignChanges = Partial<NewCampaign>

export interface ListQuery {
  status?: CampaignStatus
  limit: number
  offset: number
}

export interface MessageQuery {
  status?: MessageStatus
  limit: number
  /** Keyset cursor: the `position` of the last message of the previous page. */
  after?: number
}

/** A message row as the API shows it, with its position in the run (the keyset cursor). */
export interface StoredMessage extends Message {
  position: number
}

/**
 * The result of a change that is only allowed in some statuses: the campaign as it is after the
 * change, or why it did not happen (no such campaign for this tenant, or it is in a status not allowed).
 */
export type Guarded<T> =
  | { ok: true, value: T }
  | { ok: false, reason: 'not_found' }
  | { ok: false, reason: 'status', status: CampaignStatus }

/** A run the engine works on. */
export interface RunRef {
  tenant: Tenant
  campaignId: number
  runId: number
}

/** What a run sends: fixed when the run starts, so editing the campaign never changes a run under way. */
export interface RunPlan extends RunRef {
  templateName: string
  language: string
  parameters: string[]
  totalCount: number
}

/** A recipient the engine has claimed: its row is `sending` under a lease until its outcome is recorded. */
export interface ClaimedMessage {
  id: number
  phone: string
  name: string | null
  parameters: string[] | null
  attempts: number
}

/** What became of one claimed message. */
export type MessageOutcome =
  | { id: number, status: 'sent', messageId: string }
  | { id: number, status: 'failed', code: ErrorCode, title: string }
  /** Back to pending, to be claimed again at `notBefore`; the attempt counts. */
  | { id: number, status: 'retry', code: ErrorCode, title: string, notBefore: Date }

export interface RunProgress {
  pending: number
  /** Pending rows that may be claimed now; the rest wait for their backoff. */
  due: number
  sending: number
  /** When the earliest waiting row becomes due, if any. */
  nextDueAt: Date | null
}

export interface CampaignStore {
  // ── campaigns (the API) ─────────────────────────────────────────────────────────────
  create(tenant: Tenant, campaign: NewCampaign): Promise<CampaignSummary>
  /** Newest first, with the total number of matches for paging. */
  list(tenant: Tenant, query: ListQuery): Promise<{ items: CampaignSummary[], total: number }>
  get(tenant: Tenant, id: number): Promise<CampaignSummary | null>
  /** The contact list in its order. */
  contacts(tenant: Tenant, id: number): Promise<Contact[] | null>
  /** Messages of the campaign's latest run in position order (an empty page when it never ran; null when there is no such campaign). */
  messages(tenant: Tenant, id: number, query: MessageQuery): Promise<StoredMessage[] | null>
  /** Applies the changes only while the campaign is in one of `allowed`. */
  update(tenant: Tenant, id: number, changes: CampaignChanges, allowed: readonly CampaignStatus[]): Promise<Guarded<CampaignSummary>>
  /** Deletes the campaign, its contacts and every run, only while it is in one of `allowed`. */
  delete(tenant: Tenant, id: number, allowed: readonly CampaignStatus[]): Promise<Guarded<null>>
  /**
   * Atomically, only while the campaign is in one of `allowed`: sets it `running`, creates a run and
   * one pending message row per contact. Of many concurrent calls exactly one succeeds.
   */
  startRun(tenant: Tenant, id: number, allowed: readonly CampaignStatus[]): Promise<Guarded<RunPlan>>

  // ── runs (the engine) ───────────────────────────────────────────────────────────────
  /** Runs still `running`, e.g. after a restart. */
  activeRuns(): Promise<RunPlan[]>
  /**
   * Moves up to `limit` due pending messages of the run to `sending` with a lease until `leaseUntil`,
   * in position order, skipping rows another worker holds. Rows whose lease ran out while `sending`
   * are in doubt and are not claimed again (see `failExpiredLeases`).
   */
  claim(run: RunRef, limit: number, leaseUntil: Date): Promise<ClaimedMessage[]>
  /** Records outcomes of claimed messages in one statement and keeps the run's counters in step. */
  record(run: RunRef, outcomes: MessageOutcome[]): Promise<void>
  /** Marks `sending` rows whose lease ended before `now` as failed with UNKNOWN_OUTCOME: they may have been sent, so they are never resent. Returns how many. */
  failExpiredLeases(run: RunRef, now: Date): Promise<number>
  progress(run: RunRef, now: Date): Promise<RunProgress>
  /**
   * Ends the run: `completed`, or `failed` with the reason, in which case every message still
   * pending is failed with that reason's code. Sets the campaign's status to the run's.
   */
  finishRun(run: RunRef, outcome: { status: 'completed' } | { status: 'failed', error: RunError }): Promise<void>

  /** Prepares the store (the PostgreSQL adapter applies its migrations); the plugin calls it at registration. */
  init?(): Promise<void>
  /** Releases what the store opened (not what was passed in). */
  close(): Promise<void>
}
