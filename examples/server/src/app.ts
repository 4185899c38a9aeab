import helmet from '@fastify/helmet'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import campaignsUi from 'campaigns-ui'
import Fastify, { type FastifyInstance } from 'fastify'
import campaigns, { frameworkErrors } from 'fastify-whatsapp-campaigns'
import { bearerAuth } from './api-token.js'
import type { ServerConfig } from './config.js'
import { docsContentSecurityPolicy, serverHelmetOptions } from './security-headers.js'
import { openStorage } from './storage.js'
import { whatsappSetup } from './whatsapp-account.js'

/** Secrets that must never reach a log line, whichever object carries them. */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers["x-hub-signature-256"]',
  'accessToken', '*.accessToken', '*.*.accessToken',
  'appSecret', '*.appSecret', '*.*.appSecret',
  'verifyToken', '*.verifyToken', '*.*.verifyToken',
  'apiToken', '*.apiToken'
]

/** Where the campaigns API is mounted. */
export const apiPrefix = '/api/whatsapp'

export interface BuildOptions {
  /** A pino destination stream, for tests that read the log. */
  logStream?: NodeJS.WritableStream
}

export async function buildServer (config: ServerConfig, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: { paths: redactedPaths, censor: '[redacted]' },
      ...(options.logStream !== undefined ? { stream: options.logStream } : {})
    },
    // Large campaigns arrive in one request; the plugin sets each route's limit, this only bounds the rest.
    bodyLimit: 1 << 20,
    forceCloseConnections: 'idle',
    frameworkErrors
  })

  await app.register(helmet, serverHelmetOptions)
  await app.register(swagger, {
    openapi: {
      info: { title: 'WhatsApp campaigns', version: '0.1.0', description: 'Bulk WhatsApp template campaigns: create, list, edit, run, rerun, delete.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      ...(config.apiToken !== undefined ? { security: [{ bearer: [] }] } : {})
    }
  })
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: docsContentSecurityPolicy })

  const store = await openStorage(app, config)
  const { account, webhook } = await whatsappSetup(app, config, `${apiPrefix}/webhook`)
  await app.register(campaigns, {
    prefix: apiPrefix,
    store,
    whatsapp: account,
    webhook,
    sending: { messagesPerSecond: config.messagesPerSecond },
    defaultCountry: config.defaultCountry,
    hooks: config.apiToken !== undefined ? { onRequest: bearerAuth(config.apiToken) } : undefined
  })

  app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok' }))
  // The page's assets are public; the API behind it asks for the token, which the page asks the person for.
  await app.register(campaignsUi, { prefix: '/', apiPrefix })
  return app
}
