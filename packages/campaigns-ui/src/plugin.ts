import { fileURLToPath } from 'node:url'
import helmet from '@fastify/helmet'
import fastifyStatic from '@fastify/static'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, FastifySchema } from 'fastify'
import fp from 'fastify-plugin'
import { renderIndexHtml } from './index-html.js'
import { resolveOptions, type CampaignsUiOptions, type ResolvedOptions } from './options.js'
import { pageHelmetOptions } from './security-headers.js'

export type { CampaignsUiHooks, CampaignsUiOptions } from './options.js'

/** The built page (vite writes dist/web): the same path from src/ (tests) and from dist/ (the package). */
const pageDir = fileURLToPath(new URL('../dist/web/', import.meta.url))

/** A path whose last segment has a dot names a file, so a miss is a 404 rather than the page. */
/** Kept out of the host's OpenAPI document (@fastify/swagger reads `hide`). */
const hidden = { hide: true } as FastifySchema

const looksLikeFile = (path: string): boolean => /\.[^/]*$/.test(path)

function wantsHtml (request: FastifyRequest): boolean {
  const accept = request.headers.accept
  return accept === undefined || accept.includes('text/html') || accept.includes('*/*')
}

interface RoutesOptions extends ResolvedOptions { html: string }

const pageRoutes: FastifyPluginAsync<RoutesOptions> = async (app, options) => {
  // In this scope only, and before the host's hooks, so a page the host's guard refuses carries them
  // too. A host with helmet of its own keeps it everywhere else; here the page's policy wins.
  await app.register(helmet, pageHelmetOptions(options.apiPrefix))
  for (const [name, hook] of Object.entries(options.hooks)) {
    for (const handler of [hook].flat()) app.addHook(name as 'onRequest', handler)
  }

  await app.register(fastifyStatic, {
    root: `${pageDir}assets`,
    prefix: '/assets/',
    wildcard: true,
    index: false,
    // Vite puts a hash of the content in every asset's name: a new build has new names.
    immutable: true,
    maxAge: '365d',
    decorateReply: false
  })

  const sendPage = async (reply: FastifyReply): Promise<FastifyReply> =>
    await reply
      .header('cache-control', 'no-cache')
      .type('text/html; charset=utf-8')
      .send(options.html)

  app.get('/', { schema: hidden }, async (_request, reply) => await sendPage(reply))

  // The page routes in the browser (history API): any other page path gets the page, which shows the route.
  app.get('/*', { schema: hidden }, async (request, reply) => {
    const path = request.url.split('?')[0]
    const api = options.apiPrefix
    if (looksLikeFile(path) || !wantsHtml(request) || (api.startsWith('/') && (path === api || path.startsWith(`${api}/`)))) {
      return reply.callNotFound()
    }
    return await sendPage(reply)
  })
}

async function campaignsUi (app: Parameters<FastifyPluginAsync<CampaignsUiOptions>>[0], options: CampaignsUiOptions): Promise<void> {
  const resolved = resolveOptions(options)
  const html = await renderIndexHtml(`${pageDir}index.html`, resolved.baseHref, resolved.apiPrefix)
  await app.register(pageRoutes, { ...resolved, html, prefix: resolved.prefix })
}

/** Serves the Campaigns page under `prefix`, talking to the campaigns API at `apiPrefix`. */
export const campaignsUiPlugin = fp(campaignsUi, { fastify: '5.x', name: 'campaigns-ui' })
export default campaignsUiPlugin
