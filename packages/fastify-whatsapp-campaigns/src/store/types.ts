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
  /** A campaign with a time is created `scheduled` (it starts by itself when due), else `draft`. */
  scheduledAt?: Date | null
}

/**
 * Fields to change; absent ones stay. `contacts` replaces the whole list. `scheduledAt`: a time makes the
 * campaign `scheduled`; null takes a `scheduled` campaign back to `draft` (other statuses stay).
 */
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
  /** A run would have no recipient: no contacts, or no failed recipient to send to again. */
  | { ok: false, reason: 'empty' }

/** Whom a run sends to: every contact, or the recipients whose message failed in the latest run. */
export type RunRecipients = 'all' | 'failed'

/** The states of a run; a campaign shows its latest run's. */
export type RunStatus = 'running' | 'paused' | 'completed' | 'failed' | 'cancelled'

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
  /** The store's key for the message within its run, which its outcome names (PostgreSQL: its position). */
  id: number
  phone: string
  name: string | null
  parameters: string[] | null
  /** Sends so far, this one included. */
  attempts: number
  /** How many of the earlier sends Meta answered with the pair-rate limit (131056): they have a budget of their own. */
  pairRateRetries: number
}

/** What became of one claimed message. */
export type MessageOutcome =
  | { id: number, status: 'sent', messageId: string }
  | { id: number, status: 'failed', code: ErrorCode, title: string }
  /** Back to pending, to be claimed again at `notBefore`; the attempt counts (and `pairRate` ones count apart too). */
  | { id: number, status: 'retry', code: ErrorCode, title: string, notBefore: Date, pairRate?: boolean }
  /**
   * Not sent (a pause, a shutdown), or refused for no fault of the message's (Meta paused the run): back
   * to pending at once and the claim's attempt given back; the error is `error` when given, else the last one kept.
   */
  | { id: number, status: 'unsent', error?: { code: ErrorCode, title: string } }

export interface RunProgress {
  /** The run's status now: a worker stops claiming when it is no longer `running`. */
  status: RunStatus
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
   * one pending message row per recipient (every contact, or the latest run's failed recipients), in
   * one statement. Of many concurrent calls exactly one succeeds. No recipient: 'empty', nothing changed.
   */
  startRun(tenant: Tenant, id: number, allowed: readonly CampaignStatus[], recipients?: RunRecipients): Promise<Guarded<RunPlan>>
  /**
   * Only while the campaign is in one of `allowed`: the campaign and its latest run become `paused`
   * (claims stop; what is in flight is still recorded). With a reason (the engine pausing a run whose
   * errors passed the threshold) the campaign shows it as its `error` until resumed.
   */
  pause(tenant: Tenant, id: number, allowed: readonly CampaignStatus[], reason?: RunError): Promise<Guarded<CampaignSummary>>
  /** Only while in one of `allowed`: the campaign and its latest run are `running` again; the plan to hand the engine. */
  resume(tenant: Tenant, id: number, allowed: readonly CampaignStatus[]): Promise<Guarded<RunPlan>>
  /**
   * Only while in one of `allowed`: the campaign becomes `cancelled`; its latest run, if running or
   * paused, too, and every message still pending fails with CANCELLED in the same statement (`sending`
   * ones are recorded by their worker as their sends end).
   */
  cancel(tenant: Tenant, id: number, allowed: readonly CampaignStatus[]): Promise<Guarded<CampaignSummary>>

  // ── runs (the engine) ───────────────────────────────────────────────────────────────
  /** Runs `running` (not paused), e.g. after a restart or for another instance to share. */
  activeRuns(): Promise<RunPlan[]>
  /** Campaigns `scheduled` whose time has come (scheduledAt <= now), oldest first. */
  dueScheduled(now: Date, limit: number): Promise<Array<{ tenant: Tenant, id: number }>>
  /**
   * Moves up to `limit` due pending messages of the run to `sending` with a lease until `leaseUntil`,
   * in position order, skipping rows another worker holds. Rows whose lease ran out while `sending`
   * are in doubt and are not claimed again (see `failExpiredLeases`).
   */
  claim(run: RunRef, limit: number, leaseUntil: Date): Promise<ClaimedMessage[]>
  // (claim returns nothing unless the run is `running`: a pause or a cancel stops claims at once.)
  /**
   * Records outcomes of claimed messages in one statement and keeps the run's counters (and its rate
   * sample, for the live figures) in step, whatever the run's status now.
   */
  record(run: RunRef, outcomes: MessageOutcome[]): Promise<void>
  /** Marks `sending` rows whose lease ended before `now` as failed with UNKNOWN_OUTCOME: they may have been sent, so they are never resent. Returns how many. */
  failExpiredLeases(run: RunRef, now: Date): Promise<number>
  /**
   * The reaper, across every tenant (like `activeRuns`): what `failExpiredLeases` does, for the runs that
   * are not `running` (paused, cancelled, ended), whose workers may have died holding leases that nobody
   * would otherwise settle. A running run's leases are left to its own workers. At most `limit` rows per
   * call (default 1,000), so one call never holds many locks; returns how many were failed.
   */
  failStaleLeases(now: Date, limit?: number): Promise<number>
  progress(run: RunRef, now: Date): Promise<RunProgress>
  /**
   * Ends the run, only while it is `running` (a paused or cancelled run is left as it is; says false):
   * `completed`, or `failed` with the reason, in which case every message still pending is failed with
   * that reason's code. Sets the campaign's status to the run's.
   */
  finishRun(run: RunRef, outcome: { status: 'completed' } | { status: 'failed', error: RunError }): Promise<boolean>

  // ── pacing (shared by every instance on the same database) ──────────────────────────
  /**
   * Reserves `count` consecutive send slots for a sending number, `1000 / rate` ms apart, on one
   * timeline every instance shares: no two reservations overlap, so the number's rate holds across
   * processes. The rate is the number's current one (see `throttle`), at most `maxRate`; once a
   * second has passed since the last throttle, each reservation wins back a little of it. Times are
   * the database's clock in epoch ms, with its `now` so the caller can map them to its own clock.
   */
  reserveSlots(numberKey: string, count: number, maxRate: number): Promise<{ firstSlotAt: number, intervalMs: number, now: number }>
  /**
   * Meta said too fast (130429…): slow the number's current rate to `factor` of it (0 < factor < 1),
   * for every instance; at most once a second, however many answers and instances say so.
   */
  throttle(numberKey: string, factor: number): Promise<void>

  /** Prepares the store (the PostgreSQL adapter applies its migrations); the plugin calls it at registration. */
  init?(): Promise<void>
  /** Releases what the store opened (not what was passed in). */
  close(): Promise<void>
}
