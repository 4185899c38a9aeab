import { Type, type Static } from '@sinclair/typebox'
import { CampaignSummary, deliveryCountFields, RunError, RunProgressFigures } from './campaign.js'

/** The states of a run; a campaign shows its latest run's. */
export const CampaignRunStatus = Type.Union(
  [Type.Literal('running'), Type.Literal('paused'), Type.Literal('completed'), Type.Literal('failed'), Type.Literal('cancelled')],
  { description: 'running and paused: under way (one run at a time); completed, failed, cancelled: over' }
)
export type CampaignRunStatus = Static<typeof CampaignRunStatus>

/** One run (or rerun) of a campaign, as its history shows it. */
export const CampaignRun = Type.Object({
  id: Type.Integer({ description: 'The run: `GET /campaigns/:id/messages?run=<id>` reads its messages' }),
  recipients: Type.Union([Type.Literal('all'), Type.Literal('failed')], {
    description: 'all: every contact; failed: the recipients whose message failed in the run before it (`{"only": "failed"}`)'
  }),
  templateName: Type.String({ description: 'What it sent, fixed when it started' }),
  language: Type.String(),
  status: CampaignRunStatus,
  totalCount: Type.Integer(),
  successCount: Type.Integer(),
  failedCount: Type.Integer(),
  ...deliveryCountFields,
  error: Type.Optional(RunError),
  progress: Type.Optional(RunProgressFigures),
  startedAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'null while it is under way' })
}, { title: 'CampaignRun' })
export type CampaignRun = Static<typeof CampaignRun>

/** The answer to a cancel: the campaign, with its counts final unless `settling` says otherwise. */
export const CancelledCampaign = Type.Composite([
  CampaignSummary,
  Type.Object({
    settling: Type.Optional(Type.Literal(true, {
      description: 'Present when sends in flight were still being recorded as the answer was made (a slow answer from Meta, or another server instance): read the campaign again for the final counts'
    }))
  })
], { title: 'CancelledCampaign' })
export type CancelledCampaign = Static<typeof CancelledCampaign>
