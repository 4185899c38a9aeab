import type { Contact } from 'fastify-whatsapp-campaigns'
import { useId, useState, type KeyboardEvent } from 'react'
import { checkContacts, verdictLabels } from './contact-check.js'
import { countOf } from './count-words.js'

const pageSize = 50

export interface ContactsEditorProps {
  contacts: readonly Contact[]
  onChange: (contacts: Contact[]) => void
}

/** The campaign's contact list: search, a page at a time, remove one, add one (checked by the server first). */
export function ContactsEditor ({ contacts, onChange }: ContactsEditorProps) {
  const [search, setSearch] = useState('')
  const [page, setPage] = useState(0)
  const [phone, setPhone] = useState('')
  const [name, setName] = useState('')
  const [adding, setAdding] = useState(false)
  const [message, setMessage] = useState<{ error: boolean, text: string } | null>(null)
  const id = useId()

  const needle = search.trim().toLowerCase()
  const digits = needle.replace(/\D/g, '')
  const indexed = contacts.map((contact, index) => ({ contact, index }))
  const shown = needle === ''
    ? indexed
    : indexed.filter(({ contact }) => (digits !== '' && contact.phone.includes(digits)) || (contact.name ?? '').toLowerCase().includes(needle))
  const pages = Math.max(1, Math.ceil(shown.length / pageSize))
  const current = Math.min(page, pages - 1)
  const slice = shown.slice(current * pageSize, (current + 1) * pageSize)

  function remove (index: number) {
    const removed = contacts[index]
    onChange(contacts.filter((_, position) => position !== index))
    setMessage({ error: false, text: `Removed ${removed.phone}.` })
  }

  async function add () {
    if (phone.trim() === '') {
      setMessage({ error: true, text: 'Type a phone number to add, with its country code.' })
      return
    }
    setAdding(true)
    try {
      const candidate: Contact = name.trim() === '' ? { phone: phone.trim() } : { phone: phone.trim(), name: name.trim() }
      const [row] = (await checkContacts([candidate])).rows
      if (row === undefined || row.verdict !== 'valid') {
        setMessage({ error: true, text: `${phone.trim()} cannot be added: ${row?.reason ?? verdictLabels[row?.verdict ?? 'invalid']}.` })
      } else if (contacts.some(contact => contact.phone === row.phone)) {
        setMessage({ error: true, text: `${row.phone} is already in the list.` })
      } else {
        onChange([...contacts, { ...candidate, phone: row.phone }])
        setMessage({ error: false, text: `Added ${row.phone}.` })
        setPhone('')
        setName('')
      }
    } catch (error) {
      setMessage({ error: true, text: (error as Error).message })
    } finally {
      setAdding(false)
    }
  }

  function addOnEnter (event: KeyboardEvent<HTMLInputElement>) {
    if (event.key !== 'Enter') return
    event.preventDefault()
    void add()
  }

  return (
    <div className='contacts-editor'>
      <p className='list-count'>
        {contacts.length === 0 ? 'No contacts yet: import a file or pasted lines above, or add them one by one here.' : `${countOf(contacts.length, 'contact')} in the list.`}
      </p>
      <div className='inline-fields' role='group' aria-label='Add a contact'>
        <div className='field'>
          <label htmlFor={`${id}-phone`}>Phone to add</label>
          <input id={`${id}-phone`} type='tel' value={phone} onChange={event => setPhone(event.target.value)} onKeyDown={addOnEnter} placeholder='+91 98765 00001' />
        </div>
        <div className='field'>
          <label htmlFor={`${id}-name`}>Name (optional)</label>
          <input id={`${id}-name`} value={name} onChange={event => setName(event.target.value)} onKeyDown={addOnEnter} />
        </div>
        <button type='button' disabled={adding} onClick={() => { void add() }}>Add contact</button>
      </div>
      <div aria-live='polite'>
        {message !== null && <p className={message.error ? 'alert error' : 'alert info'}>{message.text}</p>}
      </div>
      {contacts.length > 0 && (
        <>
          <div className='field'>
            <label htmlFor={`${id}-search`}>Search the list</label>
            <input id={`${id}-search`} type='search' value={search} onChange={event => { setSearch(event.target.value); setPage(0) }} />
          </div>
          <div className='table-wrap'>
            <table>
              <caption className='sr-only'>Contacts</caption>
              <thead>
                <tr><th scope='col'>#</th><th scope='col'>Phone</th><th scope='col'>Name</th><th scope='col'>Own parameters</th><th scope='col'><span className='sr-only'>Actions</span></th></tr>
              </thead>
              <tbody>
                {slice.map(({ contact, index }) => (
                  <tr key={`${index}-${contact.phone}`}>
                    <td>{index + 1}</td>
                    <td>{contact.phone}</td>
                    <td>{contact.name ?? ''}</td>
                    <td>{contact.parameters?.join(', ') ?? ''}</td>
                    <td><button type='button' aria-label={`Remove ${contact.phone}`} onClick={() => remove(index)}>Remove</button></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {shown.length === 0 && <p>No contact matches “{search}”.</p>}
          {pages > 1 && (
            <nav className='pager' aria-label='Contact pages'>
              <button type='button' disabled={current === 0} onClick={() => setPage(current - 1)}>Previous</button>
              <span>Page {current + 1} of {pages}</span>
              <button type='button' disabled={current >= pages - 1} onClick={() => setPage(current + 1)}>Next</button>
            </nav>
          )}
        </>
      )}
    </div>
  )
}
