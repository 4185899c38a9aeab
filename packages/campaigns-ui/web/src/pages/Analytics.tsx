import type { Analytics as AnalyticsFigures } from 'fastify-whatsapp-campaigns'
import { useEffect, useState, type FormEvent } from 'react'
import '../forms/forms.css'
import { getJson } from '../api.js'
import { OutcomeBars } from '../forms/OutcomeBars.js'
import { periodOf, presets, type PeriodChoice } from '../forms/period.js'
import { formatNumber, formatRatio, formatTime } from '../lib/format.js'

/** The tenant's totals over the runs started in a period: cards, and a bar per outcome. */
export function Analytics () {
  const [choice, setChoice] = useState<PeriodChoice>({ preset: '30d', from: '', to: '' })
  const [asked, setAsked] = useState<PeriodChoice>(choice)
  const [figures, setFigures] = useState<AnalyticsFigures | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    const period = periodOf(asked, new Date())
    if (typeof period === 'string') {
      setError(period)
      return
    }
    const controller = new AbortController()
    setError(null)
    getJson<AnalyticsFigures>('/analytics', { query: period, signal: controller.signal })
      .then(({ data }) => setFigures(data))
      .catch((failure: Error) => { if (!controller.signal.aborted) setError(failure.message) })
    return () => controller.abort()
  }, [asked])

  function apply (event: FormEvent) {
    event.preventDefault()
    setAsked({ ...choice })
  }

  const cards = figures === null
    ? []
    : [
        { label: 'Campaigns', value: figures.campaigns },
        { label: 'Runs', value: figures.runs },
        { label: 'Recipients', value: figures.totalCount },
        { label: 'Sent', value: figures.successCount, share: figures.rates.sent },
        { label: 'Delivered', value: figures.deliveredCount, share: figures.rates.delivered },
        { label: 'Read', value: figures.readCount, share: figures.rates.read },
        { label: 'Replied', value: figures.repliedCount, share: figures.rates.replied },
        { label: 'Failed', value: figures.failedCount, share: figures.rates.failed },
        { label: 'Skipped (opted out)', value: figures.skippedCount }
      ]

  return (
    <section className='analytics'>
      <h1>Analytics</h1>
      <form className='toolbar' onSubmit={apply} aria-label='Choose the period'>
        <div className='field'>
          <label htmlFor='analytics-period'>Period</label>
          <select id='analytics-period' value={choice.preset} onChange={event => setChoice({ ...choice, preset: event.target.value as PeriodChoice['preset'] })}>
            {presets.map(preset => <option key={preset.value} value={preset.value}>{preset.label}</option>)}
          </select>
        </div>
        {choice.preset === 'custom' && (
          <>
            <div className='field'>
              <label htmlFor='analytics-from'>From</label>
              <input id='analytics-from' type='date' required value={choice.from} onChange={event => setChoice({ ...choice, from: event.target.value })} />
            </div>
            <div className='field'>
              <label htmlFor='analytics-to'>To (included)</label>
              <input id='analytics-to' type='date' required value={choice.to} onChange={event => setChoice({ ...choice, to: event.target.value })} />
            </div>
          </>
        )}
        <button type='submit' className='primary'>Show</button>
      </form>
      {error !== null && <p className='alert error' role='alert'>{error}</p>}
      {figures === null && error === null && <p role='status'>Loading…</p>}
      {figures !== null && (
        <>
          <p className='muted'>
            Runs started from <time dateTime={figures.from}>{formatTime(figures.from)}</time> to{' '}
            <time dateTime={figures.to}>{formatTime(figures.to)}</time>. Shares are of the recipients messaged (skipped ones left out).
          </p>
          <ul className='cards' aria-label='Totals'>
            {cards.map(card => (
              <li className='card' key={card.label}>
                <p className='label'>{card.label}</p>
                <p className='value'>{formatNumber(card.value)}</p>
                {card.share !== undefined && <p className='share'>{formatRatio(card.share)}</p>}
              </li>
            ))}
          </ul>
          {figures.totalCount === 0
            ? <p className='empty'>No campaign ran in this period: send one from New campaign, then come back.</p>
            : <OutcomeBars figures={figures} />}
        </>
      )}
    </section>
  )
}
