import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorResponse } from '../schemas/errors.js'
import { ListTemplatesQuery, Template } from '../schemas/templates.js'
import type { RoutesOptions } from './options.js'
import { tenantOf } from './tenant.js'

/** The business account's templates, for a picker and for host apps. */
export const templateRoutes: FastifyPluginAsyncTypebox<RoutesOptions> = async (app, { service }) => {
  app.get('/templates', {
    schema: {
      tags: ['templates'],
      summary: "The templates of the tenant's WhatsApp business account: status, category, body text and the parameters each component needs",
      description: 'Read from the Graph API (`GET /{waba-id}/message_templates`, every page) and kept for `templates.cacheTtlMs` (60 s unless configured); status webhooks update it at once. ' +
        'Without `whatsapp.businessAccountId` the list is empty (200 `[]`) and templates are not checked. 502 when the Graph API could not be read.',
      querystring: ListTemplatesQuery,
      response: { 200: Type.Array(Template), 400: ErrorResponse, 502: ErrorResponse }
    }
  }, async request => await service.templates(tenantOf(request), request.query))
}
