import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorResponse } from '../schemas/errors.js'
import { CampaignPreflightBody, DraftPreflightBody, Preflight } from '../schemas/preflight.js'
import { CampaignParams } from '../schemas/requests.js'
import type { RoutesOptions } from './options.js'
import { tenantOf } from './tenant.js'

const tags = ['campaigns']
const description = 'Nothing is sent or stored. Recipients; the invalid, duplicate and opted-out rows; the template\'s verdict (the check every start goes through; not configured without `whatsapp.businessAccountId`); ' +
  "the sending number's messaging tier and quality rating (read from the Graph API, kept a minute) against the unique recipients it reached in the last 24 h plus this run's new ones: " +
  'whether the run fits and how many Meta would not deliver; the time the run takes at `sending.messagesPerSecond`; and a cost estimate by calling code from the `pricing` option ' +
  '(none is built in: without it the estimate says so). `warnings` says in words what should make a person think before sending.'

/** What a run would do, before it is started: for a form's Send now and for a host's own checks. */
export const preflightRoutes: FastifyPluginAsyncTypebox<RoutesOptions> = async (app, { service, bodyLimit }) => {
  app.post('/campaigns/:id/preflight', {
    schema: {
      tags,
      summary: 'What a run of every contact of the campaign would do, without sending anything',
      description: `${description} The body may be left out, or give the template's \`category\` for the estimate when no catalogue says it.`,
      params: CampaignParams,
      body: CampaignPreflightBody,
      response: { 200: Preflight, 400: ErrorResponse, 404: ErrorResponse }
    }
  }, async request => await service.preflight(tenantOf(request), request.params.id, request.body ?? undefined))

  app.post('/preflight', {
    bodyLimit,
    schema: {
      tags,
      summary: 'What a run of an unsaved draft (a body like POST /campaigns\') would do, without sending or storing anything',
      description: `${description} The contacts are read by the create's rules (the same limit, the same 400 past it).`,
      body: DraftPreflightBody,
      response: { 200: Preflight, 400: ErrorResponse }
    }
  }, async request => await service.preflightDraft(tenantOf(request), request.body))
}
