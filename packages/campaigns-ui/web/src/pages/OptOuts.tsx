import type { AddedOptOuts, OptOut } from 'fastify-whatsapp-campaigns'
import { useCallback, useEffect, useState, type FormEvent } from 'react'
import '../forms/forms.css'
import { getJson, sendJson } from '../api.js'
import { ConfirmDialog } from '../components/ConfirmDialog.js'
import { formatNumber, formatTime } from '../lib/format.js'

const pageSize = 50
const sourceLabels: Record<OptOut['source'], string> = {
  keyword: 'Replied with a stop word',
  preference: "WhatsApp's marketing opt-out",
  error: 'Meta refused a send (131050)',
  api: 'Added here or through the API'
}

type Notice = { error: boolean, text: string } | null

/** The tenant's opt-out list: search by phone, page on, add phones, take one off (asked first). */
export function OptOuts () {
  const [search, setSearch] = useState('')
  const [query, setQuery] = useState('')
  // Keyset paging: the `after` of each page seen, so Previous goes back without offsets.
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined])
  const [entries, setEntries] = useState<OptOut[] | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)
  const [phones, setPhones] = useState('')
  const [notice, setNotice] = useState<Notice>(null)
  const [reloads, setReloads] = useState(0)
  const [removing, setRemoving] = useState<string | null>(null)
  const after = cursors[cursors.length - 1]

  useEffect(() => {
    const controller = new AbortController()
    getJson<OptOut[]>('/opt-outs', { query: { limit: pageSize, after, phone: query }, signal: controller.signal })
      .then(({ data }) => { setEntries(data); setLoadError(null) })
      .catch((error: Error) => { if (!controller.signal.aborted) setLoadError(error.message) })
    return () => controller.abort()
  }, [after, query, reloads])

  const reload = useCallback(() => setReloads(value => value + 1), [])

  function find (event: FormEvent) {
    event.preventDefault()
    setQuery(search.trim())
    setCursors([undefined])
  }

  async function add (event: FormEvent) {
    event.preventDefault()
    const list = phones.split(/[\n,;]+/).map(phone => phone.trim()).filter(phone => phone !== '')
    if (list.length === 0) {
      setNotice({ error: true, text: 'Type one phone or more, one a line, with the country code.' })
      return
    }
    try {
      const added = await sendJson<AddedOptOuts>('/opt-outs', { method: 'POST', body: { phones: list } })
      const already = (added?.listed ?? 0) - (added?.added ?? 0)
      setNotice({ error: false, text: `${formatNumber(added?.added ?? 0)} added to the opt-out list${already > 0 ? `; ${formatNumber(already)} already on it` : ''}.` })
      setPhones('')
      reload()
    } catch (error) {
      setNotice({ error: true, text: (error as Error).message })
    }
  }

  async function remove (phone: string) {
    try {
      await sendJson<null>(`/opt-outs/${encodeURIComponent(phone)}`, { method: 'DELETE' })
      setNotice({ error: false, text: `${phone} was taken off the opt-out list.` })
      reload()
    } catch (error) {
      setNotice({ error: true, text: (error as Error).message })
    }
  }

  return (
    <section className='opt-outs'>
      <h1>Opt-outs</h1>
      <p>Phones on this list are never messaged: runs skip them. People join it by replying STOP; you can add your own.</p>

      <form className='inline-fields' onSubmit={event => { void add(event) }}>
        <div className='field'>
          <label htmlFor='opt-out-phones'>Phones to add, one a line</label>
          <textarea id='opt-out-phones' rows={3} value={phones} onChange={event => setPhones(event.target.value)} placeholder='+91 98765 00001' />
        </div>
        <button type='submit'>Add to opt-outs</button>
      </form>
      <div aria-live='polite'>
        {notice !== null && <p className={notice.error ? 'alert error' : 'alert info'} role={notice.error ? 'alert' : undefined}>{notice.text}</p>}
      </div>

      <form className='inline-fields' role='search' onSubmit={find}>
        <div className='field'>
          <label htmlFor='opt-out-search'>Search by phone</label>
          <input id='opt-out-search' type='search' value={search} onChange={event => setSearch(event.target.value)} />
        </div>
        <button type='submit'>Search</button>
        {query !== '' && <button type='button' onClick={() => { setSearch(''); setQuery(''); setCursors([undefined]) }}>Show all</button>}
      </form>

      {loadError !== null && <p className='alert error' role='alert'>{loadError}</p>}
      {entries === null && loadError === null && <p role='status'>Loading…</p>}
      {entries !== null && entries.length === 0 && (
        <p className='empty'>{query !== '' ? `${query} is not on the opt-out list.` : 'Nobody has opted out yet.'}</p>
      )}
      {entries !== null && entries.length > 0 && (
        <div className='table-wrap'>
          <table>
            <caption className='sr-only'>Opted-out phones</caption>
            <thead>
              <tr><th scope='col'>Phone</th><th scope='col'>How</th><th scope='col'>Since</th><th scope='col'><span className='sr-only'>Actions</span></th></tr>
            </thead>
            <tbody>
              {entries.map(entry => (
                <tr key={entry.phone}>
                  <td>{entry.phone}</td>
                  <td>{sourceLabels[entry.source]}</td>
                  <td><time dateTime={entry.createdAt}>{formatTime(entry.createdAt)}</time></td>
                  <td><button type='button' aria-label={`Remove ${entry.phone}`} onClick={() => setRemoving(entry.phone)}>Remove</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(cursors.length > 1 || entries?.length === pageSize) && (
        <nav className='pager' aria-label='Opt-out pages'>
          <button type='button' disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>Previous</button>
          <span>Page {cursors.length}</span>
          <button
            type='button' disabled={entries === null || entries.length < pageSize}
            onClick={() => { if (entries !== null) setCursors([...cursors, entries[entries.length - 1].phone]) }}
          >
            Next
          </button>
        </nav>
      )}
      {removing !== null && (
        <ConfirmDialog
          request={{
            title: `Take ${removing} off the opt-out list?`,
            body: <p>Campaigns will message this phone again from their next run.</p>,
            confirmLabel: 'Take off the list',
            danger: true
          }}
          onAnswer={confirmed => {
            const phone = removing
            setRemoving(null)
            if (confirmed) void remove(phone)
          }}
        />
      )}
    </section>
  )
}
