import type { FastifyHelmetOptions } from '@fastify/helmet'

/** The origin the page's API calls go to when the API is on another origin; none for a path. */
function apiOrigin (apiPrefix: string): string[] {
  return apiPrefix.startsWith('/') ? [] : [new URL(apiPrefix).origin]
}

/**
 * What the page loads, and nothing more: its own hashed scripts and stylesheet (no inline script or
 * style, no eval), `data:` images (its blank favicon), and API calls to its own origin or to the API's.
 */
export function pageContentSecurityPolicy (apiPrefix: string): Record<string, string[]> {
  return {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'", ...apiOrigin(apiPrefix)],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'self'"]
  }
}

/**
 * Helmet's headers for the page's routes, with the page's own policy. Strict-Transport-Security is
 * left to the host: it binds the whole domain, which a page mounted under a prefix does not own.
 * No `upgrade-insecure-requests`: the page is often reached over plain HTTP at an intranet address,
 * where upgrading its own assets to https would leave it blank.
 */
export function pageHelmetOptions (apiPrefix: string): FastifyHelmetOptions {
  return {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: pageContentSecurityPolicy(apiPrefix) },
    strictTransportSecurity: false
  }
}
