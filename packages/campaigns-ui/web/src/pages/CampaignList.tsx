import { useEffect, useId, useState } from 'react'
import { ApiError, getJson } from '../api.js'
import { CampaignActions, type ActionOutcome } from '../components/CampaignActions.js'
import { ErrorAlert } from '../components/ErrorAlert.js'
import { Pager } from '../components/Pager.js'
import { RunProgress } from '../components/RunProgress.js'
import { StatusBadge } from '../components/StatusBadge.js'
import { campaignStatuses, messagedOf, statusLabels } from '../lib/campaign-status.js'
import { formatNumber, formatShare, formatTime } from '../lib/format.js'
import { useLive } from '../lib/use-live.js'
import { Link, navigate, useLocation } from '../router.js'
import type { CampaignCounts, CampaignStatus, CampaignSummary } from '../types.js'

const pageSize = 20

interface ListData {
  items: CampaignSummary[]
  total: number
  /** Undefined when the server has no counts route. */
  counts: CampaignCounts | undefined
}

const isStatus = (value: string | null): value is CampaignStatus => value !== null && (campaignStatuses as readonly string[]).includes(value)

async function loadList (status: CampaignStatus | undefined, q: string, page: number, signal: AbortSignal): Promise<ListData> {
  const [list, counts] = await Promise.all([
    getJson<CampaignSummary[]>('/campaigns', { query: { status, q, limit: pageSize, offset: (page - 1) * pageSize }, signal }),
    getJson<CampaignCounts>('/campaigns/counts', { query: { q }, signal }).then(answer => answer.data, (error: unknown) => {
      // A server without the counts route answers 404, or 400 where /campaigns/:id takes the path.
      if (error instanceof ApiError && (error.status === 404 || error.status === 400)) return undefined
      throw error
    })
  ])
  return { items: list.data, total: Number(list.headers.get('x-total-count') ?? list.data.length), counts }
}

const somethingRuns = (data: ListData): boolean =>
  data.items.some(campaign => campaign.status === 'running') || (data.counts?.running ?? 0) > 0

function Figure ({ count, of }: { count: number, of: number }) {
  const share = formatShare(count, of)
  return <td className='num'>{formatNumber(count)}{share !== '' && <span className='sub'>{share}</span>}</td>
}

function Times ({ campaign }: { campaign: CampaignSummary }) {
  return (
    <td className='times'>
      <span className='sub'>Created {formatTime(campaign.createdAt)}</span>
      {campaign.startedAt !== null && <span className='sub'>Started {formatTime(campaign.startedAt)}</span>}
      {campaign.finishedAt !== null && <span className='sub'>Finished {formatTime(campaign.finishedAt)}</span>}
      {campaign.status === 'scheduled' && campaign.scheduledAt !== null && <span className='sub'>Starts {formatTime(campaign.scheduledAt)}</span>}
    </td>
  )
}

function EmptyState ({ filtered }: { filtered: boolean }) {
  if (filtered) return <div className='panel empty'><p>No campaign matches this filter or search.</p></div>
  return (
    <div className='panel empty'>
      <h2>No campaigns yet</h2>
      <p>A campaign sends one WhatsApp template to a list of contacts. Start with <Link to='campaigns/new'>New campaign</Link>: give it a name and a template, load the contacts from a CSV or Excel file (or paste them), then send it now or schedule it.</p>
    </div>
  )
}

export function CampaignList () {
  const { search } = useLocation()
  const statusParam = search.get('status')
  const status = isStatus(statusParam) ? statusParam : undefined
  const q = search.get('q') ?? ''
  const page = Math.max(1, Number.parseInt(search.get('page') ?? '1', 10) || 1)
  const [searchText, setSearchText] = useState(q)
  const [notice, setNotice] = useState<ActionOutcome>()
  const searchId = useId()

  const live = useLive(`${status ?? ''}|${q}|${page}`, signal => loadList(status, q, page, signal), somethingRuns)

  // The search box changes the URL (and so the list) once typing pauses.
  useEffect(() => {
    if (searchText.trim() === q) return
    const timer = setTimeout(() => navigate('campaigns', { replace: true, query: { status, q: searchText.trim() } }), 300)
    return () => clearTimeout(timer)
  }, [searchText, q, status])

  function show (query: { status?: CampaignStatus, page?: number }) {
    navigate('campaigns', { replace: true, query: { status: query.status, q, page: query.page === 1 ? undefined : query.page } })
  }

  function onOutcome (outcome: ActionOutcome) {
    setNotice(outcome)
    live.reload()
  }

  const data = live.data
  const counts = data?.counts
  const filtered = status !== undefined || q !== ''
  const lastPage = data === undefined ? 1 : Math.max(1, Math.ceil(data.total / pageSize))

  return (
    <section aria-labelledby='campaigns-title'>
      <div className='toolbar'>
        <h1 id='campaigns-title' style={{ margin: 0 }}>Campaigns</h1>
        <span className='spacer' />
        <button type='button' onClick={() => live.reload()}>Refresh</button>
        <Link to='campaigns/new' className='button primary'>New campaign</Link>
      </div>

      <div className='toolbar'>
        <div className='filters' role='group' aria-label='Filter by status'>
          <button type='button' aria-pressed={status === undefined} onClick={() => show({})}>
            All{counts !== undefined && <span className='count'>{formatNumber(counts.all)}</span>}
          </button>
          {campaignStatuses.map(value => (
            <button key={value} type='button' aria-pressed={status === value} onClick={() => show({ status: value })}>
              {statusLabels[value]}{counts !== undefined && <span className='count'>{formatNumber(counts[value])}</span>}
            </button>
          ))}
        </div>
        <span className='spacer' />
        <label htmlFor={searchId} className='sr-only'>Search by name</label>
        <input id={searchId} type='search' placeholder='Search by name' value={searchText} onChange={event => setSearchText(event.target.value)} />
      </div>

      <div aria-live='polite'>
        {notice !== undefined && (notice.ok
          ? <p className='alert info' role='status'>{notice.message}</p>
          : <ErrorAlert error={notice.message} />)}
      </div>
      {live.error !== undefined && <ErrorAlert error={live.error} onRetry={() => live.reload()} />}

      {data === undefined
        ? (live.error === undefined && <p className='muted'>Loading the campaigns…</p>)
        : data.items.length === 0
          ? <EmptyState filtered={filtered} />
          : (
            <>
              <div className='table-wrap'>
                <table>
                  <caption className='sr-only'>Campaigns{status !== undefined ? `, ${statusLabels[status].toLowerCase()}` : ''}{q !== '' ? `, named like “${q}”` : ''}</caption>
                  <thead>
                    <tr>
                      <th scope='col'>Campaign</th>
                      <th scope='col'>Status</th>
                      <th scope='col' className='num'>Recipients</th>
                      <th scope='col' className='num'>Sent</th>
                      <th scope='col' className='num'>Delivered</th>
                      <th scope='col' className='num'>Read</th>
                      <th scope='col' className='num'>Failed</th>
                      <th scope='col'>Times</th>
                      <th scope='col'>Actions</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.items.map(campaign => {
                      const messaged = messagedOf(campaign)
                      const underWay = campaign.status === 'running' || campaign.status === 'paused'
                      return (
                        <tr key={campaign.id} className={campaign.status === 'running' ? 'running' : undefined}>
                          <td>
                            <Link to={`campaigns/${campaign.id}`}>{campaign.name}</Link>
                            <span className='sub'>{campaign.templateName} · {campaign.language}</span>
                          </td>
                          <td>
                            <StatusBadge campaign={campaign} />
                            {underWay && <RunProgress campaign={campaign} />}
                          </td>
                          <td className='num'>{formatNumber(campaign.totalCount)}</td>
                          <Figure count={campaign.successCount} of={messaged} />
                          <Figure count={campaign.deliveredCount} of={messaged} />
                          <Figure count={campaign.readCount} of={messaged} />
                          <Figure count={campaign.failedCount} of={messaged} />
                          <Times campaign={campaign} />
                          <td><CampaignActions campaign={campaign} onOutcome={onOutcome} /></td>
                        </tr>
                      )
                    })}
                  </tbody>
                </table>
              </div>
              <Pager
                label='Campaign pages'
                summary={`${formatNumber((page - 1) * pageSize + 1)}–${formatNumber((page - 1) * pageSize + data.items.length)} of ${formatNumber(data.total)}`}
                hasPrevious={page > 1}
                hasNext={page < lastPage}
                onPrevious={() => show({ status, page: page - 1 })}
                onNext={() => show({ status, page: page + 1 })}
              />
            </>
            )}
    </section>
  )
}
