import { Type, type Static } from '@sinclair/typebox'

/** The states a campaign moves through; which move is allowed when lives in campaigns/transitions.ts. */
export const CampaignStatus = Type.Union(
  [
    Type.Literal('draft'), Type.Literal('scheduled'), Type.Literal('running'), Type.Literal('paused'),
    Type.Literal('completed'), Type.Literal('failed'), Type.Literal('cancelled')
  ],
  { description: 'draft: never run; scheduled: starts by itself at scheduledAt; running: a run is under way; paused: a run is stopped and can be resumed (by you, or by the engine when errors passed the threshold: see error); completed: the last run finished (recipients may have failed, the counts say so); failed: the last run could not go on (see error); cancelled: the last run was stopped for good' }
)
export type CampaignStatus = Static<typeof CampaignStatus>
export const campaignStatuses: readonly CampaignStatus[] = ['draft', 'scheduled', 'running', 'paused', 'completed', 'failed', 'cancelled']

/** A recipient's state in a run; delivered and read come from Meta's status webhooks. */
export const MessageStatus = Type.Union(
  [Type.Literal('pending'), Type.Literal('sent'), Type.Literal('delivered'), Type.Literal('read'), Type.Literal('failed'), Type.Literal('skipped')],
  { description: "pending: not sent yet (or its send's outcome is not known yet); sent: Meta accepted it; delivered: it reached the phone; read: the recipient opened it; failed: see error; skipped: never sent, the phone is on the opt-out list" }
)
export type MessageStatus = Static<typeof MessageStatus>
export const messageStatuses: readonly MessageStatus[] = ['pending', 'sent', 'delivered', 'read', 'failed', 'skipped']

/** Meta's numeric error code, or one of ours in upper case (NETWORK_ERROR, UNKNOWN_OUTCOME, RUN_HALTED…). */
export const ErrorCode = Type.Union([Type.Integer(), Type.String()])
export type ErrorCode = Static<typeof ErrorCode>

export const MessageError = Type.Object({
  code: ErrorCode,
  title: Type.String()
})
export type MessageError = Static<typeof MessageError>

export const RunError = Type.Object({
  code: ErrorCode,
  title: Type.String(),
  message: Type.String()
})
export type RunError = Static<typeof RunError>

/** Body parameters of the template: `{{1}}`, `{{2}}`… in order. `{{name}}` and `{{phone}}` are replaced per recipient. */
export const TemplateParameters = Type.Array(Type.String({ maxLength: 1024 }), { maxItems: 100 })

export const Contact = Type.Object({
  name: Type.Optional(Type.Union([Type.String({ maxLength: 256 }), Type.Null()])),
  phone: Type.String({ description: 'Digits with the country code; +, spaces, dashes, dots and brackets are removed' }),
  parameters: Type.Optional(Type.Union([TemplateParameters, Type.Null()]))
})
export type Contact = Static<typeof Contact>

function NullableTime (description: string) {
  return Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description })
}

/** What status webhooks and the opt-out list made of a run's recipients, beside its sent and failed counts. */
export const deliveryCountFields = {
  deliveredCount: Type.Integer({ description: 'Recipients whose message reached their phone (delivered or read)' }),
  readCount: Type.Integer({ description: 'Recipients who read it' }),
  repliedCount: Type.Integer({ description: 'Recipients who answered it' }),
  skippedCount: Type.Integer({ description: 'Recipients not messaged: on the opt-out list' })
}

export const Message = Type.Object({
  phone: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  status: MessageStatus,
  messageId: Type.Union([Type.String(), Type.Null()], { description: 'The wamid Meta gave the message' }),
  error: Type.Optional(MessageError),
  attempts: Type.Integer(),
  position: Type.Integer({ description: 'Place in the run; the keyset cursor for `after`' }),
  sentAt: NullableTime('When Meta accepted it (the timestamp of its `sent` status once that came)'),
  deliveredAt: NullableTime("When it reached the recipient's phone (Meta's status webhook)"),
  readAt: NullableTime('When the recipient read it (Meta\'s status webhook)'),
  repliedAt: NullableTime('When the recipient first answered it'),
  updatedAt: Type.String({ format: 'date-time' })
})
export type Message = Static<typeof Message>

/** Live figures of the latest run while it is running or paused. */
export const RunProgressFigures = Type.Object({
  sent: Type.Integer({ description: 'Recipients Meta accepted so far' }),
  failed: Type.Integer(),
  pending: Type.Integer({ description: 'Recipients not settled yet (neither sent, failed nor skipped)' }),
  ratePerSecond: Type.Number({ description: 'Recipients settled per second over the last few seconds' }),
  averageRatePerSecond: Type.Number({ description: 'Recipients settled per second since the run started' }),
  etaSeconds: Type.Union([Type.Number(), Type.Null()], { description: 'Time left at the current rate; null when nothing moves' }),
  startedAt: Type.String({ format: 'date-time' })
})
export type RunProgressFigures = Static<typeof RunProgressFigures>

const campaignFields = {
  id: Type.Integer(),
  name: Type.String(),
  templateName: Type.String(),
  language: Type.String(),
  parameters: TemplateParameters,
  status: CampaignStatus,
  totalCount: Type.Integer({ description: "A draft's number of contacts; during and after a run, the run's recipients" }),
  contactCount: Type.Integer({ minimum: 0, description: 'The contact list\'s length (a rerun of the failed sends to fewer: see totalCount)' }),
  successCount: Type.Integer({ description: 'Recipients Meta accepted: sent, delivered or read' }),
  failedCount: Type.Integer(),
  ...deliveryCountFields,
  error: Type.Optional(RunError),
  scheduledAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'When a scheduled campaign starts by itself' }),
  progress: Type.Optional(RunProgressFigures),
  startedAt: NullableTime('When the latest run started; null when the campaign never ran'),
  finishedAt: NullableTime('When the latest run completed, failed or was cancelled; null while under way or never run'),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' })
}

/** What the list shows: a campaign without its contacts and messages. */
export const CampaignSummary = Type.Object(campaignFields, { title: 'CampaignSummary' })
export type CampaignSummary = Static<typeof CampaignSummary>

const campaignCount = (description: string) => Type.Integer({ minimum: 0, description })

/** How many campaigns are in each status (every status, zero when none), for a list's filter. */
export const CampaignCounts = Type.Object({
  all: campaignCount('Every campaign the search matches'),
  draft: campaignCount('Never run'),
  scheduled: campaignCount('Waiting for their scheduledAt'),
  running: campaignCount('A run under way'),
  paused: campaignCount('A run stopped, to be resumed'),
  completed: campaignCount('The last run finished (some recipients may have failed: see failedCount)'),
  failed: campaignCount('The last run could not go on'),
  cancelled: campaignCount('The last run was stopped for good')
}, { title: 'CampaignCounts' })
export type CampaignCounts = Static<typeof CampaignCounts>

/** A contact of the list with its place in it: what `GET /campaigns/:id/contacts` pages through. */
export const ListedContact = Type.Object({
  position: Type.Integer({ description: 'Place in the list, 1…n; the keyset cursor for `after`' }),
  phone: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  parameters: Type.Union([TemplateParameters, Type.Null()])
})
export type ListedContact = Static<typeof ListedContact>

/**
 * One campaign with its contacts and the latest run's messages, each up to the plugin's `inlineLimit`:
 * a longer list is cut to its first `inlineLimit` entries and flagged, and the rest is read through
 * the paged routes, so that the answer's size is bounded however large the campaign.
 */
export const Campaign = Type.Object(
  {
    ...campaignFields,
    contacts: Type.Array(Contact, { description: 'The contact list in order; only its first `inlineLimit` when contactsTruncated' }),
    contactsTruncated: Type.Optional(Type.Literal(true, {
      description: 'Present when the list is longer than `inlineLimit`: the rest is at GET /campaigns/:id/contacts?after=<inlineLimit>'
    })),
    messages: Type.Array(Message, { description: "The latest run's messages in order; only its first `inlineLimit` when messagesTruncated" }),
    messagesTruncated: Type.Optional(Type.Literal(true, {
      description: 'Present when the run has more messages than `inlineLimit`: the rest is at GET /campaigns/:id/messages?after=<the last position shown>'
    }))
  },
  { title: 'Campaign' }
)
export type Campaign = Static<typeof Campaign>
