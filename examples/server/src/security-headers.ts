import type { FastifyHelmetOptions } from '@fastify/helmet'

/**
 * Helmet's headers on every answer. The API answers data, never a document to render, so its policy
 * allows nothing; each page brings its own (the Campaigns page from campaigns-ui, the docs below).
 * Strict-Transport-Security is off: the server speaks plain HTTP, and a TLS proxy in front of it knows
 * the domain's policy.
 */
export const serverHelmetOptions: FastifyHelmetOptions = {
  global: true,
  contentSecurityPolicy: { useDefaults: false, directives: { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] } },
  strictTransportSecurity: false
}

/**
 * Swagger UI's page (@fastify/swagger-ui's `staticCSP`): its bundled scripts, its `data:` icons, and
 * calls to this origin for the document and "Try it out". Its bundle inserts `<style>` elements as it
 * renders an operation, so inline styles are allowed here, never inline scripts. No
 * `upgrade-insecure-requests`, for the same reason as the Campaigns page: the server is often reached
 * over plain HTTP.
 */
export const docsContentSecurityPolicy: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'self'"]
}
