import type { FastifyInstance } from 'fastify'
import { ErrorResponse } from '../schemas/errors.js'

/**
 * Every route that reads a JSON body may refuse one past its `bodyLimit` (413) or of another type
 * (415), in the API's error shape: documented here once, for each route that declares a body.
 */
export function documentBodyErrors (app: FastifyInstance): void {
  app.addHook('onRoute', route => {
    if (route.schema?.body === undefined || route.schema.response === undefined) return
    route.schema.response = { 413: ErrorResponse, 415: ErrorResponse, ...(route.schema.response as Record<string, unknown>) }
  })
}
