import type { Campaign, CampaignSummary, Contact } from 'fastify-whatsapp-campaigns'
import { useEffect, useRef, useState } from 'react'
import '../forms/forms.css'
import { getJson, sendJson } from '../api.js'
import { ConfirmDialog } from '../components/ConfirmDialog.js'
import { formatNumber } from '../lib/format.js'
import { countOf } from '../forms/count-words.js'
import { navigate } from '../router.js'
import { ContactsEditor } from '../forms/ContactsEditor.js'
import { ContactsImport } from '../forms/ContactsImport.js'
import { ParametersField } from '../forms/ParametersField.js'
import { ScheduleField } from '../forms/ScheduleField.js'
import { createBody, draftOf, emptyDraft, isDirty, problemOf, updateBody, type CampaignDraft } from '../forms/campaign-draft.js'
import { contactOf, loadContacts } from '../forms/load-contacts.js'
import { scheduleToIso } from '../forms/schedule.js'
import { leaveQuestion, useUnsavedChangesGuard } from '../forms/unsaved-changes.js'

type Loaded =
  | { kind: 'loading', contacts: number }
  | { kind: 'failed', message: string }
  | { kind: 'ready', campaign: Campaign | null, initial: CampaignDraft }

/** The new-campaign form (`/campaigns/new`) and, with `campaignId`, the same form over that campaign. */
export function CampaignForm ({ campaignId }: { campaignId?: number }) {
  const editing = campaignId !== undefined
  const [loaded, setLoaded] = useState<Loaded>(editing ? { kind: 'loading', contacts: 0 } : { kind: 'ready', campaign: null, initial: emptyDraft })
  const [draft, setDraft] = useState<CampaignDraft>(emptyDraft)
  const [contactsChanged, setContactsChanged] = useState(false)
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const [confirmingSend, setConfirmingSend] = useState(false)
  const form = useRef<HTMLFormElement>(null)

  useEffect(() => {
    if (campaignId === undefined) return
    const controller = new AbortController()
    async function load (id: number) {
      try {
        const { data: campaign } = await getJson<Campaign>(`/campaigns/${id}`, { signal: controller.signal })
        const contacts = campaign.contactsTruncated === true
          ? await loadContacts(id, loadedCount => setLoaded({ kind: 'loading', contacts: loadedCount }), controller.signal)
          : campaign.contacts.map(contactOf)
        const initial = draftOf(campaign, contacts)
        setDraft(initial)
        setLoaded({ kind: 'ready', campaign, initial })
      } catch (error) {
        if (!controller.signal.aborted) setLoaded({ kind: 'failed', message: (error as Error).message })
      }
    }
    void load(campaignId)
    return () => controller.abort()
  }, [campaignId])

  const initial = loaded.kind === 'ready' ? loaded.initial : emptyDraft
  const dirty = loaded.kind === 'ready' && !busy && isDirty(draft, initial, contactsChanged)
  useUnsavedChangesGuard(dirty)

  const title = editing ? 'Edit campaign' : 'New campaign'
  if (loaded.kind === 'loading') {
    return <section><h1>{title}</h1><p role='status'>Loading the campaign{loaded.contacts > 0 ? `: ${formatNumber(loaded.contacts)} contacts so far` : ''}…</p></section>
  }
  if (loaded.kind === 'failed') {
    return <section><h1>{title}</h1><p className='alert error' role='alert'>{loaded.message}</p></section>
  }
  const campaign = loaded.campaign
  const running = campaign?.status === 'running'

  function update (change: Partial<CampaignDraft>) {
    setDraft(current => ({ ...current, ...change }))
  }

  function setContacts (contacts: Contact[]) {
    update({ contacts })
    setContactsChanged(true)
  }

  function importContacts (imported: Contact[], how: 'add' | 'replace') {
    if (how === 'replace') return setContacts(imported)
    const listed = new Set(draft.contacts.map(contact => contact.phone))
    setContacts([...draft.contacts, ...imported.filter(contact => !listed.has(contact.phone))])
  }

  /** The browser's own checks (required fields), then ours: whether the draft can go to the server. */
  function ready (needsContacts: boolean): boolean {
    if (form.current?.reportValidity() === false) return false
    const found = problemOf(draft, needsContacts)
    setProblem(found)
    return found === null
  }

  /** Runs one action, then goes where it says; a refusal is shown in the API's words. */
  async function act (needsContacts: boolean, action: () => Promise<string>) {
    if (!ready(needsContacts)) return
    setBusy(true)
    try {
      const to = await action()
      navigate(to)
    } catch (error) {
      setProblem((error as Error).message)
      setBusy(false)
    }
  }

  const sendNow = async () => await act(true, async () => {
    await sendJson<CampaignSummary>('/send-bulk', { method: 'POST', body: createBody(draft, false) })
    return 'campaigns'
  })

  const save = async (scheduled: boolean) => await act(false, async () => {
    const created = await sendJson<Campaign>('/campaigns', { method: 'POST', body: createBody(draft, scheduled) })
    return created === null ? 'campaigns' : `campaigns/${created.id}`
  })

  const saveEdit = async () => await act(false, async () => {
    await sendJson<Campaign>(`/campaigns/${campaignId}`, { method: 'PUT', body: updateBody(draft, initial, contactsChanged) })
    return `campaigns/${campaignId}`
  })

  function cancel () {
    if (dirty && !window.confirm(leaveQuestion)) return
    navigate(editing ? `campaigns/${campaignId}` : 'campaigns')
  }

  const scheduled = typeof scheduleToIso(draft.schedule) === 'string'
  return (
    <section className='campaign-form'>
      <h1>{editing ? `Edit campaign: ${campaign?.name ?? ''}` : title}</h1>
      {running && <p className='alert info' role='status'>This campaign is running: it can be edited once its run ends, or after you pause or cancel it.</p>}
      {campaign?.status === 'paused' && <p className='alert info'>This campaign is paused: its run resumes with the template, parameters and contacts it started with, so only its name can change now.</p>}
      <form ref={form} onSubmit={event => { event.preventDefault(); void (editing ? saveEdit() : save(false)) }}>
        <fieldset disabled={busy}>
          <legend className='sr-only'>Campaign</legend>
          <h2>Message</h2>
          <div className='field'>
            <label htmlFor='campaign-name'>Campaign name</label>
            <input id='campaign-name' required maxLength={200} value={draft.name} onChange={event => update({ name: event.target.value })} />
          </div>
          <div className='field'>
            <label htmlFor='template-name'>Template name</label>
            <input
              id='template-name' required value={draft.templateName} aria-describedby='template-name-hint'
              onChange={event => update({ templateName: event.target.value })} autoCapitalize='none' spellCheck={false}
            />
            <p id='template-name-hint' className='hint'>The approved template's name as Meta has it: lowercase letters, digits and underscores (e.g. order_update).</p>
          </div>
          <div className='field'>
            <label htmlFor='template-language'>Template language</label>
            <input id='template-language' required value={draft.language} aria-describedby='template-language-hint' onChange={event => update({ language: event.target.value })} />
            <p id='template-language-hint' className='hint'>The language code of the template: en, en_US, pt_BR…</p>
          </div>
          <ParametersField value={draft.parameters} onChange={parameters => update({ parameters })} />

          <h2>Contacts</h2>
          <ContactsImport listed={draft.contacts.length} onImport={importContacts} />
          <ContactsEditor contacts={draft.contacts} onChange={setContacts} />

          <h2>When</h2>
          <ScheduleField value={draft.schedule} onChange={schedule => update({ schedule })} />
        </fieldset>
        <div aria-live='assertive'>
          {problem !== null && <p className='alert error' role='alert'>{problem}</p>}
        </div>
        <div className='actions'>
          {editing
            ? (
              <>
                <button type='submit' className='primary' disabled={busy || running}>Save</button>
                <button type='button' onClick={cancel}>Cancel</button>
              </>
              )
            : (
              <>
                <button type='button' className='primary' disabled={busy} onClick={() => { if (ready(true)) setConfirmingSend(true) }}>Send now</button>
                <button type='button' disabled={busy || !scheduled} onClick={() => { void save(true) }}>Schedule</button>
                <button type='submit' disabled={busy}>Save draft</button>
                <button type='button' onClick={cancel}>Cancel</button>
              </>
              )}
        </div>
      </form>
      {confirmingSend && (
        <ConfirmDialog
          request={{
            title: 'Send now?',
            body: <p>“{draft.name.trim()}” goes to {countOf(draft.contacts.length, 'contact')} now, as the template {draft.templateName.trim()} ({draft.language.trim()}).</p>,
            confirmLabel: `Send to ${formatNumber(draft.contacts.length)}`
          }}
          onAnswer={confirmed => {
            setConfirmingSend(false)
            if (confirmed) void sendNow()
          }}
        />
      )}
    </section>
  )
}
