import type { CampaignStore } from './types.js'
import { sqlClient, type SqlClientInput } from './sql-client.js'
import { migrate } from './migrate.js'
import { contactPage, createCampaign, deleteCampaign, listCampaigns, listContacts, listMessages, listRuns, readCampaign, statusCounts, updateCampaign } from './postgres/campaigns.js'
import { startRun } from './postgres/start.js'
import { cancel, pause, pauseRun, resume } from './postgres/lifecycle.js'
import { activeRuns, runningFrom, claim, counters, dueScheduled, failExpiredLeases, failStaleLeases, finishRun, markIssued, progress } from './postgres/runs.js'
import { record } from './postgres/outcomes.js'
import { reserveSlots, throttle } from './postgres/pacing.js'
import { addOptOuts, optedOutAmong, optOuts, removeOptOut } from './postgres/opt-outs.js'
import { analytics, stats } from './postgres/analytics.js'
import { uniqueRecipients } from './postgres/reach.js'
import { expireEarlyStatuses, ingest } from './postgres/deliveries.js'
import { resolveDoubts } from './postgres/doubts.js'
import { applyJournaled, applyStrandedStatuses, journalStatuses } from './postgres/journal.js'

export interface PostgresStoreOptions {
  /**
   * The store owns `db`: `close()` ends it (pg `Pool.end()`, PGlite `close()`). Default false: what
   * the host passed in stays the host's to close.
   */
  owned?: boolean
  /** `init()` brings the schema up to date (default true). False when the host migrates on its own. */
  migrate?: boolean
}

/**
 * The CampaignStore over PostgreSQL: a pg Pool, `fastify.pg` or an in-process PGlite. `init()`
 * (the plugin calls it at registration) applies the migrations unless told not to.
 */
export function postgresStore (db: SqlClientInput, options: PostgresStoreOptions = {}): CampaignStore {
  const sql = sqlClient(db)
  let closing: Promise<void> | undefined
  let initializing: Promise<void> | undefined
  return {
    init: async () => {
      if (options.migrate === false) return
      initializing ??= migrate(sql).then(() => {}, (err: unknown) => {
        initializing = undefined // so that a later call may try again
        throw err
      })
      await initializing
    },

    create: async (tenant, campaign) => createCampaign(sql, tenant, campaign),
    list: async (tenant, query) => listCampaigns(sql, tenant, query),
    statusCounts: async (tenant, query) => statusCounts(sql, tenant, query),
    get: async (tenant, id) => isRowId(id) ? readCampaign(sql, tenant, id) : null,
    contacts: async (tenant, id) => isRowId(id) ? listContacts(sql, tenant, id) : null,
    contactPage: async (tenant, id, query) => isRowId(id) ? contactPage(sql, tenant, id, query) : null,
    messages: async (tenant, id, query) => isRowId(id) && (query.run === undefined || isRowId(query.run)) ? listMessages(sql, tenant, id, query) : null,
    runs: async (tenant, id) => isRowId(id) ? listRuns(sql, tenant, id) : null,
    update: async (tenant, id, changes, allowed) => isRowId(id) ? updateCampaign(sql, tenant, id, changes, allowed) : notFound,
    delete: async (tenant, id, allowed) => isRowId(id) ? deleteCampaign(sql, tenant, id, allowed) : notFound,
    startRun: async (tenant, id, allowed, recipients, sender) => isRowId(id) ? startRun(sql, tenant, id, allowed, recipients, sender) : notFound,
    pause: async (tenant, id, allowed) => isRowId(id) ? pause(sql, tenant, id, allowed) : notFound,
    resume: async (tenant, id, allowed) => isRowId(id) ? resume(sql, tenant, id, allowed) : notFound,
    cancel: async (tenant, id, allowed) => isRowId(id) ? cancel(sql, tenant, id, allowed) : notFound,

    activeRuns: async () => activeRuns(sql),
    runningFrom: async senders => runningFrom(sql, senders),
    dueScheduled: async (now, limit) => dueScheduled(sql, now, limit),
    claim: async (run, limit, leaseUntil) => claim(sql, run, limit, leaseUntil),
    markIssued: async (run, leaseUntil, through) => markIssued(sql, run, leaseUntil, through),
    record: async (run, outcomes) => record(sql, run, outcomes),
    failExpiredLeases: async (run, now, expiry) => failExpiredLeases(sql, run, now, expiry),
    failStaleLeases: async (now, limit, expiry) => failStaleLeases(sql, now, limit, expiry),
    progress: async (run, now) => progress(sql, run, now),
    counters: async run => counters(sql, run),
    pauseRun: async (run, reason) => pauseRun(sql, run, reason),
    finishRun: async (run, outcome) => finishRun(sql, run, outcome),

    reserveSlots: async (numberKey, count, maxRate) => reserveSlots(sql, numberKey, count, maxRate),
    throttle: async (numberKey, factor) => throttle(sql, numberKey, factor),

    ingest: async reports => ingest(sql, reports),
    resolveDoubts: async (run, now, windowMs) => isRowId(run.runId) ? resolveDoubts(sql, run, now, windowMs) : { witnessed: 0, resent: 0, failed: 0 },
    expireEarlyStatuses: async before => expireEarlyStatuses(sql, before),
    journalStatuses: async statuses => journalStatuses(sql, statuses),
    applyJournaled: async entries => applyJournaled(sql, entries),
    applyStrandedStatuses: async (before, limit) => applyStrandedStatuses(sql, before, limit),
    optOuts: async (tenant, query) => optOuts(sql, tenant, query),
    addOptOuts: async (tenant, phones, source) => addOptOuts(sql, tenant, phones, source),
    removeOptOut: async (tenant, phone) => removeOptOut(sql, tenant, phone),
    optedOutAmong: async (tenant, phones) => optedOutAmong(sql, tenant, phones),
    stats: async (tenant, id, query) => isRowId(id) && (query.run === undefined || isRowId(query.run)) ? stats(sql, tenant, id, query) : null,
    analytics: async (tenant, period) => analytics(sql, tenant, period),
    uniqueRecipients: async (tenant, query) => uniqueRecipients(sql, tenant, query),

    // Twice is fine: a pool ended twice throws.
    close: async () => {
      if (options.owned !== true) return
      closing ??= sql.end()
      await closing
    }
  }
}

const notFound = { ok: false, reason: 'not_found' } as const

/** Ids are `integer` columns: anything else names no campaign, and must not reach SQL as an out-of-range error. */
function isRowId (id: number): boolean {
  return Number.isInteger(id) && id > 0 && id <= 2_147_483_647
}
