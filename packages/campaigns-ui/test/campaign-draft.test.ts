import t from 'tap'
import { createBody, draftOf, emptyDraft, isDirty, problemOf, updateBody, type CampaignDraft } from '../web/src/forms/campaign-draft.js'

const stored = {
  id: 3,
  name: 'Reminder',
  templateName: 'appointment_reminder',
  language: 'en_US',
  parameters: ['{{name}}', 'Friday'],
  scheduledAt: null,
  contacts: []
} as any

const contacts = [{ phone: '919876000001', name: 'Asha' }]

t.test('an untouched draft of a campaign is not dirty and sends nothing', async t => {
  const initial = draftOf(stored, contacts)
  t.same(updateBody({ ...initial }, initial, false), {})
  t.equal(isDirty({ ...initial }, initial, false), false)
  t.equal(isDirty({ ...initial }, initial, true), true, 'an edited list is a change')
})

t.test('only what changed is sent: a rename is the name alone; the list only when edited', async t => {
  const initial = draftOf(stored, contacts)
  t.same(updateBody({ ...initial, name: '  Reminder 2 ' }, initial, false), { name: 'Reminder 2' })
  t.same(updateBody({ ...initial, parameters: ['{{name}}'] }, initial, false), { parameters: ['{{name}}'] })
  t.same(updateBody({ ...initial, contacts: [] }, initial, true), { contacts: [] })
  t.same(updateBody({ ...initial, schedule: '' }, { ...initial, schedule: '2030-01-01T09:00' }, false), { scheduledAt: null }, 'a cleared schedule unschedules')
})

t.test('a new campaign\'s body; a schedule only when asked for', async t => {
  const draft: CampaignDraft = { ...emptyDraft, name: ' Offer ', templateName: 'offer', contacts, schedule: '2030-01-01T09:00' }
  const body = createBody(draft, false)
  t.same(body, { name: 'Offer', templateName: 'offer', language: 'en', parameters: [], contacts })
  t.match(createBody(draft, true).scheduledAt, /^2030-01-01T09:00:00[+-]\d{2}:\d{2}$/)
})

t.test('what must change before sending', async t => {
  t.match(problemOf({ ...emptyDraft, parameters: ['a', ' '] }, false), 'Parameter {{2}} is empty')
  t.match(problemOf({ ...emptyDraft }, true), 'Add contacts first')
  t.equal(problemOf({ ...emptyDraft }, false), null, 'a draft may have no contacts')
  t.match(problemOf({ ...emptyDraft, schedule: 'soon' }, false), 'not a date and time')
})
