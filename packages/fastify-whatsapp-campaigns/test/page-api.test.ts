/** The Campaigns page's routes (export, check, search, counts) on every store: memory, PGlite, and PostgreSQL when there is one. */
import { PGlite } from '@electric-sql/pglite'
import t from 'tap'
import { memoryStore, postgresStore } from '../src/index.js'
import { pageApiSuite } from './helpers/page-api-suite.js'
import { truncateAll } from './helpers/pglite.js'
import { freshDatabase, postgresUrl } from './helpers/postgres.js'

t.test('memory', async t => {
  pageApiSuite(t, async () => memoryStore(), { exportRows: 2500 })
})

t.test('PGlite', async t => {
  const db = new PGlite()
  t.teardown(async () => { await db.close() })
  const store = postgresStore(db)
  await store.init?.()
  pageApiSuite(t, async () => {
    await truncateAll(db)
    return postgresStore(db)
  }, { exportRows: 2500 })
})

t.test('PostgreSQL', { skip: postgresUrl === undefined ? 'no PostgreSQL server: set DATABASE_URL' : false }, async t => {
  const { pool } = await freshDatabase(t)
  pageApiSuite(t, async () => {
    await truncateAll(pool)
    return postgresStore(pool)
  }, { exportRows: 2500 })
})
