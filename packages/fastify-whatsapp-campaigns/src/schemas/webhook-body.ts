import { Type, type Static } from '@sinclair/typebox'

/**
 * The parts of Meta's webhook bodies the plugin reads, as loose as real traffic needs (see the Cloud
 * API reference's webhook captures): extra fields are allowed everywhere, and only what is read is
 * required. Each item is checked on its own, so one malformed status never costs the others.
 */

/**
 * Unix seconds: a string of digits in statuses and messages, a number in user preferences. At most 11
 * digits (the year 5138): a time past the year 9999 has a six-digit ISO year, which PostgreSQL does
 * not read back, and a status journaled with one would fail every apply after it.
 */
export const UnixSeconds = Type.Union([
  Type.String({ pattern: '^[0-9]{1,11}$' }),
  Type.Integer({ minimum: 0, maximum: 99_999_999_999 })
])
export type UnixSeconds = Static<typeof UnixSeconds>

export const WebhookError = Type.Object({
  code: Type.Optional(Type.Union([Type.Integer(), Type.String()])),
  title: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
  error_data: Type.Optional(Type.Object({ details: Type.Optional(Type.String()) }))
})
export type WebhookError = Static<typeof WebhookError>

/** The statuses the plugin tracks; `played` (voice messages) and any newer one are not. */
export const TrackedStatus = Type.Union([Type.Literal('sent'), Type.Literal('delivered'), Type.Literal('read'), Type.Literal('failed')])
export type TrackedStatus = Static<typeof TrackedStatus>

export const WebhookStatus = Type.Object({
  id: Type.String({ minLength: 1 }),
  status: TrackedStatus,
  timestamp: UnixSeconds,
  // Absent when the message went to a business-scoped user id whose phone is not shared.
  recipient_id: Type.Optional(Type.String()),
  biz_opaque_callback_data: Type.Optional(Type.Unknown()),
  errors: Type.Optional(Type.Array(Type.Unknown()))
})
export type WebhookStatus = Static<typeof WebhookStatus>

const OptionalText = Type.Optional(Type.String())

export const WebhookMessage = Type.Object({
  // Absent when only a business-scoped user id is given (from_user_id): such a sender has no phone to match.
  from: Type.String({ pattern: '^\\+?[0-9]{1,20}$' }),
  timestamp: UnixSeconds,
  type: Type.String(),
  text: Type.Optional(Type.Object({ body: OptionalText })),
  button: Type.Optional(Type.Object({ text: OptionalText, payload: OptionalText })),
  interactive: Type.Optional(Type.Object({
    button_reply: Type.Optional(Type.Object({ title: OptionalText })),
    list_reply: Type.Optional(Type.Object({ title: OptionalText }))
  })),
  context: Type.Optional(Type.Object({ id: OptionalText }))
})
export type WebhookMessage = Static<typeof WebhookMessage>

export const WebhookPreference = Type.Object({
  wa_id: Type.String({ pattern: '^\\+?[0-9]{1,20}$' }),
  value: Type.Union([Type.Literal('stop'), Type.Literal('resume')]),
  timestamp: UnixSeconds
})
export type WebhookPreference = Static<typeof WebhookPreference>

export const WebhookMetadata = Type.Object({
  phone_number_id: Type.String({ minLength: 1 })
})
export type WebhookMetadata = Static<typeof WebhookMetadata>
