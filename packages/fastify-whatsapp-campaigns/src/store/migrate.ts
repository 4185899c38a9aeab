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

/** What to do with a schema this package cannot take: said by every refusal. */
const remedy = 'Use the release of fastify-whatsapp-campaigns that made it, or a fresh database.'

/**
 * A schema this package did not make: newer than its newest migration, or made from files other
 * than its own. Nothing was changed.
 */
export class SchemaVersionError extends Error {
  /** The version recorded in the database. */
  readonly version: number
  /** The newest version this package's migrations reach. */
  readonly known: number

  constructor (message: string, version: number, known: number) {
    super(`fastify-whatsapp-campaigns: ${message} ${remedy}`)
    this.name = 'FastifyWhatsAppCampaignsSchemaVersionError'
    this.version = version
    this.known = known
  }
}

/**
 * Brings the schema to the newest version. Several processes may call it at once: they queue on an
 * advisory lock, and each migrates inside one transaction, so a failing file leaves nothing behind
 * and the lock goes with the transaction even if the process dies. (A future migration that cannot
 * run in a transaction, such as CREATE INDEX CONCURRENTLY, would need its own path.)
 *
 * A schema this package did not make is refused before anything runs (SchemaVersionError). Left to
 * postgrator, a recorded version above our newest file means moving down by `undo` files: there are
 * none, so it would report success having done nothing, and the store would run on a schema it does
 * not know. A file applied under one of our numbers but different from ours (its checksum) is refused
 * too, with the same advice.
 */
export async function migrate (db: SqlClientInput, options: MigrateOptions = {}): Promise<MigrateResult> {
  const directory = options.directory ?? sqlDirectory()
  return sqlClient(db).transaction(async tx => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [lockKey])
    const postgrator = migrator(tx, directory)
    await refuseUnknownSchema(tx, postgrator, directory)
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
    // The checksums of applied files are compared in refuseUnknownSchema, with an error that says
    // what to do; computed over LF line endings, so that a checkout with CRLF ones agrees.
    validateChecksums: false,
    newline: 'LF',
    // postgrator's own statements carry no user input; the files hold several statements each.
    execQuery: async text => tx.query(text),
    execSqlScript: async script => tx.exec(script)
  })
}

/** Throws a SchemaVersionError for a schema newer than our files or made from other files. */
async function refuseUnknownSchema (tx: SqlSession, postgrator: Postgrator, directory: string): Promise<void> {
  const migrations = (await postgrator.getMigrations()).filter(m => m.action === 'do')
  if (migrations.length === 0) throw new Error(`fastify-whatsapp-campaigns: no migration files (NNN.do.name.sql) in ${directory}`)
  const known = Math.max(...migrations.map(m => m.version))
  // 0 when there is no version table yet: a fresh database.
  const version = await postgrator.getDatabaseVersion()
  if (version > known) {
    throw new SchemaVersionError(
      `the database's schema is at version ${version} (table ${migrationTable}), newer than the newest this package knows (${known}): ` +
        'a later release, or a pre-release build, made it.',
      version, known
    )
  }
  if (version === 0) return
  const { rows } = await tx.query<{ version: string | number, name: string | null, md5: string | null }>(
    `SELECT version, name, md5 FROM ${migrationTable} WHERE version > 0 AND md5 IS NOT NULL`
  )
  const recorded = new Map(rows.map(row => [Number(row.version), row]))
  for (const migration of migrations) {
    const row = recorded.get(migration.version)
    if (row === undefined || row.md5 === migration.md5) continue
    throw new SchemaVersionError(
      `the database's schema (version ${version}) was made by other files: its migration ${migration.version} ` +
        `("${row.name ?? ''}") is not this package's ${basename(migration.filename)} (their checksums differ).`,
      version, known
    )
  }
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
