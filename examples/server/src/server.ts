import { buildServer } from './app.js'
import { configFromEnv } from './config.js'

const config = configFromEnv()
const app = await buildServer(config)

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

try {
  await app.listen({ host: config.host, port: config.port })
} catch (error) {
  app.log.error({ err: error }, 'could not start')
  process.exit(1)
}
