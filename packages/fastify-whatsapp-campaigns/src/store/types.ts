import type {
  CampaignStatus,
  Contact,
  ErrorCode,
  MessageError,
  MessageStatus,
  RunError
} from '../schemas/campaign.js'
import type { CampaignRun, CampaignRunStatus } from '../schemas/run.js'
import type { StoredMessageStatus } from './codes.js'
import type { OptOutSource } from '../schemas/tracking.js'

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

export interface ListQuery extends NameSearch {
  status?: CampaignStatus
  limit: number
  offset: number
}

/**
 * A search of campaigns by name: `q` is a case-insensitive substring (every character is literal,
 * `%` and `_` included; letters of any script compare by their lower case, one character at a time).
 */
export interface NameSearch {
  q?: string
}

/** How many of a tenant's campaigns are in each status (zero for a status none is in). */
export type StatusCounts = Record<CampaignStatus, number>

export interface ContactQuery {
  limit: number
  /** Keyset cursor: the `position` of the last contact of the previous page. */
  after?: number
}

/** A contact with its place in the list, 1…n in order: the keyset cursor for `after`. */
export interface PositionedContact extends StoredContact {
  position: number
}

export interface MessageQuery {
  status?: MessageStatus
  limit: number
  /** Keyset cursor: the `position` of the last message of the previous page. */
  after?: number
  /** The run whose messages to read (one of the campaign's, by id); default: the latest. */
  run?: number
}

/**
 * What the status webhooks and the opt-out list made of a run's recipients, kept with the run in the
 * statements that move its messages. `delivered` counts what was delivered or read.
 */
export interface DeliveryCounts {
  deliveredCount: number
  readCount: number
  repliedCount: number
  /** Not sent: the phone was on the tenant's opt-out list. */
  skippedCount: number
}

/** A rate sample of a run: how many recipients were settled (sent or failed) at a moment. */
export interface RateSample {
  at: Date
  settled: number
}

/**
 * A run as stored: its counters and two rate samples, from which the plugin derives the live figures
 * (kept as in `rate-samples.ts`), so that showing a run of a million recipients counts no rows.
 */
export interface StoredRun extends DeliveryCounts {
  status: RunStatus
  totalCount: number
  /** Recipients Meta accepted: sent, delivered or read. */
  successCount: number
  failedCount: number
  /** Why the run failed, or why it was paused; null otherwise. */
  error: RunError | null
  startedAt: Date
  /** When it completed, failed or was cancelled; null while it is under way. */
  finishedAt: Date | null
  rate: { older: RateSample, newer: RateSample }
}

/** One run of a campaign, as its history shows it: whom it sent to, what, and how it went. */
export interface StoredCampaignRun extends StoredRun {
  id: number
  /** Every contact, or the failed recipients of the run before it. */
  recipients: RunRecipients
  templateName: string
  language: string
}

/** A campaign's runs, newest first, and the store's clock when they were read (the rate samples' clock). */
export interface StoredRunHistory {
  runs: StoredCampaignRun[]
  readAt: Date
}

/** A campaign as stored, with its latest run. The plugin turns it into the API's JSON. */
export interface StoredCampaign {
  id: number
  name: string
  templateName: string
  language: string
  parameters: string[]
  status: CampaignStatus
  contactCount: number
  scheduledAt: Date | null
  createdAt: Date
  updatedAt: Date
  /** The latest run, null when the campaign never ran. */
  latestRun: StoredRun | null
  /** The store's clock when this was read: the one the rate samples were taken on. */
  readAt: Date
}

/** A message row of a run, with its position in the run (the keyset cursor). */
export interface StoredMessage {
  position: number
  phone: string
  name: string | null
  /** `sending`: claimed, its outcome not known yet; `doubt`: maybe sent, waiting for its witness. */
  status: StoredMessageStatus
  /** The wamid Meta gave the message. */
  messageId: string | null
  error: MessageError | null
  attempts: number
  /** When Meta accepted it (its `sent` status's timestamp once that came). */
  sentAt: Date | null
  deliveredAt: Date | null
  readAt: Date | null
  /** The recipient's first answer to it. */
  repliedAt: Date | null
  updatedAt: Date
}

/**
 * The result of a change that is only allowed in some statuses: the campaign as it is after the
 * change, or why it did not happen (no such campaign for this tenant, or it is in a status not allowed).
 */
export type Guarded<T> =
  | { ok: true, value: T }
  | Refusal
  /** A run would have no recipient: no contacts, or no failed recipient to send to again. */
  | { ok: false, reason: 'empty' }

/** Why a guarded change did not happen: no such campaign for this tenant, or its status forbids it. */
export type Refusal =
  | { ok: false, reason: 'not_found' }
  | { ok: false, reason: 'status', status: CampaignStatus }

/** Whom a run sends to: every contact, or the recipients whose message failed in the latest run. */
export type RunRecipients = CampaignRun['recipients']

/** The states of a run; a campaign shows its latest run's. */
export type RunStatus = CampaignRunStatus

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
  /** `optOut`: Meta said the recipient opted out (131050): the phone joins the tenant's opt-out list. */
  | { id: number, status: 'failed', code: ErrorCode, title: string, optOut?: boolean }
  /**
   * The request may have reached Meta and its answer was lost: the row waits in `doubt` for its witness
   * (a status webhook naming it) instead of failing; only when the plugin has webhooks to witness it.
   */
  | { id: number, status: 'doubt', code: ErrorCode, title: string }
  /** Back to pending, to be claimed again at `notBefore`; the attempt counts (and `pairRate` ones count apart too). */
  | { id: number, status: 'retry', code: ErrorCode, title: string, notBefore: Date, pairRate?: boolean }
  /**
   * Not sent (a pause, a shutdown), or refused for no fault of the message's (Meta paused the run): back
   * to pending at once and the claim's attempt given back; the error is `error` when given, else the last one kept.
   */
  | { id: number, status: 'unsent', error?: { code: ErrorCode, title: string } }

export interface RunCounters {
  status: RunStatus
  totalCount: number
  successCount: number
  failedCount: number
  skippedCount: number
}

/**
 * What becomes of a claimed row whose lease ran out: `fail` it with UNKNOWN_OUTCOME (no witness can
 * come: webhooks are not configured), or hold it in `doubt` for its witness.
 */
export type LeaseExpiry = 'fail' | 'doubt'

export interface RunProgress {
  /** The run's status now: a worker stops claiming when it is no longer `running`. */
  status: RunStatus
  pending: number
  /** Pending rows that may be claimed now; the rest wait for their backoff. */
  due: number
  sending: number
  /** Rows in doubt, waiting for their witness or their window (see DeliveryLedger.resolveDoubts). */
  doubt: number
  /** When the earliest waiting row becomes due, if any. */
  nextDueAt: Date | null
}

/**
 * The campaigns the API reads and writes, and the changes of status it asks for. Every call is scoped
 * by tenant; the guarded ones happen only while the campaign is in one of `allowed` (the plugin's
 * status rules decide which), all or nothing.
 */
export interface CampaignRepository {
  create(tenant: Tenant, campaign: NewCampaign): Promise<StoredCampaign>
  /** Newest first, with the total number of matches for paging. */
  list(tenant: Tenant, query: ListQuery): Promise<{ items: StoredCampaign[], total: number }>
  /** How many campaigns match the search in each status, every status present: one pass, not one count per status. */
  statusCounts(tenant: Tenant, query: NameSearch): Promise<StatusCounts>
  get(tenant: Tenant, id: number): Promise<StoredCampaign | null>
  /** The contact list in its order. */
  contacts(tenant: Tenant, id: number): Promise<Contact[] | null>
  /** Up to `limit` contacts after the position `after`, in order (null when there is no such campaign): a page that costs its own size, however long the list. */
  contactPage(tenant: Tenant, id: number, query: ContactQuery): Promise<PositionedContact[] | null>
  /**
   * Messages of the campaign's latest run, or of `query.run`, in position order (an empty page when it
   * never ran; null when there is no such campaign, or `query.run` is not one of its runs).
   */
  messages(tenant: Tenant, id: number, query: MessageQuery): Promise<StoredMessage[] | null>
  /** Every run of the campaign, newest first (none when it never ran; null when there is no such campaign). */
  runs(tenant: Tenant, id: number): Promise<StoredRunHistory | null>
  /** Applies the changes only while the campaign is in one of `allowed`. */
  update(tenant: Tenant, id: number, changes: CampaignChanges, allowed: readonly CampaignStatus[]): Promise<Guarded<StoredCampaign>>
  /** Deletes the campaign, its contacts and every run, only while it is in one of `allowed`. */
  delete(tenant: Tenant, id: number, allowed: readonly CampaignStatus[]): Promise<Guarded<null>>
  /**
   * Atomically, only while the campaign is in one of `allowed`: sets it `running`, creates a run and
   * one pending message row per recipient (every contact, or the latest run's failed recipients), in
   * one statement; a recipient on the tenant's opt-out list gets a `skipped` row (OPTED_OUT) instead.
   * `sender` is the phone number id the run sends from (inbound messages to it find the run's
   * recipients). Of many concurrent calls exactly one succeeds. No recipient: 'empty', nothing changed.
   */
  startRun(tenant: Tenant, id: number, allowed: readonly CampaignStatus[], recipients?: RunRecipients, sender?: string): Promise<Guarded<RunPlan>>
  /**
   * Only while the campaign is in one of `allowed`: the campaign and its latest run become `paused`
   * (claims stop; what is in flight is still recorded). A campaign without a run under way is refused.
   */
  pause(tenant: Tenant, id: number, allowed: readonly CampaignStatus[]): Promise<Guarded<StoredCampaign>>
  /** Only while in one of `allowed`: the campaign and its latest run are `running` again, the pause's reason gone; the plan to hand the engine. */
  resume(tenant: Tenant, id: number, allowed: readonly CampaignStatus[]): Promise<Guarded<RunPlan>>
  /**
   * Only while in one of `allowed`: the campaign becomes `cancelled`; its latest run, if running or
   * paused, too, and every message still pending fails with CANCELLED in the same statement (`sending`
   * ones are recorded by their worker as their sends end).
   */
  cancel(tenant: Tenant, id: number, allowed: readonly CampaignStatus[]): Promise<Guarded<StoredCampaign>>
}

/**
 * The recipients of runs, as the engine works them: claims under leases, outcomes, leases that ran
 * out, the end of a run. Knows runs by reference, not campaigns by status.
 */
export interface RunQueue {
  /** Runs `running` (not paused), every tenant's, e.g. after a restart or for another instance to share. */
  activeRuns(): Promise<RunPlan[]>
  /**
   * Runs `running` (not paused) that send from one of `senders` (phone number ids, as given to
   * `startRun`), every tenant's: the runs a signal about a number, such as its quality dropping, stops.
   */
  runningFrom(senders: readonly string[]): Promise<RunPlan[]>
  /** Campaigns `scheduled` whose time has come (scheduledAt <= now), every tenant's, oldest first. */
  dueScheduled(now: Date, limit: number): Promise<Array<{ tenant: Tenant, id: number }>>
  /**
   * Moves up to `limit` due pending messages of the run to `sending` with a lease until `leaseUntil`,
   * in position order, skipping rows another worker holds. Rows whose lease ran out while `sending`
   * are in doubt and are not claimed again (see `failExpiredLeases`). A row whose phone is on the
   * tenant's opt-out list becomes `skipped` (OPTED_OUT, counted) instead of being claimed: an opt-out
   * that came mid-run is honoured from the next claim. Returns nothing unless the run is `running`: a
   * pause or a cancel stops claims at once.
   */
  claim(run: RunRef, limit: number, leaseUntil: Date): Promise<ClaimedMessage[]>
  /**
   * Says, durably, that the worker may now write the requests of the claim whose lease ends at
   * `leaseUntil` up to its message `through` (a ClaimedMessage's id; a claim is sent in id order).
   * Called before each such send, a chunk ahead: when that lease runs out, the claim's messages past
   * the mark were never sent and go back to pending instead of being in doubt. Never lowers a mark.
   */
  markIssued(run: RunRef, leaseUntil: Date, through: number): Promise<void>
  /**
   * Records outcomes of claimed messages in one statement and keeps the run's counters (and its rate
   * samples, for the live figures) in step, whatever the run's status now. Only rows still `sending`
   * move: recording twice changes nothing; of two outcomes for one row in a call, the first counts.
   */
  record(run: RunRef, outcomes: MessageOutcome[]): Promise<void>
  /**
   * `sending` rows whose lease ended before `now`: those past their claim's mark (`markIssued`) were
   * never sent and go back to pending, their attempt given back. The others may have been sent: with
   * `fail` (the default) they fail with UNKNOWN_OUTCOME and are never resent; with `doubt` they wait
   * in `doubt` for their witness (DeliveryLedger.resolveDoubts). Returns how many rows it settled.
   */
  failExpiredLeases(run: RunRef, now: Date, expiry?: LeaseExpiry): Promise<number>
  /**
   * The reaper, across every tenant (like `activeRuns`): what `failExpiredLeases` does, for the runs that
   * are not `running` (paused, cancelled, ended), whose workers may have died holding leases that nobody
   * would otherwise settle. A running run's leases are left to its own workers. At most `limit` rows per
   * call (default 1,000), so one call never holds many locks; returns how many were failed.
   */
  failStaleLeases(now: Date, limit?: number, expiry?: LeaseExpiry): Promise<number>
  /** What is left to send, counted from the rows; a run that is gone reads as `cancelled` with nothing left. */
  progress(run: RunRef, now: Date): Promise<RunProgress>
  /** The run's status and counters as kept with it, without counting rows; null when the run is gone. */
  counters(run: RunRef): Promise<RunCounters | null>
  /**
   * The engine pausing a run itself, only while it is `running` (says false otherwise): the run and its
   * campaign become `paused`, and the campaign shows `reason` as its error until resumed.
   */
  pauseRun(run: RunRef, reason: RunError): Promise<boolean>
  /**
   * Ends the run, only while it is `running` (a paused or cancelled run is left as it is; says false):
   * `completed`, or `failed` with the reason, in which case every message still pending is failed with
   * that reason's code. Sets the campaign's status to the run's.
   */
  finishRun(run: RunRef, outcome: { status: 'completed' } | { status: 'failed', error: RunError }): Promise<boolean>
}

/** The send timeline of each sending number, shared by every instance on the same store: the pacing. */
export interface SendTimeline {
  /**
   * Reserves `count` consecutive send slots for a sending number, `1000 / rate` ms apart, on one
   * timeline every instance shares: no two reservations overlap, so the number's rate holds across
   * processes. The rate is the number's current one (see `throttle`), at most `maxRate`; once a
   * second has passed since the last throttle, each reservation wins back a little of it. Times are
   * the store's clock in epoch ms, with its `now` so the caller can map them to its own clock.
   */
  reserveSlots(numberKey: string, count: number, maxRate: number): Promise<{ firstSlotAt: number, intervalMs: number, now: number }>
  /**
   * Meta said too fast (130429…): slow the number's current rate to `factor` of it (0 < factor < 1),
   * for every instance; at most once a second, however many answers and instances say so.
   */
  throttle(numberKey: string, factor: number): Promise<void>
}

/** Where a send's callback data points: the message row it was sent for. */
export interface MessageOrigin {
  runId: number
  /** The store's key of the message in its run (ClaimedMessage.id). */
  id: number
}

/**
 * What the status webhooks said of one message (by its wamid), the reports of one batch merged: the
 * earliest timestamp of each status. The store moves the message forward only (sent → delivered →
 * read; failed only from sent, and final), whatever it held and however often it is told.
 */
export interface StatusReport {
  wamid: string
  /** The row named by the send's callback data, when the send was ours: a send in doubt is witnessed by it. */
  origin: MessageOrigin | null
  sentAt: Date | null
  deliveredAt: Date | null
  readAt: Date | null
  failed: { at: Date, code: ErrorCode, title: string } | null
}

/** A message a recipient sent to one of the business's numbers. */
export interface InboundMessage {
  /** Digits with the country code (Meta's `from`). */
  from: string
  /** The business number it was sent to (metadata.phone_number_id). */
  phoneNumberId: string
  at: Date
  /** The wamid of the message it answers (a quick-reply tap's context.id), if any. */
  replyTo: string | null
  /** The plugin's reading of its text: a stop or start keyword, or neither. */
  keyword: 'stop' | 'start' | null
}

/** WhatsApp's own marketing opt-out (the `user_preferences` webhook). */
export interface PreferenceChange {
  phone: string
  phoneNumberId: string
  value: 'stop' | 'resume'
  at: Date
}

/** Another webhook field, kept as it came (template status updates among them). */
export interface OtherWebhookEvent {
  field: string
  /** entry[].id: the WhatsApp Business Account. */
  accountId: string | null
  value: unknown
}

/** One batch of webhook reports, from one or many requests: applied all or nothing. */
export interface DeliveryReports {
  statuses: StatusReport[]
  inbound: InboundMessage[]
  preferences: PreferenceChange[]
  other: OtherWebhookEvent[]
}

export interface IngestSummary {
  /** Status reports that found their message (by wamid, or a send in doubt by its origin). */
  matched: number
  /** Status reports kept for a message not recorded yet. */
  early: number
  /** Messages marked replied. */
  replies: number
  /** Opt-outs added, and removed, by keyword or preference. */
  optedOut: number
  optedIn: number
}

/** Statuses of one journal entry: what one `journalStatuses` call stored, under the id it answered. */
export interface JournalEntry {
  id: number
  statuses: StatusReport[]
}

/**
 * A durable inbox for status webhooks, so that the webhook route can answer Meta once statuses are
 * stored, before they are applied: one insert per batch, with no lock on any message or run. A store
 * without it (the memory store) has each batch applied by `ingest` before the answer. The three
 * methods go together.
 */
export interface StatusJournal {
  /** Stores the statuses as one entry, to be applied by `applyJournaled`; answers its id. */
  journalStatuses?(statuses: StatusReport[]): Promise<number>
  /**
   * Applies these entries' statuses (given as journaled) as `ingest` does, and removes the entries,
   * in one transaction. An entry no longer there (another caller applied it) is skipped.
   */
  applyJournaled?(entries: JournalEntry[]): Promise<IngestSummary>
  /**
   * Applies and removes, oldest first, up to `limit` entries received before `before`, skipping those
   * another caller is applying: what a stopped process journaled and did not apply. Answers how many.
   */
  applyStrandedStatuses?(before: Date, limit: number): Promise<number>
}

export interface DoubtResolution {
  /** Found sent by a status that named them. */
  witnessed: number
  /** Back to pending, to be sent again: no witness in a window in which their neighbours' came. */
  resent: number
  /** Failed with UNKNOWN_OUTCOME: no witness, and no proof that webhooks of their time came. */
  failed: number
}

/**
 * What status webhooks tell: applied to the messages they name, in batches; and the resolution of
 * sends left in doubt.
 */
export interface DeliveryLedger {
  /**
   * Applies one batch in one transaction, scoped by what each report names (a wamid is one message of
   * one tenant; inbound messages find the tenants that messaged that phone from that number):
   * - a status moves its message forward and the run's counters with it; a status whose wamid no
   *   message has yet is kept (merged per wamid) and applied when `record` writes that wamid, or by
   *   its origin to a message in `doubt` (or failed UNKNOWN_OUTCOME), which becomes sent with that wamid;
   * - an inbound message marks replied (once) the message it answers (`replyTo`), else the latest
   *   message sent to that phone from that number within 72 hours before it, for each tenant;
   * - a stop keyword or a `stop` preference puts the phone on the opt-out list of every tenant that
   *   messaged it from that number; start/resume takes it off;
   * - other events are stored as they came.
   * Reports applied twice, or in any order, change nothing twice.
   */
  ingest(reports: DeliveryReports): Promise<IngestSummary>
  /**
   * The run's rows in `doubt` whose lease ended at least `windowMs` before `now`: witnessed ones (a
   * kept status names them by origin) become sent; for the others, when every one of the (up to 20)
   * messages of the run claimed last before it that Meta accepted has been witnessed since, their own
   * witness would have come with theirs: back to pending to be sent again (each resend on its own
   * proof, at most `mostDoubtResends` times for a row; past it, it fails); when that proof is missing,
   * they fail with UNKNOWN_OUTCOME.
   */
  resolveDoubts(run: RunRef, now: Date, windowMs: number): Promise<DoubtResolution>
  /** Kept statuses received before `before` whose message never appeared (another app's): dropped. Returns how many. */
  expireEarlyStatuses(before: Date): Promise<number>
}

/** What put a phone on the opt-out list (the schema's, so the API and the stores name them alike). */
export type { OptOutSource }

export interface StoredOptOut {
  phone: string
  source: OptOutSource
  createdAt: Date
}

export interface OptOutQuery {
  limit: number
  /** Keyset cursor: the phone of the last entry of the previous page (phones in order). */
  after?: string
  /** Only this phone. */
  phone?: string
}

/** Each tenant's phones that asked not to be messaged: runs skip them (see startRun and claim). */
export interface OptOutList {
  optOuts(tenant: Tenant, query: OptOutQuery): Promise<StoredOptOut[]>
  /** Adds the phones (normalised digits); those already there stay as they were. Returns how many were new. */
  addOptOuts(tenant: Tenant, phones: string[], source: OptOutSource): Promise<number>
  /** Says false when the phone was not on the list. */
  removeOptOut(tenant: Tenant, phone: string): Promise<boolean>
  /** Which of `phones` (normalised digits) are on the list: one lookup however many phones are asked about. */
  optedOutAmong(tenant: Tenant, phones: string[]): Promise<Set<string>>
}

/** One minute of a run's timeline: what happened in it, by the messages' timestamps. */
export interface StoredTimelineMinute {
  minute: Date
  sent: number
  delivered: number
  read: number
  failed: number
}

export interface StoredRunStats {
  run: StoredCampaignRun
  /** The run's failures by code and title, most frequent first. */
  failures: Array<{ code: ErrorCode, title: string, count: number }>
  timeline: StoredTimelineMinute[]
  readAt: Date
}

/** A tenant's figures over the runs started in a period. */
export interface StoredAnalytics extends DeliveryCounts {
  campaigns: number
  runs: number
  totalCount: number
  successCount: number
  failedCount: number
}

/** Which recipients one sending number reached in a window: for Meta's messaging limit (unique users in a moving 24 h). */
export interface ReachQuery {
  /** The phone number id the runs sent from (the `sender` of startRun). */
  sender: string
  /** The window's start: messages Meta accepted (sent_at) at or after it count. */
  since: Date
  /** Phones (normalised digits) to look for among them: a message to a phone reached already does not count anew. */
  phones: string[]
}

export interface StoredReach {
  /** Distinct phones the tenant's runs from `sender` had Meta accept a message for since `since`. */
  reached: number
  /** How many distinct phones of `phones` are among them. */
  among: number
}

/** Figures read over many rows, for the stats and analytics routes (not on the hot path). */
export interface CampaignAnalytics {
  /** The unique recipients a sending number reached in a window, and how many of `phones` are among them: one statement however long the list. */
  uniqueRecipients(tenant: Tenant, query: ReachQuery): Promise<StoredReach>
  /** A run of the campaign (its latest, or `query.run`) with its failures and timeline; null when there is no such campaign or run (a campaign that never ran has none). */
  stats(tenant: Tenant, id: number, query: { run?: number }): Promise<StoredRunStats | null>
  /** Over the tenant's runs started in [from, to). */
  analytics(tenant: Tenant, period: { from: Date, to: Date }): Promise<StoredAnalytics>
}

/** What the plugin does with a store as a whole: prepare it at registration, release it at the end. */
export interface StoreLifecycle {
  /** Prepares the store (the PostgreSQL adapter applies its migrations); the plugin calls it at registration. */
  init?(): Promise<void>
  /** Releases what the store opened (not what was passed in). */
  close(): Promise<void>
}

/** What the plugin takes: one object that is every part. */
export interface CampaignStore extends CampaignRepository, RunQueue, SendTimeline, DeliveryLedger, StatusJournal, OptOutList, CampaignAnalytics, StoreLifecycle {}
