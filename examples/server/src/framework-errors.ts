import { STATUS_CODES } from 'node:http'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'

/**
 * Fastify's answers to a request it cannot route (a URL that does not decode, a path parameter past
 * `maxParamLength`), in the API's error shape with the name of their own status: left to Fastify, the
 * 414 of a parameter too long says "Bad Request".
 */
export function frameworkErrors (error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const statusCode = error.statusCode ?? 400
  void reply.code(statusCode).send({ statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message: error.message, code: error.code })
}
