import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'

/**
 * Fastify's answers to a request it cannot route (a URL that does not decode, a path parameter past
 * `maxParamLength`), given to its error handler like any other error, which answers in the API's
 * shape and names each by its status: left to Fastify, the 414 of a parameter too long says "Bad
 * Request".
 */
export function frameworkErrors (error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  void reply.send(error)
}
