import { useState } from 'react'
import type { ContactCheck, ContactVerdict } from 'fastify-whatsapp-campaigns'
import { verdictLabels } from './contact-check.js'
import { formatNumber } from '../lib/format.js'
import { countOf } from './count-words.js'

const pageSize = 100
const filters: Array<ContactVerdict | 'all'> = ['all', 'valid', 'invalid', 'duplicate', 'optedOut']

/** The server's verdict on every row of a list, a page at a time, with a filter by verdict. */
/** `rows` gives each contact's row in its file, so that the verdicts point at the rows a person sees in a spreadsheet. */
export function CheckPreview ({ result, rows }: { result: ContactCheck, rows: readonly number[] }) {
  const [filter, setFilter] = useState<ContactVerdict | 'all'>('all')
  const [page, setPage] = useState(0)
  const shown = filter === 'all' ? result.rows : result.rows.filter(row => row.verdict === filter)
  const pages = Math.max(1, Math.ceil(shown.length / pageSize))
  const current = Math.min(page, pages - 1)
  const slice = shown.slice(current * pageSize, (current + 1) * pageSize)
  const refused = result.rows.length - result.counts.valid

  return (
    <section className='check-preview' aria-labelledby='check-preview-title'>
      <h3 id='check-preview-title'>Preview</h3>
      <p className='check-summary' role='status'>
        {countOf(result.rows.length, 'row')}: {formatNumber(result.counts.valid)} valid
        {refused > 0 && <>, {formatNumber(refused)} refused ({formatNumber(result.counts.invalid)} invalid, {formatNumber(result.counts.duplicate)} duplicate, {formatNumber(result.counts.optedOut)} opted out): only the valid rows are imported</>}
      </p>
      <div className='filters' role='group' aria-label='Show rows'>
        {filters.map(value => (
          <button
            key={value} type='button' aria-pressed={filter === value}
            onClick={() => { setFilter(value); setPage(0) }}
          >
            {value === 'all' ? 'All' : verdictLabels[value]} ({formatNumber(value === 'all' ? result.rows.length : result.counts[value])})
          </button>
        ))}
      </div>
      <div className='table-wrap'>
        <table>
          <caption className='sr-only'>Verdict per row</caption>
          <thead>
            <tr><th scope='col'>Row</th><th scope='col'>Phone</th><th scope='col'>Name</th><th scope='col'>Verdict</th><th scope='col'>Why</th></tr>
          </thead>
          <tbody>
            {slice.map(row => (
              <tr key={row.index} className={`verdict-${row.verdict}`}>
                <td>{rows[row.index] ?? row.index + 1}</td>
                <td>{row.phone}</td>
                <td>{row.name ?? ''}</td>
                <td><span className={`badge verdict-${row.verdict}`}>{verdictLabels[row.verdict]}</span></td>
                <td>{row.duplicateOf !== undefined ? `The same phone as row ${rows[row.duplicateOf] ?? row.duplicateOf + 1}` : (row.reason ?? '')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pages > 1 && (
        <nav className='pager' aria-label='Preview pages'>
          <button type='button' disabled={current === 0} onClick={() => setPage(current - 1)}>Previous</button>
          <span>Page {current + 1} of {pages}</span>
          <button type='button' disabled={current >= pages - 1} onClick={() => setPage(current + 1)}>Next</button>
        </nav>
      )}
    </section>
  )
}
