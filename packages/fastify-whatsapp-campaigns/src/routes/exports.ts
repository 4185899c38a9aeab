import type { Readable } from 'node:stream'
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorResponse } from '../schemas/errors.js'
import { CampaignParams, ExportMessagesQuery } from '../schemas/requests.js'
import { messageCsvColumns, messagesCsv } from './messages-csv.js'
import type { RoutesOptions } from './options.js'
import { tenantOf } from './tenant.js'

/** Downloads: a run's per-recipient results as a file, streamed from the store a page at a time. */
export const exportRoutes: FastifyPluginAsyncTypebox<RoutesOptions> = async (app, { service }) => {
  app.get('/campaigns/:id/messages.csv', {
    schema: {
      tags: ['campaigns'],
      summary: 'Per-recipient results of the latest run, or of `run`, as a CSV file; `status` for one status only (e.g. the failures)',
      description: `Streamed: read from the store a page at a time, so a run of any size downloads in little memory. Columns: ${messageCsvColumns.join(', ')}. ` +
        "UTF-8 with a BOM, CRLF between records; a cell that starts with =, +, -, @, a tab or a carriage return gets a leading ' so that a spreadsheet shows it as text. " +
        'A campaign that never ran gives the header alone.',
      params: CampaignParams,
      querystring: ExportMessagesQuery,
      response: {
        200: {
          description: 'The CSV file (attachment `campaign-<id>-<status or all>.csv`)',
          // A string to OpenAPI; to the handler, the stream it sends.
          content: { 'text/csv': { schema: Type.Unsafe<string | Readable>(Type.String()) } }
        },
        400: ErrorResponse,
        404: ErrorResponse
      }
    }
  }, async (request, reply) => {
    const { id } = request.params
    // Awaited before the first byte: an unknown campaign or run is a 404 in the API's error shape.
    const messages = await service.exportMessages(tenantOf(request), id, request.query)
    const csv = messagesCsv(messages, error => { request.log.error({ err: error, campaignId: id }, 'the CSV export stopped') })
    return await reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="campaign-${id}-${request.query.status ?? 'all'}.csv"`)
      .send(csv)
  })
}
