import { Type } from '@sinclair/typebox'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify'
import { UnsupportedMediaTypeError } from '../errors.js'
import type { ResolvedWebhookOptions } from '../options.js'
import { ErrorResponse } from '../schemas/errors.js'
import {
  WebhookBodyError,
  WebhookInvalidJsonError,
  WebhookNotConfiguredError,
  WebhookSignatureError,
  WebhookStoreError,
  WebhookVerificationError
} from '../webhooks/errors.js'
import type { WebhookIntake } from '../webhooks/intake.js'
import type { QualityPauser } from '../webhooks/quality-pauser.js'
import { hasReports } from '../webhooks/merge-reports.js'
import { storableJson } from '../webhooks/storable-json.js'
import { keywordReader, type KeywordReader } from '../whatsapp/keywords.js'
import { parseWebhookBody } from '../whatsapp/webhook-payload.js'
import { sameSecret, signatureHeader, verifyWebhookSignature } from '../whatsapp/webhook-signature.js'
import { errorBody } from './error-body.js'
import { errorHandler } from './index.js'

/** Meta's payloads reach 3 MB; the headroom is for whatever it adds around them. */
export const webhookBodyLimit = 3 * 1024 * 1024 + 256 * 1024

export interface WebhookRoutesOptions {
  webhook: ResolvedWebhookOptions
  intake: WebhookIntake
  /** Pauses the runs of a number whose quality dropped. */
  quality: QualityPauser
}

const tags = ['webhooks']

/** What Meta is told once its events are stored. */
const WebhookReceived = Type.Object({ received: Type.Literal(true) }, { description: 'The events are stored (Meta sends anything else again)' })

/**
 * Meta's webhook endpoint: its verification (GET) and its signed events (POST). Outside the host's
 * hooks: Meta sends no credentials of the host's, and the signature is its authentication.
 */
export async function webhookRoutes (app: FastifyInstance, options: WebhookRoutesOptions): Promise<void> {
  const { appSecret, verifyToken } = options.webhook
  app.setErrorHandler(errorHandler)
  // The signature covers the exact bytes: the body is kept as they came, and parsed only once they verify.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: webhookBodyLimit }, (_request, body, done) => { done(null, body) })

  app.get('/webhook', {
    schema: {
      tags,
      summary: "Meta's verification of the webhook URL",
      description: 'Answers `hub.challenge` when `hub.mode` is `subscribe` and `hub.verify_token` is the configured `webhook.verifyToken`.',
      response: {
        200: { description: 'The challenge, as it came', content: { 'text/plain': { schema: Type.String() } } },
        403: ErrorResponse
      }
    },
    // The verify token comes in the query string: the request's log line shows the URL without it.
    logSerializers: { req: requestWithoutToken }
  }, async (request, reply) => {
    const query = request.query as Record<string, unknown>
    if (verifyToken === undefined) throw new WebhookVerificationError('no verify token is configured: give the plugin the option webhook.verifyToken, the token typed into the Meta app\'s webhook settings')
    if (query['hub.mode'] !== 'subscribe') throw new WebhookVerificationError('hub.mode must be subscribe')
    const token = query['hub.verify_token']
    if (typeof token !== 'string' || !sameSecret(token, verifyToken)) throw new WebhookVerificationError('hub.verify_token is not the configured verify token')
    const challenge = query['hub.challenge']
    if (typeof challenge !== 'string' || challenge === '') throw new WebhookVerificationError('hub.challenge is missing')
    // The challenge is echoed as it came: plain text, never sniffed into anything a browser would run.
    return await reply.type('text/plain; charset=utf-8').header('x-content-type-options', 'nosniff').send(challenge)
  })

  const post = {
    bodyLimit: webhookBodyLimit,
    schema: {
      tags,
      summary: "Meta's signed webhook events: delivery statuses, replies, opt-outs",
      description: 'Checks `X-Hub-Signature-256` against `webhook.appSecret` over the raw body, stores the events, then answers 200. With a PostgreSQL store, statuses are journaled and applied a moment after the answer; replies and opt-outs are applied before it.',
      response: { 200: WebhookReceived, 400: ErrorResponse, 401: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse, 503: ErrorResponse }
    }
  }
  if (appSecret === undefined) {
    // Answered before any body is read: without the secret no event can be trusted.
    app.post('/webhook', { ...post, onRequest: async (_request, reply) => await refuse(reply, new WebhookNotConfiguredError()) }, async () => {})
  } else {
    app.post('/webhook', post, receiveEvents(appSecret, keywordReader(options.webhook), options.intake, options.quality))
  }
}

function receiveEvents (appSecret: string, readKeyword: KeywordReader, intake: WebhookIntake, quality: QualityPauser): RouteHandlerMethod {
  return async function (request, reply) {
    const body = request.body
    if (!Buffer.isBuffer(body)) throw new UnsupportedMediaTypeError(request.headers['content-type'] ?? 'none given')
    const signature = request.headers[signatureHeader]
    if (!verifyWebhookSignature(body, signature, appSecret)) {
      throw new WebhookSignatureError(signature === undefined
        ? 'X-Hub-Signature-256 is missing: events are accepted only signed with the app secret'
        : 'X-Hub-Signature-256 is not the signature of this body with the configured app secret')
    }
    let json: unknown
    try {
      json = storableJson(body)
    } catch {
      throw new WebhookInvalidJsonError()
    }
    const parsed = parseWebhookBody(json, readKeyword)
    if (!parsed.ok) throw new WebhookBodyError(parsed.reason)
    const { reports, ignored, systemErrors, whatsapp, numbers, qualityPauses } = parsed.webhook
    quality.learn(numbers)
    if (systemErrors.length > 0) request.log.warn({ systemErrors: systemErrors.slice(0, 10), count: systemErrors.length }, 'whatsapp webhook: Meta reported system-level errors')

    if (hasReports(reports)) {
      try {
        await intake.receive(reports)
      } catch (error) {
        request.log.error({ err: error }, 'whatsapp webhook: the events could not be stored; Meta will send them again')
        return await refuse(reply, new WebhookStoreError())
      }
    }
    if (qualityPauses.length > 0) {
      try {
        const { paused, unknown } = await quality.apply(qualityPauses, request.log)
        if (unknown.length > 0) request.log.warn({ displayPhoneNumbers: unknown }, 'whatsapp webhook: a quality update asks to pause the runs of a number no status webhook has named yet; none paused')
        request.log.info({ paused }, 'whatsapp webhook: quality update applied')
      } catch (error) {
        // The events are stored; Meta sends the whole body again, and its pause is tried again then.
        request.log.error({ err: error }, 'whatsapp webhook: the runs of a number whose quality dropped could not be paused; Meta will send the update again')
        return await refuse(reply, new WebhookStoreError())
      }
    }
    const counts = { statuses: reports.statuses.length, inbound: reports.inbound.length, preferences: reports.preferences.length, other: reports.other.length }
    request.log.debug({ whatsapp, ingested: counts, ignored }, 'whatsapp webhook: events stored')
    return await reply.code(200).send({ received: true })
  }
}

/** An error in Fastify's shape sent as it is: the shared error handler leaves 5xx to the host's, which may answer otherwise. */
async function refuse (reply: FastifyReply, error: FastifyError): Promise<FastifyReply> {
  const statusCode = error.statusCode ?? 500
  return await reply.code(statusCode).send(errorBody(statusCode, error.message, error.code))
}

/** Fastify's own request log fields, the URL's verify token hidden. */
function requestWithoutToken (request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: request.url.replace(/([?&]hub\.verify_token=)[^&]*/g, '$1[redacted]'),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort
  }
}
