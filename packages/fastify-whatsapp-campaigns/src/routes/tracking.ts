import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorResponse } from '../schemas/errors.js'
import { AddedOptOuts, Analytics, OptOut, RunStats } from '../schemas/tracking.js'
import { AddOptOutsBody, AnalyticsQuery, CampaignParams, ListOptOutsQuery, OptOutParams, StatsQuery } from '../schemas/requests.js'
import type { RoutesOptions } from './options.js'
import { tenantOf } from './tenant.js'

const errors = { 400: ErrorResponse, 404: ErrorResponse }

/** What status webhooks made of the campaigns, and the tenant's opt-out list. */
export const trackingRoutes: FastifyPluginAsyncTypebox<RoutesOptions> = async (app, { service, bodyLimit }) => {
  app.get('/campaigns/:id/stats', {
    schema: {
      tags: ['analytics'],
      summary: "A run's figures: counts and rates, failures by error code, and a per-minute timeline",
      description: 'The latest run, or `run`. Rates are shares (0 to 1) of the recipients the run messaged (its total less the skipped).',
      params: CampaignParams,
      querystring: StatsQuery,
      response: { 200: RunStats, ...errors }
    }
  }, async request => await service.stats(tenantOf(request), request.params.id, request.query))

  app.get('/analytics', {
    schema: {
      tags: ['analytics'],
      summary: "The tenant's figures over the runs started in a period (default: the last 30 days)",
      querystring: AnalyticsQuery,
      response: { 200: Analytics, 400: ErrorResponse }
    }
  }, async request => await service.analytics(tenantOf(request), request.query))

  app.get('/opt-outs', {
    schema: {
      tags: ['opt-outs'],
      summary: 'The phones that asked not to be messaged, in order; page on with `after` (the last phone)',
      querystring: ListOptOutsQuery,
      response: { 200: Type.Array(OptOut), 400: ErrorResponse }
    }
  }, async request => await service.optOuts(tenantOf(request), request.query))

  app.post('/opt-outs', {
    bodyLimit,
    schema: {
      tags: ['opt-outs'],
      summary: 'Add phones to the opt-out list (your own unsubscribe list): runs skip them from their next claim',
      body: AddOptOutsBody,
      response: { 200: AddedOptOuts, 400: ErrorResponse }
    }
  }, async request => await service.addOptOuts(tenantOf(request), request.body))

  app.delete('/opt-outs/:phone', {
    schema: {
      tags: ['opt-outs'],
      summary: 'Take a phone off the opt-out list',
      params: OptOutParams,
      response: { 204: Type.Null(), ...errors }
    }
  }, async (request, reply) => {
    await service.removeOptOut(tenantOf(request), request.params.phone)
    return await reply.code(204).send(null)
  })
}
