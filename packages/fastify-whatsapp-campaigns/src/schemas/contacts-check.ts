import { Type, type Static } from '@sinclair/typebox'
import { Contact } from './campaign.js'

/** A contact list to check as a create would take it, without storing it. */
export const CheckContactsBody = Type.Object({
  contacts: Type.Array(Contact)
}, { additionalProperties: false })
export type CheckContactsBody = Static<typeof CheckContactsBody>

export const ContactVerdict = Type.Union(
  [Type.Literal('valid'), Type.Literal('invalid'), Type.Literal('duplicate'), Type.Literal('optedOut')],
  { description: 'valid: a campaign would message it; invalid: not a phone number (see reason); duplicate: the same phone as an earlier row, which a campaign keeps instead; optedOut: a campaign keeps it, and its runs skip it (the phone is on the opt-out list)' }
)
export type ContactVerdict = Static<typeof ContactVerdict>

export const CheckedContact = Type.Object({
  index: Type.Integer({ description: 'The row in the list given, from 0' }),
  phone: Type.String({ description: 'Normalised to digits with the country code; as given when invalid' }),
  name: Type.Union([Type.String(), Type.Null()], { description: 'Trimmed; null when blank or absent' }),
  verdict: ContactVerdict,
  reason: Type.Optional(Type.String({ description: 'Why the row is not valid' })),
  duplicateOf: Type.Optional(Type.Integer({ description: 'For a duplicate: the index of the earlier row with the same phone' }))
})
export type CheckedContact = Static<typeof CheckedContact>

export const ContactCheck = Type.Object({
  rows: Type.Array(CheckedContact, { description: 'One per row given, in order' }),
  counts: Type.Object({
    valid: Type.Integer(),
    invalid: Type.Integer(),
    duplicate: Type.Integer(),
    optedOut: Type.Integer()
  })
}, { title: 'ContactCheck' })
export type ContactCheck = Static<typeof ContactCheck>
