/**
 * Pause, resume and cancel in the memory adapter, with the PostgreSQL adapter's semantics: each acts
 * on the latest run while it is under way; pause and resume refuse a campaign without one.
 */
import type { CampaignStatus, RunError } from '../../schemas/campaign.js'
import type { Guarded, RunPlan, RunRef, StoredCampaign, Tenant } from '../types.js'
import { cancelled } from '../codes.js'
import type { CampaignRecord, MemoryState, RunRecord } from './state.js'

/** The campaign, allowed, with its run under way; else why not. */
function underWay (state: MemoryState, tenant: Tenant, id: number, allowed: readonly CampaignStatus[]): { campaign: CampaignRecord, run: RunRecord } | Exclude<Guarded<never>, { reason: 'empty' }> {
  const campaign = state.guard(tenant, id, allowed)
  if ('ok' in campaign) return campaign
  const run = state.activeRun(campaign)
  return run === undefined ? { ok: false, reason: 'status', status: campaign.status } : { campaign, run }
}

export function pause (state: MemoryState, tenant: Tenant, id: number, allowed: readonly CampaignStatus[]): Guarded<StoredCampaign> {
  const found = underWay(state, tenant, id, allowed)
  if ('ok' in found) return found
  paused(found.campaign, found.run)
  return { ok: true, value: state.stored(found.campaign) }
}

/** The engine pausing its own run, only while it is running; the reason shows as the campaign's error until the resume. */
export function pauseRun (state: MemoryState, ref: RunRef, reason: RunError): boolean {
  const run = state.runOf(ref)
  const campaign = state.campaignOf(ref.tenant, ref.campaignId)
  if (run?.status !== 'running' || campaign === undefined || campaign.latestRunId !== run.id) return false
  paused(campaign, run, reason)
  return true
}

/** A pause without a reason keeps one already there. */
function paused (campaign: CampaignRecord, run: RunRecord, reason?: RunError): void {
  run.status = 'paused'
  if (reason !== undefined) run.error = { ...reason }
  campaign.status = 'paused'
  campaign.updatedAt = new Date()
}

export function resume (state: MemoryState, tenant: Tenant, id: number, allowed: readonly CampaignStatus[]): Guarded<RunPlan> {
  const found = underWay(state, tenant, id, allowed)
  if ('ok' in found) return found
  const { run, campaign } = found
  run.status = 'running'
  run.error = null
  // The rate samples start again: a window spanning the pause would show a rate the run does not have.
  const sample = { at: new Date(), settled: run.successCount + run.failedCount }
  run.rate = { older: sample, newer: { ...sample } }
  campaign.status = 'running'
  campaign.updatedAt = new Date()
  return { ok: true, value: state.plan(run) }
}

export function cancel (state: MemoryState, tenant: Tenant, id: number, allowed: readonly CampaignStatus[]): Guarded<StoredCampaign> {
  const campaign = state.guard(tenant, id, allowed)
  if ('ok' in campaign) return campaign
  const run = state.activeRun(campaign)
  if (run !== undefined) {
    // What is being sent is left to its worker, who records it whatever the run's status.
    for (const message of state.unsettled(run)) {
      if (message.status === 'pending') state.fail(run, message, cancelled)
    }
    run.status = 'cancelled'
    run.finishedAt = new Date()
  }
  campaign.status = 'cancelled'
  campaign.updatedAt = new Date()
  return { ok: true, value: state.stored(campaign) }
}
