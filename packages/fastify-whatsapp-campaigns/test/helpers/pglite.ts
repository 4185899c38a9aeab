import { PGlite } from '@electric-sql/pglite'
import type { Test } from 'tap'
import { migrate } from '../../src/store/migrate.js'

export { truncateAll } from './tables.js'

/**
 * An in-memory PGlite with the schema in place, closed when `t` ends. A start costs seconds: open
 * one per file and empty the tables between tests (`truncateAll`).
 */
export async function migratedPGlite (t: Test): Promise<PGlite> {
  const db = new PGlite()
  t.teardown(async () => { await db.close() })
  await migrate(db)
  return db
}
