import { formatNumber, formatRatio, formatShare } from '../lib/format.js'
import type { CampaignRun, RunStats } from '../types.js'

type Counts = Pick<CampaignRun, 'totalCount' | 'successCount' | 'failedCount' | 'deliveredCount' | 'readCount' | 'repliedCount' | 'skippedCount'>

/** One card per figure; shares are of the people messaged (the API's rates), skipped is of the total. */
export function DeliveryCards ({ counts, rates }: { counts: Counts, rates: RunStats['rates'] | undefined }) {
  const cards = [
    { label: 'Total', value: counts.totalCount, share: '' },
    { label: 'Sent', value: counts.successCount, share: rates !== undefined ? formatRatio(rates.sent) : '' },
    { label: 'Delivered', value: counts.deliveredCount, share: rates !== undefined ? formatRatio(rates.delivered) : '' },
    { label: 'Read', value: counts.readCount, share: rates !== undefined ? formatRatio(rates.read) : '' },
    { label: 'Replied', value: counts.repliedCount, share: rates !== undefined ? formatRatio(rates.replied) : '' },
    { label: 'Failed', value: counts.failedCount, share: rates !== undefined ? formatRatio(rates.failed) : '' },
    { label: 'Skipped', value: counts.skippedCount, share: formatShare(counts.skippedCount, counts.totalCount) }
  ]
  return (
    <ul className='cards' aria-label='Figures of the last run' style={{ listStyle: 'none', padding: 0 }}>
      {cards.map(card => (
        <li key={card.label} className='card'>
          <p className='label'>{card.label}</p>
          <p className='value'>{formatNumber(card.value)}</p>
          <p className='share'>{card.share === '' ? '\u00a0' : card.share}</p>
        </li>
      ))}
    </ul>
  )
}

/** The recipients by where their message is, as one bar: read, delivered, sent, failed, skipped, pending. */
export function StackedBar ({ counts }: { counts: Counts }) {
  const total = counts.totalCount
  const pending = Math.max(0, total - counts.successCount - counts.failedCount - counts.skippedCount)
  const parts = [
    { label: 'Read', value: counts.readCount, className: 'read' },
    { label: 'Delivered, not read', value: counts.deliveredCount - counts.readCount, className: 'delivered' },
    { label: 'Sent, not delivered yet', value: counts.successCount - counts.deliveredCount, className: 'sent' },
    { label: 'Failed', value: counts.failedCount, className: 'failed-fill' },
    { label: 'Skipped', value: counts.skippedCount, className: 'skipped' },
    { label: 'Not sent yet', value: pending, className: 'pending-fill' }
  ].filter(part => part.value > 0)
  const description = parts.map(part => `${part.label}: ${formatNumber(part.value)} (${formatShare(part.value, total)})`).join('; ')
  return (
    <figure style={{ margin: '0 0 1rem' }}>
      <div className='stacked' role='img' aria-label={total > 0 ? `Breakdown of ${formatNumber(total)} recipients. ${description}` : 'No recipients'}>
        {parts.map(part => <span key={part.label} className={part.className} style={{ width: `${(part.value / total) * 100}%` }} />)}
      </div>
      <figcaption>
        <ul className='legend'>
          {parts.map(part => <li key={part.label}><span className={`swatch ${part.className}`} aria-hidden='true' />{part.label} {formatNumber(part.value)}</li>)}
        </ul>
      </figcaption>
    </figure>
  )
}
