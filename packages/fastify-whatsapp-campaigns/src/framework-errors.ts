import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'

/**
 * For the host's `Fastify({ frameworkErrors })`: a request Fastify cannot route (a URL that does not
 * decode, a path parameter past `maxParamLength`) goes to the error handler like any other error, so
 * it is answered in Fastify's error shape, named by its own status. Left to Fastify, the 414 of a
 * parameter too long says "Bad Request". A server option, not the plugin's: it covers every route of
 * the host's server.
 */
export function frameworkErrors (error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  void reply.send(error)
}
