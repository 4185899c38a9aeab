import { existsSync } from 'node:fs'
import { basename } from 'node:path'
import { fileURLToPath } from 'node:url'
import Postgrator from 'postgrator'
import { sqlClient, type SqlClientInput, type SqlSession } from './sql-client.js'

export interface MigrateOptions {
  /** Where the numbered `NNN.do.name.sql` files are; default: the package's own `sql/`. */
  directory?: string
}

export interface MigrateResult {
  /** The file names applied by this call, in order (empty when the schema was up to date). */
  applied: string[]
  version: number
}

/**
 * Our own version table: a host that uses postgrator for its own schema keeps its `schemaversion`
 * and our numbering never collides with its own.
 */
export const migrationTable = 'whatsapp_campaigns_schema_version'

/** Any constant of our own: the advisory lock every migrating process queues on. */
const lockKey = 0x77616331 // 'wac1'

/**
 * Brings the schema to the newest version. Several processes may call it at once: they queue on an
 * advisory lock, and each migrates inside one transaction, so a failing file leaves nothing behind
 * and the lock goes with the transaction even if the process dies. (A future migration that cannot
 * run in a transaction, such as CREATE INDEX CONCURRENTLY, would need its own path.)
 */
export async function migrate (db: SqlClientInput, options: MigrateOptions = {}): Promise<MigrateResult> {
  const directory = options.directory ?? sqlDirectory()
  return sqlClient(db).transaction(async tx => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [lockKey])
    const postgrator = migrator(tx, directory)
    const applied = await postgrator.migrate()
    return {
      applied: applied.map(m => basename(m.filename)),
      version: await postgrator.getDatabaseVersion()
    }
  })
}

function migrator (tx: SqlSession, directory: string): Postgrator {
  return new Postgrator({
    driver: 'pg',
    schemaTable: migrationTable,
    migrationPattern: `${directory.replace(/\\/g, '/').replace(/\/$/, '')}/*.sql`,
    // postgrator's own statements carry no user input; the files hold several statements each.
    execQuery: async text => tx.query(text),
    execSqlScript: async script => tx.exec(script)
  })
}

/**
 * The migrations: the copy packed into the published package (`scripts/copy-sql.mjs`), else the
 * repository's `sql/` when running from the workspace. Both are the same depth from src/store and
 * dist/store.
 */
export function sqlDirectory (): string {
  const packaged = fileURLToPath(new URL('../../sql/', import.meta.url))
  if (existsSync(packaged)) return packaged
  return fileURLToPath(new URL('../../../../sql/', import.meta.url))
}
