import { formatClock, formatNumber } from '../lib/format.js'
import type { RunStats } from '../types.js'

const width = 720
const height = 220
const margin = { top: 12, right: 16, bottom: 28, left: 48 }
const series = [
  { key: 'sent', label: 'Sent', colour: 'var(--sent)' },
  { key: 'delivered', label: 'Delivered', colour: 'var(--delivered)' },
  { key: 'read', label: 'Read', colour: 'var(--read)' }
] as const

/** Up to this many minutes, grouped bars read better than lines (one minute is a single bar group, not a dot). */
const barsUpTo = 30

type Timeline = RunStats['timeline']
interface Scales { timeline: Timeline, x: (index: number) => number, y: (value: number) => number }

function Bars ({ timeline, x, y, slot }: Scales & { slot: number }) {
  const barWidth = Math.min(24, (slot * 0.8) / series.length)
  const bottom = y(0)
  return (
    <>
      {timeline.map((minute, index) => series.map((line, place) => (
        <rect key={`${minute.minute}-${line.key}`} x={x(index) + (place - series.length / 2) * barWidth} y={y(minute[line.key])} width={barWidth} height={bottom - y(minute[line.key])} fill={line.colour} />
      )))}
    </>
  )
}

function Lines ({ timeline, x, y }: Scales) {
  return (
    <>
      {series.map(line => (
        <polyline key={line.key} fill='none' stroke={line.colour} strokeWidth={2} points={timeline.map((minute, index) => `${x(index)},${y(minute[line.key])}`).join(' ')} />
      ))}
    </>
  )
}

/** Sent, delivered and read per minute as bars or lines (plain SVG), with the figures in a table for screen readers. */
export function TimelineChart ({ timeline }: { timeline: Timeline }) {
  if (timeline.length === 0) return <p className='muted'>Nothing was sent yet: the chart fills as messages go out.</p>
  const peak = Math.max(1, ...timeline.flatMap(minute => series.map(line => minute[line.key])))
  const innerWidth = width - margin.left - margin.right
  const innerHeight = height - margin.top - margin.bottom
  const bars = timeline.length <= barsUpTo
  const x = (index: number): number => bars
    ? margin.left + (index + 0.5) * (innerWidth / timeline.length)
    : margin.left + (index / (timeline.length - 1)) * innerWidth
  const y = (value: number): number => margin.top + innerHeight - (value / peak) * innerHeight
  const first = timeline[0]
  const last = timeline[timeline.length - 1]
  return (
    <figure className='chart' style={{ margin: 0 }}>
      <svg viewBox={`0 0 ${width} ${height}`} role='img' aria-label={`Messages per minute from ${formatClock(first.minute)} to ${formatClock(last.minute)}; at most ${formatNumber(peak)} in a minute`}>
        <line className='axis' x1={margin.left} y1={margin.top + innerHeight} x2={width - margin.right} y2={margin.top + innerHeight} />
        <line className='axis' x1={margin.left} y1={margin.top} x2={margin.left} y2={margin.top + innerHeight} />
        <text x={margin.left - 6} y={margin.top + 10} textAnchor='end'>{formatNumber(peak)}</text>
        <text x={margin.left - 6} y={margin.top + innerHeight} textAnchor='end'>0</text>
        <text x={x(0)} y={height - 8} textAnchor={bars ? 'middle' : 'start'}>{formatClock(first.minute)}</text>
        {timeline.length > 1 && <text x={x(timeline.length - 1)} y={height - 8} textAnchor={bars ? 'middle' : 'end'}>{formatClock(last.minute)}</text>}
        {timeline.length <= barsUpTo ? <Bars timeline={timeline} x={x} y={y} slot={innerWidth / timeline.length} /> : <Lines timeline={timeline} x={x} y={y} />}
      </svg>
      <figcaption>
        <ul className='legend'>
          {series.map(line => <li key={line.key}><span className='swatch' style={{ background: line.colour }} aria-hidden='true' />{line.label}</li>)}
        </ul>
        <details>
          <summary>The figures per minute</summary>
          <table>
            <thead><tr><th scope='col'>Minute</th><th scope='col' className='num'>Sent</th><th scope='col' className='num'>Delivered</th><th scope='col' className='num'>Read</th><th scope='col' className='num'>Failed</th></tr></thead>
            <tbody>
              {timeline.map(minute => (
                <tr key={minute.minute}>
                  <td>{formatClock(minute.minute)}</td>
                  <td className='num'>{formatNumber(minute.sent)}</td>
                  <td className='num'>{formatNumber(minute.delivered)}</td>
                  <td className='num'>{formatNumber(minute.read)}</td>
                  <td className='num'>{formatNumber(minute.failed)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </figcaption>
    </figure>
  )
}
