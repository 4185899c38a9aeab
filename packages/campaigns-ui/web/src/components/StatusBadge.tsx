import { badgeOf } from '../lib/campaign-status.js'
import type { CampaignSummary } from '../types.js'

export function StatusBadge ({ campaign }: { campaign: Pick<CampaignSummary, 'status' | 'failedCount'> }) {
  const { label, className } = badgeOf(campaign)
  return <span className={`badge ${className}`}>{label}</span>
}
