import type { Analytics } from 'fastify-whatsapp-campaigns'
import { formatNumber } from '../lib/format.js'

const bars = [
  { key: 'successCount', label: 'Sent', fill: 'var(--sent)' },
  { key: 'deliveredCount', label: 'Delivered', fill: 'var(--delivered)' },
  { key: 'readCount', label: 'Read', fill: 'var(--read)' },
  { key: 'repliedCount', label: 'Replied', fill: 'var(--accent)' },
  { key: 'failedCount', label: 'Failed', fill: 'var(--failed)' },
  { key: 'skippedCount', label: 'Skipped', fill: 'var(--skipped)' }
] as const

const rowHeight = 30
const labelWidth = 90
const width = 640

/** A bar per outcome against the period's recipients, in plain SVG, with the same figures said in words for screen readers. */
export function OutcomeBars ({ figures }: { figures: Analytics }) {
  const total = Math.max(1, figures.totalCount)
  const plot = width - labelWidth - 80
  const height = bars.length * rowHeight + 10
  const description = bars.map(bar => `${bar.label} ${formatNumber(figures[bar.key])}`).join(', ')
  return (
    <figure className='chart outcome-bars'>
      <figcaption>Recipients by outcome, of {formatNumber(figures.totalCount)}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role='img' aria-label={`Recipients by outcome: ${description}`}>
        {bars.map((bar, index) => {
          const value = figures[bar.key]
          const y = 5 + index * rowHeight
          return (
            <g key={bar.key}>
              <text x={labelWidth - 8} y={y + rowHeight / 2} textAnchor='end' dominantBaseline='middle'>{bar.label}</text>
              <rect x={labelWidth} y={y + 4} width={plot} height={rowHeight - 8} fill='#eef1f4' />
              <rect x={labelWidth} y={y + 4} width={(plot * value) / total} height={rowHeight - 8} fill={bar.fill} />
              <text x={labelWidth + plot + 8} y={y + rowHeight / 2} dominantBaseline='middle'>{formatNumber(value)}</text>
            </g>
          )
        })}
        <line className='axis' x1={labelWidth} x2={labelWidth} y1={0} y2={height} />
      </svg>
    </figure>
  )
}
