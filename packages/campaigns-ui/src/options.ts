import type { onRequestHookHandler, preHandlerHookHandler } from 'fastify'

/** Hooks run before each of the page's routes, e.g. the host's own auth for the assets. */
export interface CampaignsUiHooks {
  onRequest?: onRequestHookHandler | onRequestHookHandler[]
  preHandler?: preHandlerHookHandler | preHandlerHookHandler[]
}

export interface CampaignsUiOptions {
  /** Where the page is served, e.g. `/` or `/admin/campaigns`. Default `/`. */
  prefix?: string
  /** Where the campaigns API is mounted, as the browser reaches it: a path such as `/api/whatsapp` or an absolute URL. */
  apiPrefix: string
  hooks?: CampaignsUiHooks
}

export interface ResolvedOptions {
  /** The prefix without a trailing slash ('' for the root), as Fastify's `prefix` wants it. */
  prefix: string
  /** What the page's `<base href>` says: the prefix with one trailing slash. */
  baseHref: string
  apiPrefix: string
  hooks: CampaignsUiHooks
}

const hookNames = new Set(['onRequest', 'preHandler'])

function fail (message: string): never {
  throw new TypeError(`campaigns-ui: ${message}`)
}

function isHookList (value: unknown): boolean {
  return typeof value === 'function' || (Array.isArray(value) && value.every(entry => typeof entry === 'function'))
}

/** Checks and defaults the options once, at registration; the caller's object is never changed. */
export function resolveOptions (options: Partial<CampaignsUiOptions>): ResolvedOptions {
  const prefix = options.prefix ?? '/'
  if (typeof prefix !== 'string' || !prefix.startsWith('/') || /[\s?#"'<>\\]/.test(prefix) || prefix.includes('//')) {
    fail(`prefix must be a path that starts with "/" (got ${JSON.stringify(prefix)})`)
  }
  const apiPrefix = options.apiPrefix
  if (typeof apiPrefix !== 'string' || apiPrefix === '') fail('apiPrefix is required: the path where the campaigns API is mounted, e.g. "/api/whatsapp"')
  if (!/^(\/|https?:\/\/)[^\s"'<>\\]*$/.test(apiPrefix) || (!apiPrefix.startsWith('/') && !URL.canParse(apiPrefix))) {
    fail(`apiPrefix must be a path that starts with "/" or an http(s) URL (got ${JSON.stringify(apiPrefix)})`)
  }
  const hooks = options.hooks ?? {}
  if (typeof hooks !== 'object' || hooks === null) fail('hooks must be an object such as { onRequest }')
  for (const [name, value] of Object.entries(hooks)) {
    if (!hookNames.has(name)) fail(`hooks.${name} is not supported: use onRequest or preHandler`)
    if (!isHookList(value)) fail(`hooks.${name} must be a function or an array of functions`)
  }
  const trimmed = prefix.replace(/\/+$/, '')
  return {
    prefix: trimmed,
    baseHref: `${trimmed}/`,
    apiPrefix: apiPrefix.replace(/\/+$/, ''),
    hooks: { ...hooks }
  }
}
