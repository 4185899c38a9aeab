import type { Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { graphError, type GraphErrorSpec } from './graph-error.js'
import { JSON_TYPE, type CloudApiFakeState } from './state.js'
import { phoneNumberRoutes } from './phone-numbers.js'

export interface CloudApiFakeRoutesOptions {
  state: CloudApiFakeState
}

const VERSION = /^v\d+\.\d+$/

/**
 * The Graph API's HTTP face over a `CloudApiFakeState`. Register it without fastify-plugin (its body
 * parser, error and not-found handlers must stay inside it), optionally under a prefix, to mount the fake
 * in another app, e.g. a sandbox next to the real server on one port.
 */
export async function cloudApiFakeRoutes (app: FastifyInstance, { state }: CloudApiFakeRoutesOptions): Promise<void> {
  // Graph reads the body whatever the Content-Type says; JSON is parsed (and refused in Graph's shape) by the state.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => { done(null, body) })

  // Requests held by a `timeout` failure would keep close() waiting for ever.
  const held = new Set<Socket>()
  app.addHook('preClose', async () => {
    state.webhooks.close()
    for (const socket of held) socket.destroy()
    held.clear()
  })

  const answerError = (reply: FastifyReply, spec: GraphErrorSpec): FastifyReply => {
    const answer = graphError(spec, state.options.httpStatusFor ?? {})
    return reply.code(answer.http).header('content-type', JSON_TYPE).send(answer.body)
  }
  const unknownPath = (url: string): GraphErrorSpec =>
    ({ code: 2500, message: `Unknown path components: ${url.split('?')[0]}` })

  app.setNotFoundHandler((request, reply) => answerError(reply, unknownPath(request.url)))
  app.setErrorHandler((error: { statusCode?: number, message: string }, _request, reply) => {
    const http = error.statusCode ?? 500
    return answerError(reply, http < 500 ? { code: 100, http, details: error.message } : { code: 1, http: 500 })
  })

  phoneNumberRoutes(app, {
    numbers: state.numbers,
    access: () => state.access,
    answerError,
    version: VERSION,
    jsonType: JSON_TYPE,
    unknownPath
  })
  app.get<{ Params: { version: string, businessAccountId: string }, Querystring: Record<string, string | undefined> }>(
    '/:version/:businessAccountId/message_templates',
    async (request, reply) => {
      if (!VERSION.test(request.params.version)) return answerError(reply, unknownPath(request.url))
      const { access_token: accessTokenParam, ...query } = request.query
      const base = `${request.protocol}://${request.host}${request.url.split('?')[0]}`
      const answer = state.listTemplates({
        businessAccountId: request.params.businessAccountId,
        authorization: request.headers.authorization,
        accessTokenParam,
        query,
        nextUrl: next => `${base}?${new URLSearchParams(next).toString()}`
      })
      if (answer.delayMs > 0) await sleep(answer.delayMs)
      if (answer.kind !== 'send') return reply
      return reply.code(answer.http).header('content-type', answer.contentType).send(answer.body)
    }
  )

  app.post<{ Params: { version: string, phoneNumberId: string }, Querystring: { access_token?: string } }>(
    '/:version/:phoneNumberId/messages',
    async (request, reply) => {
      if (!VERSION.test(request.params.version)) return answerError(reply, unknownPath(request.url))
      const answer = state.handle({
        phoneNumberId: request.params.phoneNumberId,
        authorization: request.headers.authorization,
        accessTokenParam: request.query.access_token,
        rawBody: request.body as string | undefined,
        headers: request.headers
      })
      if (answer.delayMs > 0) await sleep(answer.delayMs)
      if (answer.kind === 'send') return reply.code(answer.http).header('content-type', answer.contentType).send(answer.body)
      reply.hijack()
      const socket = request.raw.socket
      if (answer.kind === 'reset') {
        socket.resetAndDestroy()
      } else {
        held.add(socket)
        socket.once('close', () => held.delete(socket))
      }
      return reply
    }
  )
}
