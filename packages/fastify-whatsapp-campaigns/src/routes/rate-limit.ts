import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance } from 'fastify'
import { RateLimitedError } from '../errors.js'
import { ErrorResponse } from '../schemas/errors.js'

/** Requests one client (by IP) may make to the API in a window of `timeWindow` milliseconds. */
export interface RateLimitOptions {
  max: number
  timeWindow: number
}

/** About ten requests a second, sustained: far above the page's polling, well below a flood. */
export const defaultRateLimit: RateLimitOptions = { max: 600, timeWindow: 60_000 }

/**
 * Limits the API's requests per client IP (behind a proxy, Fastify's `trustProxy` makes that the
 * client's), counted at `onRequest`: a refused request costs no body read, no host hook, no tenant
 * lookup. Registered in the API's scope only, never on the webhook (Meta's bursts must never be
 * refused). Every route documents the 429.
 */
export async function limitRequests (app: FastifyInstance, limit: RateLimitOptions): Promise<void> {
  app.addHook('onRoute', route => {
    if (route.schema?.response === undefined) return
    route.schema.response = { 429: ErrorResponse, ...(route.schema.response as Record<string, unknown>) }
  })
  await app.register(rateLimit, {
    max: limit.max,
    timeWindow: limit.timeWindow,
    hook: 'onRequest',
    errorResponseBuilder: (_request, context) => new RateLimitedError(context.max, context.after)
  })
}
