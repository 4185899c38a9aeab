import { useId, useRef, useState, type KeyboardEvent } from 'react'
import { getJson } from '../api.js'
import { formatNumber, formatTime } from '../lib/format.js'
import { useLive } from '../lib/use-live.js'
import type { CampaignRun, Message, MessageStatus } from '../types.js'
import { ErrorAlert } from './ErrorAlert.js'
import { Pager } from './Pager.js'

const pageSize = 50

type Tab = 'all' | MessageStatus
type Counts = Pick<CampaignRun, 'totalCount' | 'successCount' | 'failedCount' | 'deliveredCount' | 'readCount' | 'skippedCount'>

const tabs: Array<{ tab: Tab, label: string }> = [
  { tab: 'all', label: 'All' },
  { tab: 'pending', label: 'Pending' },
  { tab: 'sent', label: 'Sent' },
  { tab: 'delivered', label: 'Delivered' },
  { tab: 'read', label: 'Read' },
  { tab: 'failed', label: 'Failed' },
  { tab: 'skipped', label: 'Skipped' }
]

const statusText: Record<MessageStatus, string> = {
  pending: 'Pending',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Failed',
  skipped: 'Skipped (opted out)'
}

/** How many messages are in each status now: a message has one status, the furthest it reached. */
function countsOf (counts: Counts): Record<Tab, number> {
  return {
    all: counts.totalCount,
    pending: Math.max(0, counts.totalCount - counts.successCount - counts.failedCount - counts.skippedCount),
    sent: counts.successCount - counts.deliveredCount,
    delivered: counts.deliveredCount - counts.readCount,
    read: counts.readCount,
    failed: counts.failedCount,
    skipped: counts.skippedCount
  }
}

/**
 * The last run's recipients, one page at a time from the server (keyset: `after` the last position
 * shown), by status. The positions of earlier pages are kept so Previous goes back without counting.
 */
export function RecipientsTable ({ campaignId, counts, live }: { campaignId: number, counts: Counts, live: boolean }) {
  const [tab, setTab] = useState<Tab>('all')
  const [cursors, setCursors] = useState<number[]>([])
  const after = cursors.at(-1)
  const panelId = useId()
  const tabRefs = useRef(new Map<Tab, HTMLButtonElement>())
  const page = useLive(
    `${campaignId}|${tab}|${after ?? ''}`,
    async signal => (await getJson<Message[]>(`/campaigns/${campaignId}/messages`, {
      query: { limit: pageSize + 1, after, status: tab === 'all' ? undefined : tab },
      signal
    })).data,
    () => live,
    2000
  )
  const tabCounts = countsOf(counts)
  const rows = page.data?.slice(0, pageSize) ?? []
  const hasNext = (page.data?.length ?? 0) > pageSize

  function choose (next: Tab) {
    setTab(next)
    setCursors([])
    tabRefs.current.get(next)?.focus()
  }

  function onKeyDown (event: KeyboardEvent) {
    const index = tabs.findIndex(entry => entry.tab === tab)
    const moves: Record<string, number> = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }
    const target = moves[event.key]
    if (target === undefined) return
    event.preventDefault()
    choose(tabs[(target + tabs.length) % tabs.length].tab)
  }

  return (
    <section aria-labelledby={`${panelId}-title`}>
      <h2 id={`${panelId}-title`}>Recipients</h2>
      <div className='tabs' role='tablist' aria-label='Recipients by status' onKeyDown={onKeyDown}>
        {tabs.map(entry => (
          <button
            key={entry.tab}
            ref={element => { if (element !== null) tabRefs.current.set(entry.tab, element) }}
            type='button'
            role='tab'
            id={`${panelId}-${entry.tab}`}
            aria-selected={tab === entry.tab}
            aria-controls={panelId}
            tabIndex={tab === entry.tab ? 0 : -1}
            onClick={() => choose(entry.tab)}
          >
            {entry.label}<span className='count'>{formatNumber(tabCounts[entry.tab])}</span>
          </button>
        ))}
      </div>
      <div role='tabpanel' id={panelId} aria-labelledby={`${panelId}-${tab}`}>
        {page.error !== undefined && <ErrorAlert error={page.error} onRetry={() => page.reload()} />}
        {page.data === undefined
          ? (page.error === undefined && <p className='muted'>Loading the recipients…</p>)
          : rows.length === 0
            ? <p className='muted'>No recipient {tab === 'all' ? 'yet' : 'in this status'}.</p>
            : (
              <div className='table-wrap'>
                <table>
                  <thead>
                    <tr>
                      <th scope='col'>Phone</th>
                      <th scope='col'>Name</th>
                      <th scope='col'>Status</th>
                      <th scope='col'>Sent</th>
                      <th scope='col'>Delivered</th>
                      <th scope='col'>Read</th>
                      <th scope='col'>Error</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map(message => (
                      <tr key={message.position}>
                        <td>{message.phone}</td>
                        <td>{message.name ?? ''}</td>
                        <td>{statusText[message.status]}</td>
                        <td className='times'>{formatTime(message.sentAt)}</td>
                        <td className='times'>{formatTime(message.deliveredAt)}</td>
                        <td className='times'>{formatTime(message.readAt)}</td>
                        <td>{message.error !== undefined && <><strong>{String(message.error.code)}</strong> {message.error.title}</>}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              )}
        <Pager
          label='Recipient pages'
          summary={`Page ${formatNumber(cursors.length + 1)}${rows.length > 0 ? `: ${formatNumber(rows.length)} recipients` : ''}`}
          hasPrevious={cursors.length > 0}
          hasNext={hasNext}
          onPrevious={() => setCursors(cursors.slice(0, -1))}
          onNext={() => setCursors([...cursors, rows[rows.length - 1].position])}
        />
      </div>
    </section>
  )
}
