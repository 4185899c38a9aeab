import type { Contact, ContactCheck } from 'fastify-whatsapp-campaigns'
import { useId, useRef, useState, type ChangeEvent } from 'react'
import { ContactsFileError, contactsFromPastedText, readContactsFile, sampleContactsCsv, type ContactList } from '../lib/contacts-file.js'
import { checkContacts, validContacts } from './contact-check.js'
import { CheckPreview } from './CheckPreview.js'
import { countOf } from './count-words.js'

const sampleHref = `data:text/csv;charset=utf-8,${encodeURIComponent(sampleContactsCsv)}`

type Stage =
  | { kind: 'idle' }
  | { kind: 'working', message: string }
  | { kind: 'failed', message: string }
  | { kind: 'checked', list: ContactList, result: ContactCheck, source: string }

export interface ContactsImportProps {
  /** Contacts already in the form: with some, the valid rows can be added to them or replace them. */
  listed: number
  onImport: (contacts: Contact[], how: 'add' | 'replace') => void
}

/** Contacts from a CSV/XLSX file or pasted lines, checked by the server, of which only the valid rows are taken. */
export function ContactsImport ({ listed, onImport }: ContactsImportProps) {
  const [stage, setStage] = useState<Stage>({ kind: 'idle' })
  const [pasted, setPasted] = useState('')
  const fileInput = useRef<HTMLInputElement>(null)
  const pending = useRef<AbortController | null>(null)
  const id = useId()

  async function check (read: () => Promise<ContactList>, source: string) {
    pending.current?.abort()
    const controller = new AbortController()
    pending.current = controller
    setStage({ kind: 'working', message: `Reading ${source}…` })
    try {
      const list = await read()
      if (list.contacts.length === 0) throw new ContactsFileError('EMPTY_FILE', `${source} has no contacts.`)
      setStage({ kind: 'working', message: `Checking ${countOf(list.contacts.length, 'contact')}…` })
      const result = await checkContacts(list.contacts, controller.signal)
      if (!controller.signal.aborted) setStage({ kind: 'checked', list, result, source })
    } catch (error) {
      if (controller.signal.aborted) return
      setStage({ kind: 'failed', message: (error as Error).message })
      // The same file, once fixed, must be choosable again: an unchanged selection fires no change event.
      if (fileInput.current !== null) fileInput.current.value = ''
    }
  }

  function chooseFile (event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0]
    if (file === undefined) return
    void check(async () => await readContactsFile(file), `"${file.name}"`)
  }

  function importRows (how: 'add' | 'replace') {
    if (stage.kind !== 'checked') return
    onImport(validContacts(stage.list.contacts, stage.result), how)
    setStage({ kind: 'idle' })
    setPasted('')
    if (fileInput.current !== null) fileInput.current.value = ''
  }

  const valid = stage.kind === 'checked' ? stage.result.counts.valid : 0
  return (
    <div className='contacts-import'>
      <div className='field'>
        <label htmlFor={`${id}-file`}>Contacts file (CSV or XLSX)</label>
        <input
          id={`${id}-file`} ref={fileInput} type='file' onChange={chooseFile} aria-describedby={`${id}-file-hint`}
          accept='.csv,.xlsx,.xls,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/vnd.ms-excel'
        />
        <p id={`${id}-file-hint`} className='hint'>
          A first row naming the columns: <code>Phone</code> (or <code>Phone Number</code>) and <code>Name</code> (or <code>Customer Name</code>);
          columns <code>{'{{1}}'}</code>, <code>{'{{2}}'}</code>… give a contact parameters of its own. Up to 100,000 contacts.{' '}
          <a href={sampleHref} download='contacts-sample.csv'>Download a sample CSV</a>
        </p>
      </div>
      <div className='field'>
        <label htmlFor={`${id}-paste`}>Or paste contacts, one <code>phone,name</code> per line</label>
        <textarea id={`${id}-paste`} rows={4} value={pasted} onChange={event => setPasted(event.target.value)} placeholder={'+91 98765 00001,Asha\n14155550123,Lee'} />
        <button type='button' disabled={pasted.trim() === ''} onClick={() => { void check(async () => contactsFromPastedText(pasted), 'The pasted text') }}>
          Check pasted contacts
        </button>
      </div>
      <div aria-live='polite'>
        {stage.kind === 'working' && <p className='working'>{stage.message}</p>}
      </div>
      {stage.kind === 'failed' && <p className='alert error' role='alert'>{stage.message}</p>}
      {stage.kind === 'checked' && (
        <>
          <CheckPreview result={stage.result} rows={stage.list.rows} />
          {stage.list.ignoredColumns.length > 0 && (
            <p className='hint'>Columns left out: {stage.list.ignoredColumns.join(', ')}.</p>
          )}
          <div className='actions'>
            {listed === 0
              ? <button type='button' className='primary' disabled={valid === 0} onClick={() => importRows('replace')}>Import {countOf(valid, 'valid contact')}</button>
              : (
                <>
                  <button type='button' className='primary' disabled={valid === 0} onClick={() => importRows('add')}>Add {countOf(valid, 'valid contact')} to the list</button>
                  <button type='button' disabled={valid === 0} onClick={() => importRows('replace')}>Replace the list with {countOf(valid, 'valid contact')}</button>
                </>
                )}
            <button type='button' onClick={() => setStage({ kind: 'idle' })}>Discard preview</button>
          </div>
        </>
      )}
    </div>
  )
}
