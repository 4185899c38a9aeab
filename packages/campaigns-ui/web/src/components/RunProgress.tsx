import { pendingOf } from '../lib/campaign-status.js'
import { formatEta, formatNumber, formatRate } from '../lib/format.js'
import type { CampaignSummary } from '../types.js'

/** A running (or paused) campaign's bar, with how many are settled, the rate and the time left. */
export function RunProgress ({ campaign }: { campaign: CampaignSummary }) {
  const total = campaign.totalCount
  const done = Math.max(0, total - pendingOf(campaign))
  const percent = total > 0 ? Math.round((done / total) * 100) : 0
  const progress = campaign.progress
  return (
    <div className='run-progress'>
      <div className='progress' role='progressbar' aria-label={`Progress of ${campaign.name}`} aria-valuemin={0} aria-valuemax={total} aria-valuenow={done} aria-valuetext={`${formatNumber(done)} of ${formatNumber(total)} (${percent}%)`}>
        <span style={{ width: `${percent}%` }} />
      </div>
      <span className='sub'>
        {formatNumber(done)} / {formatNumber(total)} · {percent}%
        {progress !== undefined && campaign.status === 'running' && <> · {formatRate(progress.ratePerSecond)} · {formatEta(progress.etaSeconds)}</>}
      </span>
    </div>
  )
}
