import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify'
import { UnsupportedMediaTypeError } from '../errors.js'
import type { ResolvedOptions } from '../options.js'
import type { InvalidRow } from '../schemas/errors.js'
import { documentBodyErrors } from './body-errors.js'
import { campaignRoutes } from './campaigns.js'
import { contactsCheckRoutes } from './contacts-check.js'
import { errorBody } from './error-body.js'
import { exportRoutes } from './exports.js'
import type { RoutesOptions } from './options.js'
import { limitRequests } from './rate-limit.js'
import { sendBulkRoutes } from './send-bulk.js'
import { preflightRoutes } from './preflight.js'
import { setTenant } from './tenant.js'
import { templateRoutes } from './templates.js'
import { trackingRoutes } from './tracking.js'
import { validatorCompiler } from './validation.js'

export interface ApiOptions extends RoutesOptions {
  hooks: ResolvedOptions['hooks']
  tenant: ResolvedOptions['tenant']
  rateLimit: ResolvedOptions['rateLimit']
}

/** The encapsulated API: its own validation and error shape, the host's hooks, then the routes. */
export async function campaignsApi (app: FastifyInstance, options: ApiOptions): Promise<void> {
  app.setValidatorCompiler(validatorCompiler)
  app.setErrorHandler(errorHandler)
  // POST /run and the lifecycle routes need no body; clients that send the JSON header anyway are not refused.
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') done(null, undefined)
    else parseJson(request, body as string, done)
  })
  // The bodies are JSON: a text one (fetch's default for a string) is a 415 saying so, not a
  // confusing "must be an object". An empty body of any type is no body, as on the routes that take none.
  app.removeContentTypeParser('text/plain')
  app.addContentTypeParser('*', (request, _payload, done) => {
    const length = request.headers['content-length']
    const empty = length === '0' || (length === undefined && request.headers['transfer-encoding'] === undefined)
    if (empty) done(null, undefined)
    else done(new UnsupportedMediaTypeError(request.headers['content-type'] ?? 'none given'))
  })

  documentBodyErrors(app)
  if (options.rateLimit !== false) await limitRequests(app, options.rateLimit)
  for (const hook of options.hooks.onRequest) app.addHook('onRequest', hook)
  for (const hook of options.hooks.preHandler) app.addHook('preHandler', hook)
  app.decorateRequest('whatsappTenant', '')
  // After the host's hooks, so a tenant function can read what its authentication set.
  app.addHook('preHandler', async (request: FastifyRequest) => { await setTenant(request, options.tenant) })

  const routes: RoutesOptions = { service: options.service, bodyLimit: options.bodyLimit }
  await app.register(campaignRoutes, routes)
  await app.register(sendBulkRoutes, routes)
  await app.register(trackingRoutes, routes)
  await app.register(preflightRoutes, routes)
  await app.register(exportRoutes, routes)
  await app.register(contactsCheckRoutes, routes)
  await app.register(templateRoutes, routes)
}

/**
 * Client errors in Fastify's shape, with the refused rows when there are any; anything else goes on to
 * the host's error handler.
 */
export function errorHandler (error: FastifyError & { details?: InvalidRow[] }, request: FastifyRequest, reply: import('fastify').FastifyReply): unknown {
  const statusCode = error.statusCode ?? 500
  if (statusCode >= 500) throw error
  const code = error.code ?? (error.validation !== undefined ? 'FST_ERR_VALIDATION' : 'FST_ERR_BAD_REQUEST')
  // Fastify's own 415 (a content type it cannot even read) says what is wrong, not what to do.
  const message = statusCode === 415 && !error.message.includes('application/json')
    ? new UnsupportedMediaTypeError(request.headers['content-type'] ?? 'none given').message
    : error.message
  request.log.info({ statusCode, code, message }, 'request refused')
  return reply.code(statusCode).send(errorBody(statusCode, message, code, error.details))
}
