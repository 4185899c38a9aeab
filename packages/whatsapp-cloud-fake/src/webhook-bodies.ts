import { createHash } from 'node:crypto'
import type { ResolvedWebhooks } from './webhook-options.js'

/** Which list of a change's `value` a notification goes in (and so its `field`). */
export type NoticeKind = 'statuses' | 'messages' | 'user_preferences' | 'template_status'

/** One notification waiting to be posted: a status, an inbound message or a preference change. */
export interface Notice {
  kind: NoticeKind
  phoneNumberId: string
  /** The object for `statuses[]`, `messages[]` or `user_preferences[]`; for a template status, the change's whole `value`. */
  item: Record<string, unknown>
  /** Its `value.contacts[]` entry, if it has one; `contactKey` merges a contact met twice in one change. */
  contact?: Record<string, unknown>
  contactKey?: string
  /** When it may be posted, ms since the epoch. */
  due: number
  /** Posted once this one got its 200 (the next status of the same message). */
  next?: Notice
  /** A second posting of a notification already delivered: never copied again. */
  copy?: boolean
}

const FIELD_OF: Record<NoticeKind, string> = {
  statuses: 'messages',
  messages: 'messages',
  user_preferences: 'user_preferences',
  template_status: 'message_template_status_update'
}

/**
 * The envelope Meta posts: one entry for the business account, one change per phone number and kind,
 * keys in Meta's order (`value` before `field`). With `shuffle`, statuses within a change and the
 * changes themselves come in random order, as Meta's do.
 */
export function envelopeOf (notices: readonly Notice[], config: ResolvedWebhooks, shuffle: boolean): unknown {
  const changes = new Map<string, Notice[]>()
  for (const [index, notice] of notices.entries()) {
    // A template status is a change of its own: its value is one object, not a list.
    const key = notice.kind === 'template_status' ? `template\u0000${index}` : notice.phoneNumberId + '\u0000' + notice.kind
    const group = changes.get(key)
    if (group === undefined) changes.set(key, [notice])
    else group.push(notice)
  }
  const list = [...changes.values()].map(group => changeOf(shuffle ? shuffled(group) : group, config))
  return { object: 'whatsapp_business_account', entry: [{ id: config.businessAccountId, changes: shuffle ? shuffled(list) : list }] }
}

function changeOf (group: Notice[], config: ResolvedWebhooks): unknown {
  const { kind, phoneNumberId } = group[0]
  // Meta's template updates carry no metadata: they are about the business account, not a number.
  if (kind === 'template_status') return { value: group[0].item, field: FIELD_OF[kind] }
  const value: Record<string, unknown> = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: config.displayPhoneNumber(phoneNumberId), phone_number_id: phoneNumberId }
  }
  const contacts = new Map<string, Record<string, unknown>>()
  for (const notice of group) {
    if (notice.contact !== undefined) contacts.set(notice.contactKey ?? '', notice.contact)
  }
  if (contacts.size > 0) value.contacts = [...contacts.values()]
  value[kind] = group.map(notice => notice.item)
  return { value, field: FIELD_OF[kind] }
}

function shuffled<T> (items: T[]): T[] {
  const copy = [...items]
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    const swap = copy[i]
    copy[i] = copy[j]
    copy[j] = swap
  }
  return copy
}

/** A recipient as the webhooks name it, with business-scoped ids when they are on. */
export interface Recipient {
  digits: string
  /** `US.<digits>`: stable per number and business account. */
  userId?: string
  /** The phone may not be shared: no `recipient_id`, no `wa_id`. */
  withheld: boolean
}

/** Derived from a hash so that one number always gets the same id, and the same withheld-or-not fate. */
export function recipientOf (digits: string, config: ResolvedWebhooks): Recipient {
  if (config.phoneWithheld === undefined) return { digits, withheld: false }
  const hash = createHash('sha256').update(config.businessAccountId + ':' + digits).digest()
  const userId = 'US.' + hash.readBigUInt64BE(0).toString().padStart(20, '1').slice(0, 20)
  return { digits, userId, withheld: hash.readUInt32BE(8) / 0x1_0000_0000 < config.phoneWithheld }
}
