import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { apiPrefix, buildServer } from './app.js'
import { configFromEnv, type ServerConfig } from './config.js'
import { serverUrls } from './server-urls.js'

/** A refusal to start is one line a person can act on, not a stack trace; `LOG_LEVEL=debug` adds the stack. */
async function refuse (error: unknown, app?: FastifyInstance): Promise<never> {
  const message = error instanceof Error ? error.message : String(error)
  process.stderr.write(`whatsapp-campaigns-server: could not start: ${message}\n`)
  if (process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace') {
    process.stderr.write(`${error instanceof Error ? error.stack ?? '' : ''}\n`)
  }
  // Closing releases what was opened (the DATA_DIR lock among them).
  await app?.close().catch(() => {})
  process.exit(1)
}

async function build (): Promise<{ config: ServerConfig, app: FastifyInstance }> {
  const config = configFromEnv()
  return { config, app: await buildServer(config) }
}

const { config, app } = await build().catch(async (error: unknown) => await refuse(error))

// SIGTERM lets in-flight sends finish and be recorded; runs left unfinished resume at the next start.
let closing = false
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down')
    const force = setTimeout(() => {
      app.log.error('shutdown took over 30 s; exiting')
      process.exit(1)
    }, 30_000)
    force.unref()
    app.close().then(() => process.exit(0), (error: unknown) => {
      app.log.error({ err: error }, 'shutdown failed')
      process.exit(1)
    })
  })
}

await app.listen({ host: config.host, port: config.port }).catch(async (error: unknown) => await refuse(error, app))
const urls = serverUrls(app.server.address() as AddressInfo, apiPrefix)
app.log.info({ urls }, `listening: the API at ${urls.api}, its docs at ${urls.docs}, the health check at ${urls.health}, the page at ${urls.page} (the Campaigns page)`)
