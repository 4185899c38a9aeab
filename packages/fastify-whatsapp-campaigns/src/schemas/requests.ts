import { Type, type Static } from '@sinclair/typebox'
import { CampaignStatus, Contact, MessageStatus, TemplateParameters } from './campaign.js'

// Unknown fields are let through and ignored, not refused: the original app's frontend sends back
// whole objects (contact `id`, `campaignId`, `createdAt`, a campaign's `scheduleType`…).

const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' })
export const TemplateName = Type.String({ pattern: '^[a-z0-9_]{1,512}$', description: "The approved template's name" })
export const Language = Type.String({ pattern: '^[a-z]{2,3}(_[A-Za-z]{2,4})?$', description: '`en`, `en_US`, `pt_BR`…', default: 'en' })

export const CampaignParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: 2147483647 })
})
export type CampaignParams = Static<typeof CampaignParams>

const isoDateTime = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$'
export const ScheduledAt = Type.Union([
  Type.String({ pattern: isoDateTime, description: 'ISO 8601 with a time zone: YYYY-MM-DDThh:mm:ssZ, or an offset such as +05:30 in place of Z' }),
  Type.Null()
], { description: 'Start the campaign by itself at this time (a time in the past starts it at once); null: not scheduled' })

export const CreateCampaignBody = Type.Object({
  name: Name,
  templateName: TemplateName,
  language: Type.Optional(Language),
  parameters: Type.Optional(TemplateParameters),
  contacts: Type.Optional(Type.Array(Contact)),
  scheduledAt: Type.Optional(ScheduledAt)
})
export type CreateCampaignBody = Static<typeof CreateCampaignBody>

/** Any of the fields of a new campaign; absent ones stay as they are. */
export const UpdateCampaignBody = Type.Partial(CreateCampaignBody)
export type UpdateCampaignBody = Static<typeof UpdateCampaignBody>

export const RunCampaignBody = Type.Union([
  Type.Object({
    only: Type.Optional(Type.Union([Type.Literal('all'), Type.Literal('failed')], {
      description: 'all (default): every contact; failed: only the recipients whose message failed in the last run'
    }))
  }),
  Type.Null()
])
export type RunCampaignBody = Static<typeof RunCampaignBody>

export const ListCampaignsQuery = Type.Object({
  status: Type.Optional(CampaignStatus),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  offset: Type.Integer({ minimum: 0, maximum: 2147483647, default: 0 })
})
export type ListCampaignsQuery = Static<typeof ListCampaignsQuery>

export const ListMessagesQuery = Type.Object({
  status: Type.Optional(MessageStatus),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  after: Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483647, description: 'The `position` of the last message of the previous page' })),
  run: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647, description: 'The run whose messages to read (an `id` from `GET /campaigns/:id/runs`); default: the latest' }))
})
export type ListMessagesQuery = Static<typeof ListMessagesQuery>

export const SendBulkBody = Type.Object({
  templateName: TemplateName,
  name: Type.Optional(Name),
  language: Type.Optional(Language),
  parameters: Type.Optional(TemplateParameters),
  contacts: Type.Optional(Type.Array(Contact, { minItems: 1 })),
  phoneNumbers: Type.Optional(Type.Array(Type.String(), { minItems: 1 }))
})
export type SendBulkBody = Static<typeof SendBulkBody>
