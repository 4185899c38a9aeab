import { useRef, useState } from 'react'
import { ApiError, apiUrl, download, getJson } from '../api.js'
import { CampaignActions, type ActionOutcome } from '../components/CampaignActions.js'
import { DeliveryCards, StackedBar } from '../components/DeliveryCards.js'
import { ErrorAlert } from '../components/ErrorAlert.js'
import { RecipientsTable } from '../components/RecipientsTable.js'
import { RunProgress } from '../components/RunProgress.js'
import { StatusBadge } from '../components/StatusBadge.js'
import { TimelineChart } from '../components/TimelineChart.js'
import { formatNumber, formatTime } from '../lib/format.js'
import { useLive } from '../lib/use-live.js'
import { Link, navigate } from '../router.js'
import type { CampaignSummary, RunStats } from '../types.js'

interface DetailData {
  /** The campaign as the list shows it, its counts and status those of its last run. */
  campaign: CampaignSummary
  stats: RunStats | undefined
}

/** The campaign's own fields, read once and after each change of status: one row's read, however many recipients it has. */
async function loadCampaign (id: number, signal: AbortSignal): Promise<CampaignSummary> {
  return (await getJson<CampaignSummary>(`/campaigns/${id}/summary`, { signal })).data
}

async function loadStats (id: number, signal: AbortSignal): Promise<RunStats | undefined> {
  try {
    return (await getJson<RunStats>(`/campaigns/${id}/stats`, { signal })).data
  } catch (error) {
    if (error instanceof ApiError && error.code === 'WAC_NEVER_RAN') return undefined
    throw error
  }
}

/** The campaign with its last run's figures: a scheduled or draft campaign keeps its own status. */
function merge (campaign: CampaignSummary, stats: RunStats | undefined): CampaignSummary {
  if (stats === undefined || campaign.status === 'draft' || campaign.status === 'scheduled') return campaign
  const { run } = stats
  return {
    ...campaign,
    status: run.status,
    totalCount: run.totalCount,
    successCount: run.successCount,
    failedCount: run.failedCount,
    deliveredCount: run.deliveredCount,
    readCount: run.readCount,
    repliedCount: run.repliedCount,
    skippedCount: run.skippedCount,
    progress: run.progress
  }
}

function DownloadLink ({ campaign, failedOnly }: { campaign: CampaignSummary, failedOnly: boolean }) {
  const [error, setError] = useState<string>()
  const query = failedOnly ? { status: 'failed' } : {}
  const fileName = `campaign-${campaign.id}${failedOnly ? '-failures' : ''}.csv`
  return (
    <>
      <a
        className='button'
        href={apiUrl(`/campaigns/${campaign.id}/messages.csv`, query)}
        download={fileName}
        onClick={event => {
          // A link cannot send the bearer header: fetch the file with it, then save it.
          event.preventDefault()
          setError(undefined)
          download(`/campaigns/${campaign.id}/messages.csv`, query, fileName).catch((reason: unknown) => {
            setError(`The download failed: ${reason instanceof Error ? reason.message : String(reason)}`)
          })
        }}
      >
        {failedOnly ? 'Download failures CSV' : 'Download CSV'}
      </a>
      {error !== undefined && <ErrorAlert error={error} />}
    </>
  )
}

export function CampaignDetail ({ campaignId }: { campaignId: number }) {
  const cached = useRef<CampaignSummary>(undefined)
  const [notice, setNotice] = useState<ActionOutcome>()
  const live = useLive<DetailData>(String(campaignId), async signal => {
    const known = cached.current
    // The first load asks for both at once; later ones read the stats, and the campaign again only
    // when its run moved on (a status the cached copy does not have).
    const [stats, first] = await Promise.all([loadStats(campaignId, signal), known === undefined ? loadCampaign(campaignId, signal) : undefined])
    const campaign = first ?? (stats !== undefined && known !== undefined && merge(known, stats).status !== known.status ? await loadCampaign(campaignId, signal) : known)
    if (campaign === undefined) throw new Error('the campaign was not read')
    cached.current = campaign
    return { campaign: merge(campaign, stats), stats }
  }, data => data.campaign.status === 'running', 2000)

  function onOutcome (outcome: ActionOutcome) {
    setNotice(outcome)
    if (outcome.ok && outcome.action === 'delete') {
      navigate('campaigns')
      return
    }
    cached.current = undefined
    live.reload()
  }

  if (live.data === undefined) {
    if (live.error instanceof ApiError && live.error.status === 404) {
      return (
        <section>
          <h1>Campaign not found</h1>
          <ErrorAlert error={live.error} />
          <p><Link to='campaigns'>Back to the campaigns</Link></p>
        </section>
      )
    }
    return (
      <section>
        <p><Link to='campaigns'>← Campaigns</Link></p>
        {live.error !== undefined ? <ErrorAlert error={live.error} onRetry={() => live.reload()} /> : <p className='muted'>Loading the campaign…</p>}
      </section>
    )
  }

  const { campaign, stats } = live.data
  const run = stats?.run
  return (
    <section aria-labelledby='campaign-title'>
      <p><Link to='campaigns'>← Campaigns</Link></p>
      <div className='toolbar'>
        <h1 id='campaign-title' style={{ margin: 0 }}>{campaign.name}</h1>
        <StatusBadge campaign={campaign} />
      </div>
      <p className='muted'>
        Template <strong>{campaign.templateName}</strong> ({campaign.language}) · created {formatTime(campaign.createdAt)}
        {run !== undefined && <> · last run started {formatTime(run.startedAt)}{run.finishedAt !== null && <>, finished {formatTime(run.finishedAt)}</>}</>}
        {campaign.status === 'scheduled' && campaign.scheduledAt !== null && <> · starts {formatTime(campaign.scheduledAt)}</>}
      </p>
      <div className='toolbar'>
        <CampaignActions campaign={campaign} onOutcome={onOutcome} />
      </div>
      <div aria-live='polite'>
        {notice !== undefined && (notice.ok ? <p className='alert info' role='status'>{notice.message}</p> : <ErrorAlert error={notice.message} />)}
      </div>
      {live.error !== undefined && <ErrorAlert error={live.error} onRetry={() => live.reload()} />}
      {campaign.error !== undefined && <p className='alert error'>The run stopped: {campaign.error.message} ({String(campaign.error.code)} {campaign.error.title})</p>}

      {(campaign.status === 'running' || campaign.status === 'paused') && <RunProgress campaign={campaign} />}

      {run === undefined
        ? <p className='panel'>This campaign has not been sent yet: its {formatNumber(campaign.totalCount)} contacts get the message when it runs. The figures, the chart and the recipients' results appear here once it does.</p>
        : (
          <>
            <DeliveryCards counts={run} rates={stats?.rates} />
            <StackedBar counts={run} />
            <h2>Over time</h2>
            <TimelineChart timeline={stats?.timeline ?? []} />
            {stats !== undefined && stats.failures.length > 0 && (
              <>
                <h2>Why messages failed</h2>
                <div className='table-wrap'>
                  <table>
                    <thead><tr><th scope='col'>Error code</th><th scope='col'>What Meta said</th><th scope='col' className='num'>Recipients</th></tr></thead>
                    <tbody>
                      {stats.failures.map(failure => (
                        <tr key={`${failure.code}|${failure.title}`}><td>{String(failure.code)}</td><td>{failure.title}</td><td className='num'>{formatNumber(failure.count)}</td></tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </>
            )}
            <div className='toolbar' style={{ marginTop: '1.5rem' }}>
              <DownloadLink campaign={campaign} failedOnly={false} />
              {run.failedCount > 0 && <DownloadLink campaign={campaign} failedOnly />}
            </div>
            <RecipientsTable campaignId={campaign.id} counts={run} live={campaign.status === 'running'} />
          </>
          )}
    </section>
  )
}
