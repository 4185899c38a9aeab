import { readdirSync } from 'node:fs'
import { migrationTable, sqlDirectory } from '../../src/store/migrate.js'
import { sqlClient, type SqlClientInput } from '../../src/store/sql-client.js'

/**
 * Empties every table of the schema but the migrations' own, in one statement: what a test needs
 * between tests on one migrated database. Found by name so that tables a later migration adds are
 * emptied too.
 */
export async function truncateAll (db: SqlClientInput): Promise<void> {
  const sql = sqlClient(db)
  const { rows } = await sql.query<{ name: string }>(
    `SELECT format('%I.%I', schemaname, tablename) AS name
       FROM pg_tables WHERE schemaname = current_schema() AND tablename <> $1`,
    [migrationTable]
  )
  if (rows.length > 0) await sql.query(`TRUNCATE ${rows.map(r => r.name).join(', ')} RESTART IDENTITY CASCADE`)
}

/** The migration files in sql/ (`NNN.do.name.sql`), in the order they apply. */
export const migrationFiles = readdirSync(sqlDirectory()).filter(file => /^\d+\.do\./.test(file)).sort()

/** The newest schema version in sql/: what a migrated database is at. */
export const newestVersion = Math.max(...migrationFiles.map(file => Number.parseInt(file, 10)))

/**
 * A digest of every row of every table of the schema but the migrations' own, one per table: equal
 * digests before and after a request mean it stored nothing, not even half of something.
 */
export async function tableDigests (db: SqlClientInput): Promise<Record<string, string>> {
  const sql = sqlClient(db)
  const { rows: tables } = await sql.query<{ name: string, quoted: string }>(
    `SELECT tablename AS name, format('%I.%I', schemaname, tablename) AS quoted
       FROM pg_tables WHERE schemaname = current_schema() AND tablename <> $1 ORDER BY tablename`,
    [migrationTable]
  )
  const digests = tables.map(table => `(SELECT md5(coalesce(string_agg(row::text, '|' ORDER BY row::text), '')) FROM ${table.quoted} row) AS "${table.name}"`)
  const { rows } = await sql.query<Record<string, string>>(`SELECT ${digests.join(', ')}`)
  return rows[0]
}
