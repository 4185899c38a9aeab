/**
 * The in-memory reference adapter: the semantics every store must have, with nothing in the way.
 * Each method does all its work synchronously before its promise settles, so every call is atomic
 * against every other, as a transaction would make it. One process only: its send timelines are
 * shared by the callers of this store, not across processes.
 */
import type { CampaignStore } from './types.js'
import { checkReservation, checkThrottle, reserve, throttled } from './pacing.js'
import { MemoryState } from './memory/state.js'
import * as campaigns from './memory/campaigns.js'
import * as lifecycle from './memory/lifecycle.js'
import * as runs from './memory/runs.js'
import * as optOuts from './memory/opt-outs.js'
import * as analytics from './memory/analytics.js'
import * as reach from './memory/reach.js'
import * as deliveries from './memory/deliveries.js'

export function memoryStore (): CampaignStore {
  const state = new MemoryState()
  return {
    create: async (tenant, campaign) => campaigns.create(state, tenant, campaign),
    list: async (tenant, query) => campaigns.list(state, tenant, query),
    statusCounts: async (tenant, query) => campaigns.statusCounts(state, tenant, query),
    get: async (tenant, id) => campaigns.get(state, tenant, id),
    contacts: async (tenant, id) => campaigns.contacts(state, tenant, id),
    contactPage: async (tenant, id, query) => campaigns.contactPage(state, tenant, id, query),
    messages: async (tenant, id, query) => campaigns.messages(state, tenant, id, query),
    runs: async (tenant, id) => campaigns.runs(state, tenant, id),
    update: async (tenant, id, changes, allowed) => campaigns.update(state, tenant, id, changes, allowed),
    delete: async (tenant, id, allowed) => campaigns.remove(state, tenant, id, allowed),
    startRun: async (tenant, id, allowed, recipients, sender) => runs.startRun(state, tenant, id, allowed, recipients, sender),
    pause: async (tenant, id, allowed) => lifecycle.pause(state, tenant, id, allowed),
    resume: async (tenant, id, allowed) => lifecycle.resume(state, tenant, id, allowed),
    cancel: async (tenant, id, allowed) => lifecycle.cancel(state, tenant, id, allowed),

    activeRuns: async () => runs.activeRuns(state),
    runningFrom: async senders => runs.runningFrom(state, senders),
    dueScheduled: async (now, limit) => runs.dueScheduled(state, now, limit),
    claim: async (run, limit, leaseUntil) => runs.claim(state, run, limit, leaseUntil),
    markIssued: async (run, leaseUntil, through) => { runs.markIssued(state, run, leaseUntil, through) },
    record: async (run, outcomes) => { runs.record(state, run, outcomes) },
    failExpiredLeases: async (run, now, expiry) => runs.failExpiredLeases(state, run, now, expiry),
    failStaleLeases: async (now, limit, expiry) => runs.failStaleLeases(state, now, limit, expiry),
    progress: async (run, now) => runs.progress(state, run, now),
    counters: async run => runs.counters(state, run),
    pauseRun: async (run, reason) => lifecycle.pauseRun(state, run, reason),
    finishRun: async (run, outcome) => runs.finishRun(state, run, outcome),

    reserveSlots: async (numberKey, count, maxRate) => {
      checkReservation(count, maxRate)
      const { timeline, reservation } = reserve(state.timelines.get(numberKey), count, maxRate, Date.now())
      state.timelines.set(numberKey, timeline)
      return reservation
    },
    throttle: async (numberKey, factor) => {
      checkThrottle(factor)
      const timeline = state.timelines.get(numberKey)
      if (timeline !== undefined) state.timelines.set(numberKey, throttled(timeline, factor, Date.now()))
    },

    ingest: async reports => deliveries.ingest(state, reports),
    resolveDoubts: async (run, now, windowMs) => deliveries.resolveDoubts(state, run, now, windowMs),
    expireEarlyStatuses: async before => deliveries.expireEarlyStatuses(state, before),
    optOuts: async (tenant, query) => optOuts.optOuts(state, tenant, query),
    addOptOuts: async (tenant, phones, source) => optOuts.addOptOuts(state, tenant, phones, source),
    removeOptOut: async (tenant, phone) => optOuts.removeOptOut(state, tenant, phone),
    optedOutAmong: async (tenant, phones) => optOuts.optedOutAmong(state, tenant, phones),
    stats: async (tenant, id, query) => analytics.stats(state, tenant, id, query),
    analytics: async (tenant, period) => analytics.analytics(state, tenant, period),
    uniqueRecipients: async (tenant, query) => reach.uniqueRecipients(state, tenant, query),

    close: async () => {}
  }
}
