import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify'

const digest = (value: string): Buffer => createHash('sha256').update(value).digest()

/** `Authorization: Bearer <token>`, compared in constant time (over digests, so lengths do not leak). */
export function bearerAuth (token: string): onRequestHookHandler {
  const expected = digest(token)
  return async function checkApiToken (request: FastifyRequest, reply: FastifyReply) {
    const header = request.headers.authorization ?? ''
    const given = header.startsWith('Bearer ') ? header.slice(7) : ''
    if (given !== '' && timingSafeEqual(digest(given), expected)) return
    await reply.code(401).header('www-authenticate', 'Bearer').send({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Send the API token as Authorization: Bearer <API_TOKEN>',
      code: 'WAC_UNAUTHORIZED'
    })
  }
}
