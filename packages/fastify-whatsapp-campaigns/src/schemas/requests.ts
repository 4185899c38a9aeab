import { Type, type Static } from '@sinclair/typebox'
import { Campaign, CampaignStatus, Contact, MessageStatus, TemplateParameters } from './campaign.js'

/*
 * A body's unknown top-level field is refused by name (`additionalProperties: false`): a typo such as
 * `contact` must not give a campaign without contacts. The fields in `x-ignored-fields` are taken and
 * dropped, because the original app's frontend sends them: its schedule (`scheduleType`,
 * `scheduledDays`, `scheduledTime`) and, on an edit, the campaign it was given. Nested contact objects
 * keep ignoring extra keys: that frontend sends back their `id`, `campaignId` and `createdAt`.
 *
 * `x-rule` holds the words of a 400 when a value breaks the schema's pattern or fits none of its
 * branches (routes/validation-words.ts); `{example}` in them stands for a valid schedule time to come.
 */
const frontendSchedule = ['scheduleType', 'scheduledDays', 'scheduledTime']

const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', 'x-rule': 'must not be blank' })
export const TemplateName = Type.String({
  pattern: '^[a-z0-9_]{1,512}$',
  description: "The approved template's name",
  'x-rule': 'must be lowercase letters, digits and underscores, as Meta names templates (e.g. order_update)'
})
export const Language = Type.String({
  pattern: '^[a-z]{2,3}(_[A-Za-z]{2,4})?$',
  description: '`en`, `en_US`, `pt_BR`…',
  default: 'en',
  'x-rule': 'must be a language code such as en, en_US or pt_BR'
})

/** Ids, positions and offsets are PostgreSQL `integer`s: larger ones name nothing. */
const largestInteger = 2147483647

/** A page of a keyset-paged list: up to `limit` entries after the `position` of the previous page's last. */
function keysetPage (entry: string) {
  return {
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
    after: Type.Optional(Type.Integer({ minimum: 0, maximum: largestInteger, description: `The \`position\` of the last ${entry} of the previous page` }))
  }
}

export const CampaignParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: largestInteger })
})
export type CampaignParams = Static<typeof CampaignParams>

const isoDateTime = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$'
export const ScheduledAt = Type.Union([
  Type.String({ pattern: isoDateTime, description: 'ISO 8601 with a time zone: YYYY-MM-DDThh:mm:ssZ, or an offset such as +05:30 in place of Z' }),
  Type.Null()
], {
  description: 'Start the campaign by itself at this time (up to a minute in the past starts it at once; earlier is refused); null: not scheduled',
  'x-rule': 'must be ISO 8601 with a time zone, e.g. {example}, or null to unschedule'
})

const campaignFields = {
  name: Name,
  templateName: TemplateName,
  language: Type.Optional(Language),
  parameters: Type.Optional(TemplateParameters),
  contacts: Type.Optional(Type.Array(Contact)),
  scheduledAt: Type.Optional(ScheduledAt)
}

export const CreateCampaignBody = Type.Object(campaignFields, { additionalProperties: false, 'x-ignored-fields': frontendSchedule })
export type CreateCampaignBody = Static<typeof CreateCampaignBody>

/** What an edit may send back of the campaign it was given, and that no edit changes. */
const readOnlyFields = Object.keys(Campaign.properties).filter(key => !(key in campaignFields))

/** Any of the fields of a new campaign; absent ones stay as they are. */
export const UpdateCampaignBody = Type.Partial(Type.Object(campaignFields), {
  additionalProperties: false,
  'x-ignored-fields': [...frontendSchedule, ...readOnlyFields]
})
export type UpdateCampaignBody = Static<typeof UpdateCampaignBody>

export const RunCampaignBody = Type.Union([
  Type.Object({
    only: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('failed')], {
      description: 'failed: only the recipients whose message failed in the last run; absent (or all): every contact',
      'x-rule': 'must be "failed" (the recipients whose message failed in the last run) or absent (every contact)'
    }))
  }, { additionalProperties: false }),
  Type.Null()
], { 'x-rule': 'must be empty or a JSON object such as {"only": "failed"}' })
export type RunCampaignBody = Static<typeof RunCampaignBody>

/** A search by name: what `GET /campaigns` and `GET /campaigns/counts` take as `q`. */
const NameQuery = Type.String({ maxLength: 200, description: 'Only campaigns whose name holds this text, case aside (every character literal, % and _ too)' })

export const ListCampaignsQuery = Type.Object({
  status: Type.Optional(CampaignStatus),
  q: Type.Optional(NameQuery),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: largestInteger, default: 0 })
})
export type ListCampaignsQuery = Static<typeof ListCampaignsQuery>

export const CampaignCountsQuery = Type.Object({
  q: Type.Optional(NameQuery)
})
export type CampaignCountsQuery = Static<typeof CampaignCountsQuery>

/** Which run's messages an export holds: as on `GET /campaigns/:id/messages`, without the paging. */
const messagesRun = Type.Integer({ minimum: 1, maximum: largestInteger, description: 'The run whose messages to read (an `id` from `GET /campaigns/:id/runs`); default: the latest' })

export const ListMessagesQuery = Type.Object({
  status: Type.Optional(MessageStatus),
  ...keysetPage('message'),
  run: Type.Optional(messagesRun)
})
export type ListMessagesQuery = Static<typeof ListMessagesQuery>

export const ExportMessagesQuery = Type.Object({
  status: Type.Optional(MessageStatus),
  run: Type.Optional(messagesRun)
})
export type ExportMessagesQuery = Static<typeof ExportMessagesQuery>

export const ListContactsQuery = Type.Object(keysetPage('contact'))
export type ListContactsQuery = Static<typeof ListContactsQuery>

export const SendBulkBody = Type.Object({
  templateName: TemplateName,
  name: Type.Optional(Name),
  language: Type.Optional(Language),
  parameters: Type.Optional(TemplateParameters),
  contacts: Type.Optional(Type.Array(Contact, { minItems: 1 })),
  phoneNumbers: Type.Optional(Type.Array(Type.String(), { minItems: 1 }))
}, { additionalProperties: false, 'x-ignored-fields': frontendSchedule })
export type SendBulkBody = Static<typeof SendBulkBody>

export const StatsQuery = Type.Object({
  run: Type.Optional(Type.Integer({ minimum: 1, maximum: largestInteger, description: 'The run (an `id` from `GET /campaigns/:id/runs`); default: the latest' }))
})
export type StatsQuery = Static<typeof StatsQuery>

export const AnalyticsQuery = Type.Object({
  from: Type.Optional(Type.String({ pattern: isoDateTime, description: 'Runs started at or after this time; default: 30 days before `to`', 'x-rule': 'must be ISO 8601 with a time zone, e.g. {example}' })),
  to: Type.Optional(Type.String({ pattern: isoDateTime, description: 'Runs started before this time; default: now', 'x-rule': 'must be ISO 8601 with a time zone, e.g. {example}' }))
})
export type AnalyticsQuery = Static<typeof AnalyticsQuery>

export const ListOptOutsQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  after: Type.Optional(Type.String({ pattern: '^\\d{1,20}$', description: 'The phone of the last entry of the previous page (phones are in order)', 'x-rule': 'must be the digits of the last phone of the previous page' })),
  phone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Only this phone (written as in a contact list)' }))
})
export type ListOptOutsQuery = Static<typeof ListOptOutsQuery>

export const AddOptOutsBody = Type.Object({
  phones: Type.Array(Type.String(), { minItems: 1, description: 'Phones as in a contact list: digits with the country code; +, spaces, dashes, dots and brackets are removed' })
}, { additionalProperties: false })
export type AddOptOutsBody = Static<typeof AddOptOutsBody>

export const OptOutParams = Type.Object({
  phone: Type.String({ minLength: 1, maxLength: 64 })
})
export type OptOutParams = Static<typeof OptOutParams>
