import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { CampaignSummary } from '../schemas/campaign.js'
import { ErrorResponse } from '../schemas/errors.js'
import { SendBulkBody } from '../schemas/requests.js'
import { templateCheckResponses } from '../schemas/templates.js'
import type { RoutesOptions } from './options.js'
import { tenantOf } from './tenant.js'

export const sendBulkRoutes: FastifyPluginAsyncTypebox<RoutesOptions> = async (app, { service, bodyLimit }) => {
  app.post('/send-bulk', {
    bodyLimit,
    schema: {
      tags: ['campaigns'],
      summary: 'Create a campaign from a recipient list and run it at once',
      description: 'Give the recipients as `contacts` ([{name, phone}]) or as `phoneNumbers`.',
      body: SendBulkBody,
      response: { 202: CampaignSummary, 400: ErrorResponse, ...templateCheckResponses }
    }
  }, async (request, reply) => {
    const campaign = await service.sendBulk(tenantOf(request), request.body)
    return await reply.code(202).send(campaign)
  })
}
