import { Type, type Static } from '@sinclair/typebox'
import { ErrorCode } from './campaign.js'
import { CampaignRun } from './run.js'

/**
 * Shares of the recipients a run messaged (its total less the skipped), from 0 to 1: what the counts
 * are as percentages, computed once so that every client shows the same figures.
 */
export const DeliveryRates = Type.Object({
  sent: Type.Number({ description: 'Accepted by Meta (sent, delivered or read)' }),
  delivered: Type.Number({ description: 'Delivered or read' }),
  read: Type.Number(),
  replied: Type.Number(),
  failed: Type.Number()
}, { title: 'DeliveryRates' })
export type DeliveryRates = Static<typeof DeliveryRates>

export const FailureGroup = Type.Object({
  code: ErrorCode,
  title: Type.String(),
  count: Type.Integer()
})

export const TimelineMinute = Type.Object({
  minute: Type.String({ format: 'date-time', description: 'The start of the minute (UTC)' }),
  sent: Type.Integer(),
  delivered: Type.Integer({ description: 'Delivered or read: a read message whose delivered status is missing counts at its read time' }),
  read: Type.Integer(),
  failed: Type.Integer()
})

export const RunStats = Type.Object({
  campaignId: Type.Integer(),
  run: CampaignRun,
  rates: DeliveryRates,
  failures: Type.Array(FailureGroup, { description: "The run's failures by error code and title, most frequent first" }),
  timeline: Type.Array(TimelineMinute, { description: 'Per minute, by the timestamps of each event: for a chart' })
}, { title: 'RunStats' })
export type RunStats = Static<typeof RunStats>

export const Analytics = Type.Object({
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
  campaigns: Type.Integer({ description: 'Campaigns with a run started in the period' }),
  runs: Type.Integer(),
  totalCount: Type.Integer(),
  successCount: Type.Integer(),
  failedCount: Type.Integer(),
  deliveredCount: Type.Integer(),
  readCount: Type.Integer(),
  repliedCount: Type.Integer(),
  skippedCount: Type.Integer(),
  rates: DeliveryRates
}, { title: 'Analytics' })
export type Analytics = Static<typeof Analytics>

export const OptOutSource = Type.Union(
  [Type.Literal('keyword'), Type.Literal('preference'), Type.Literal('error'), Type.Literal('api')],
  { description: "keyword: the recipient sent a stop word; preference: WhatsApp's own marketing opt-out; error: Meta refused a send with 131050; api: added through POST /opt-outs" }
)

export type OptOutSource = Static<typeof OptOutSource>

export const OptOut = Type.Object({
  phone: Type.String(),
  source: OptOutSource,
  createdAt: Type.String({ format: 'date-time' })
}, { title: 'OptOut' })
export type OptOut = Static<typeof OptOut>

export const AddedOptOuts = Type.Object({
  added: Type.Integer({ description: 'Phones new to the list' }),
  listed: Type.Integer({ description: 'Distinct valid phones given (those already on the list stay as they were)' })
})
export type AddedOptOuts = Static<typeof AddedOptOuts>
