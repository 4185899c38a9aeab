import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Campaign, CampaignCounts, CampaignSummary, ListedContact, Message } from '../schemas/campaign.js'
import { ErrorResponse } from '../schemas/errors.js'
import { templateCheckResponses } from '../schemas/templates.js'
import { CampaignRun, CancelledCampaign } from '../schemas/run.js'
import { CampaignCountsQuery, CampaignParams, CreateCampaignBody, ListCampaignsQuery, ListContactsQuery, ListMessagesQuery, RunCampaignBody, UpdateCampaignBody } from '../schemas/requests.js'
import type { RoutesOptions } from './options.js'
import { tenantOf } from './tenant.js'

const tags = ['campaigns']
const errors = { 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse }

export const campaignRoutes: FastifyPluginAsyncTypebox<RoutesOptions> = async (app, { service, bodyLimit }) => {
  app.post('/campaigns', {
    bodyLimit,
    schema: {
      tags,
      summary: 'Create a campaign (a draft)',
      description: 'Answers the campaign with its first `inlineLimit` contacts (1,000 unless configured); a longer list is flagged `contactsTruncated` and read through GET /campaigns/:id/contacts.',
      body: CreateCampaignBody,
      response: { 201: Campaign, 400: ErrorResponse, ...templateCheckResponses }
    }
  }, async (request, reply) => {
    const campaign = await service.create(tenantOf(request), request.body)
    return await reply.code(201).send(campaign)
  })

  app.get('/campaigns', {
    schema: {
      tags,
      summary: 'List campaigns, newest first, without contacts and messages',
      description: '`q` finds the campaigns whose name holds a text, case aside; `X-Total-Count` is the number of matches of `status` and `q`.',
      querystring: ListCampaignsQuery,
      response: { 200: Type.Array(CampaignSummary), 400: ErrorResponse }
    }
  }, async (request, reply) => {
    const { items, total } = await service.list(tenantOf(request), request.query)
    return await reply.header('x-total-count', total).send(items)
  })

  app.get('/campaigns/counts', {
    schema: {
      tags,
      summary: 'How many campaigns are in each status, and in all, for a status filter; `q` as on GET /campaigns',
      querystring: CampaignCountsQuery,
      response: { 200: CampaignCounts, 400: ErrorResponse }
    }
  }, async request => await service.counts(tenantOf(request), request.query))

  app.get('/campaigns/:id', {
    schema: {
      tags,
      summary: "A campaign with its contacts and the latest run's messages",
      description: 'Each list inline up to `inlineLimit` entries (1,000 unless configured); beyond it, the first `inlineLimit` in order with `contactsTruncated` / `messagesTruncated: true`, and the rest through GET /campaigns/:id/contacts and /messages with `after`.',
      params: CampaignParams,
      response: { 200: Campaign, ...errors }
    }
  }, async request => await service.get(tenantOf(request), request.params.id))

  app.get('/campaigns/:id/summary', {
    schema: {
      tags,
      summary: 'A campaign as the list shows it, without its contacts and messages',
      description: 'What a page that follows one campaign should poll: its figures, live progress and times cost one row, however many recipients it has.',
      params: CampaignParams,
      response: { 200: CampaignSummary, ...errors }
    }
  }, async request => await service.summary(tenantOf(request), request.params.id))

  app.put('/campaigns/:id', {
    bodyLimit,
    schema: {
      tags,
      summary: 'Edit a campaign; contacts, when given, replace the list',
      description: 'Answers the campaign as GET /campaigns/:id does: contacts and messages inline up to `inlineLimit` entries.',
      params: CampaignParams,
      body: UpdateCampaignBody,
      response: { 200: Campaign, ...errors, ...templateCheckResponses }
    }
  }, async request => await service.update(tenantOf(request), request.params.id, request.body))

  app.delete('/campaigns/:id', {
    schema: {
      tags,
      summary: 'Delete a campaign and its history',
      params: CampaignParams,
      response: { 204: Type.Null(), ...errors }
    }
  }, async (request, reply) => {
    await service.delete(tenantOf(request), request.params.id)
    return await reply.code(204).send(null)
  })

  app.post('/campaigns/:id/run', {
    schema: {
      tags,
      summary: 'Run or rerun a campaign in the background',
      description: 'With `{"only": "failed"}`, only the recipients whose message failed in the last run. The body may be left out.',
      params: CampaignParams,
      body: RunCampaignBody,
      response: { 202: CampaignSummary, ...errors, ...templateCheckResponses }
    }
  }, async (request, reply) => {
    const campaign = await service.run(tenantOf(request), request.params.id, request.body?.only)
    return await reply.code(202).send(campaign)
  })

  const lifecycle = [
    ['pause', 'Pause a running campaign: no new sends; those in flight finish and are recorded'],
    ['resume', 'Resume a paused campaign where it stopped']
  ] as const
  for (const [action, summary] of lifecycle) {
    app.post(`/campaigns/:id/${action}`, {
      schema: { tags, summary, params: CampaignParams, response: { 200: CampaignSummary, ...errors, ...(action === 'resume' ? templateCheckResponses : {}) } }
    }, async request => await service[action](tenantOf(request), request.params.id))
  }

  app.get('/campaigns/:id/contacts', {
    schema: {
      tags,
      summary: 'The contact list in order, a page at a time; page on with `after` (the last contact\'s position)',
      params: CampaignParams,
      querystring: ListContactsQuery,
      response: { 200: Type.Array(ListedContact), ...errors }
    }
  }, async request => await service.contacts(tenantOf(request), request.params.id, request.query))

  app.post('/campaigns/:id/cancel', {
    schema: {
      tags,
      summary: 'Stop a campaign for good: recipients not sent yet fail with CANCELLED; a scheduled one is unscheduled',
      description: 'Answers once the sends in flight are recorded, so the counts are final; if that takes more than a few seconds, it answers with `settling: true`.',
      params: CampaignParams,
      response: { 200: CancelledCampaign, ...errors }
    }
  }, async request => await service.cancel(tenantOf(request), request.params.id))

  app.get('/campaigns/:id/messages', {
    schema: {
      tags,
      summary: "Per-recipient results of the latest run, or of `run`, in order; page on with `after` (the last message's position)",
      params: CampaignParams,
      querystring: ListMessagesQuery,
      response: { 200: Type.Array(Message), ...errors }
    }
  }, async request => await service.messages(tenantOf(request), request.params.id, request.query))

  app.get('/campaigns/:id/runs', {
    schema: {
      tags,
      summary: 'Every run and rerun of the campaign, newest first: whom it sent to, what, its counts, status and times',
      description: "A run's messages are at `GET /campaigns/:id/messages?run=<id>`.",
      params: CampaignParams,
      response: { 200: Type.Array(CampaignRun), ...errors }
    }
  }, async request => await service.runs(tenantOf(request), request.params.id))
}
