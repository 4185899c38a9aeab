import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import fastifyPostgres from '@fastify/postgres'
import type { FastifyInstance } from 'fastify'
import { postgresStore, type CampaignStore } from 'fastify-whatsapp-campaigns'
import type { ServerConfig } from './config.js'
import { lockDataDir } from './data-dir-lock.js'

/**
 * A real PostgreSQL through @fastify/postgres when DATABASE_URL is set; otherwise an embedded PGlite
 * whose data is kept under DATA_DIR across restarts. The same PostgreSQL adapter serves both.
 */
export async function openStorage (app: FastifyInstance, config: ServerConfig): Promise<CampaignStore> {
  if (config.databaseUrl !== undefined) {
    await app.register(fastifyPostgres, { connectionString: config.databaseUrl })
    // pg emits 'error' on the pool when PostgreSQL ends an idle connection (a restart, a failover,
    // pg_terminate_backend). Unheard, that event would kill the server; the pool opens a new one.
    app.pg.pool.on('error', error => { app.log.warn({ err: error }, 'storage: PostgreSQL closed an idle connection') })
    app.log.info('storage: PostgreSQL from DATABASE_URL')
    return postgresStore(app.pg)
  }
  const directory = join(config.dataDir, 'pglite')
  await mkdir(directory, { recursive: true })
  const unlock = await lockDataDir(config.dataDir)
  const db = await PGlite.create(directory).catch(async (error: unknown) => {
    await unlock()
    throw error
  })
  app.addHook('onClose', async () => {
    await db.close()
    await unlock()
  })
  app.log.info({ directory }, 'storage: embedded PGlite (set DATABASE_URL to use a PostgreSQL server)')
  return postgresStore(db)
}
