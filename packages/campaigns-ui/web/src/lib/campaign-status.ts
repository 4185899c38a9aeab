import type { CampaignStatus, CampaignSummary } from '../types.js'

export const campaignStatuses: readonly CampaignStatus[] = ['draft', 'scheduled', 'running', 'paused', 'completed', 'failed', 'cancelled']

export const statusLabels: Record<CampaignStatus, string> = {
  draft: 'Draft',
  scheduled: 'Scheduled',
  running: 'Running',
  paused: 'Paused',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled'
}

type Counted = Pick<CampaignSummary, 'status' | 'failedCount'>

/** What the badge says: a completion where some recipients failed is told apart from a clean one. */
export function badgeOf (campaign: Counted): { label: string, className: string } {
  if (campaign.status === 'completed' && campaign.failedCount > 0) return { label: 'Completed with failures', className: 'completed-with-failures' }
  return { label: statusLabels[campaign.status], className: campaign.status }
}

/** The people a run messages: its recipients less those skipped as opted out. */
export const messagedOf = (campaign: Pick<CampaignSummary, 'totalCount' | 'skippedCount'>): number =>
  Math.max(0, campaign.totalCount - campaign.skippedCount)

/** Recipients not settled yet: neither sent, failed nor skipped. */
export function pendingOf (campaign: Pick<CampaignSummary, 'totalCount' | 'successCount' | 'failedCount' | 'skippedCount' | 'progress'>): number {
  return campaign.progress?.pending ?? Math.max(0, campaign.totalCount - campaign.successCount - campaign.failedCount - campaign.skippedCount)
}

export type CampaignAction = 'send' | 'rerun' | 'retry' | 'pause' | 'resume' | 'cancel' | 'edit' | 'delete'

/**
 * The buttons a campaign in a status shows, as the API allows them (campaigns/transitions.ts in the
 * plugin). The API stays the judge: a campaign that moved on meanwhile gets its 409, and the page says it.
 */
export function actionsFor (campaign: Counted): CampaignAction[] {
  switch (campaign.status) {
    case 'draft': return ['send', 'edit', 'delete']
    case 'scheduled': return ['send', 'cancel', 'edit', 'delete']
    case 'running': return ['pause', 'cancel']
    case 'paused': return ['resume', 'cancel', 'edit', 'delete']
    case 'completed':
    case 'failed':
    case 'cancelled':
      return ['rerun', ...(campaign.failedCount > 0 ? ['retry' as const] : []), 'edit', 'delete']
  }
}
