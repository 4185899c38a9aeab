/**
 * migrate() on PGlite, and on the real PostgreSQL server when DATABASE_URL is set: a fresh database
 * gets the schema, an up-to-date one is left alone, and a schema this package did not make (a newer
 * version, or other files under our numbers) is refused with what to do, changing nothing.
 */
import t, { type Test } from 'tap'
import { PGlite } from '@electric-sql/pglite'
import { migrate, migrationTable, SchemaVersionError } from '../src/store/migrate.js'
import { sqlClient, type SqlClient } from '../src/store/sql-client.js'
import { freshDatabase, noPostgresMessage, postgresUrl } from './helpers/postgres.js'
import { migrationFiles, newestVersion } from './helpers/tables.js'

const servers: Array<{ name: string, open: (t: Test) => Promise<SqlClient> }> = [{
  name: 'PGlite',
  open: async t => {
    const db = new PGlite()
    t.teardown(async () => { await db.close() })
    return sqlClient(db)
  }
}]
if (postgresUrl !== undefined) {
  servers.push({ name: 'PostgreSQL', open: async t => sqlClient((await freshDatabase(t, { migrate: false })).pool) })
} else {
  t.comment(`PostgreSQL skipped: ${noPostgresMessage}`)
}

for (const { name, open } of servers) {
  // One database per server, taken through the cases in order (a PGlite start costs seconds).
  t.test(name, async t => {
    const db = await open(t)

    t.test('a fresh database gets every file, and the version table records each', async t => {
      t.strictSame(await migrate(db), { applied: migrationFiles, version: newestVersion })
      const { rows } = await db.query<{ version: number, name: string }>(`SELECT version::int, name FROM ${migrationTable} WHERE version > 0 ORDER BY version`)
      t.strictSame(rows.map(r => r.version), migrationFiles.map(file => Number.parseInt(file, 10)))
    })

    t.test('an up-to-date database is left as it is: the checksums of its files agree', async t => {
      await db.query("INSERT INTO campaigns (tenant, name, template_name, language) VALUES ('t', 'kept', 'hello', 'en')")
      const before = await snapshot(db)
      t.strictSame(await migrate(db), { applied: [], version: newestVersion })
      t.strictSame(await snapshot(db), before)
    })

    t.test('a database at a version above the newest is refused, saying what to do, and nothing changes', async t => {
      const newer = newestVersion + 1
      await db.query(`INSERT INTO ${migrationTable} (version, name, md5) VALUES ($1, 'from-a-later-release', 'x')`, [newer])
      t.teardown(async () => { await db.query(`DELETE FROM ${migrationTable} WHERE version = $1`, [newer]) })
      const before = await snapshot(db)
      const refused = await migrate(db).then(() => undefined, (err: unknown) => err)
      t.type(refused, SchemaVersionError)
      t.match(refused, {
        version: newer,
        known: newestVersion,
        message: `fastify-whatsapp-campaigns: the database's schema is at version ${newer} (table ${migrationTable}), ` +
          `newer than the newest this package knows (${newestVersion}): a later release, or a pre-release build, made it. ` +
          'Use the release of fastify-whatsapp-campaigns that made it, or a fresh database.'
      })
      t.strictSame(await snapshot(db), before, 'the schema, its version rows and the data are as they were')
    })

    t.test('a database whose applied file differs from ours under the same number is refused, and nothing changes', async t => {
      const { rows: [first] } = await db.query<{ md5: string }>(`SELECT md5 FROM ${migrationTable} WHERE version = 1`)
      await db.query(`UPDATE ${migrationTable} SET name = 'campaigns', md5 = 'another file' WHERE version = 1`)
      t.teardown(async () => { await db.query(`UPDATE ${migrationTable} SET name = $1, md5 = $2 WHERE version = 1`, [migrationFiles[0].split('.')[2], first.md5]) })
      const before = await snapshot(db)
      await t.rejects(migrate(db), {
        name: 'FastifyWhatsAppCampaignsSchemaVersionError',
        message: new RegExp(`its migration 1 \\("campaigns"\\) is not this package's ${migrationFiles[0].replace(/\./g, '\\.')} \\(their checksums differ\\)\\. Use the release`)
      })
      t.strictSame(await snapshot(db), before)
    })

    t.test('once the version rows are its own again, the database is up to date', async t => {
      t.strictSame(await migrate(db), { applied: [], version: newestVersion })
    })
  })
}

/** The schema's definitions, the version rows and the data rows, as text to compare. */
async function snapshot (db: SqlClient): Promise<string[]> {
  const { rows } = await db.query<{ item: string }>(
    `SELECT format('relation %s %s', relname, relkind) AS item FROM pg_class WHERE relnamespace = current_schema()::regnamespace
     UNION ALL
     SELECT format('column %s.%s %s %s %s', attrelid::regclass, attname, format_type(atttypid, atttypmod), attnotnull, attstattarget)
       FROM pg_attribute
      WHERE attnum > 0 AND NOT attisdropped
        AND attrelid IN (SELECT oid FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r')
     UNION ALL
     SELECT format('index %s', indexdef) FROM pg_indexes WHERE schemaname = current_schema()
     UNION ALL
     SELECT format('constraint %s %s', conname, pg_get_constraintdef(oid)) FROM pg_constraint WHERE connamespace = current_schema()::regnamespace
     UNION ALL
     SELECT format('version %s %s %s', version, name, md5) FROM ${migrationTable}
     UNION ALL
     SELECT format('campaign %s %s', id, name) FROM campaigns
     ORDER BY 1`
  )
  return rows.map(row => row.item)
}
