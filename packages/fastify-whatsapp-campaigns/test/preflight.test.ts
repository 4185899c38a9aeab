/** The preflight routes on every store: memory, PGlite, and PostgreSQL when there is one. */
import { PGlite } from '@electric-sql/pglite'
import t from 'tap'
import { memoryStore, postgresStore } from '../src/index.js'
import { preflightSuite } from './helpers/preflight-suite.js'
import { truncateAll } from './helpers/pglite.js'
import { freshDatabase, postgresUrl } from './helpers/postgres.js'

t.test('memory', async t => {
  preflightSuite(t, async () => memoryStore())
})

t.test('PGlite', async t => {
  const db = new PGlite()
  t.teardown(async () => { await db.close() })
  await postgresStore(db).init?.()
  preflightSuite(t, async () => {
    await truncateAll(db)
    return postgresStore(db)
  })
})

t.test('PostgreSQL', { skip: postgresUrl === undefined ? 'no PostgreSQL server: set DATABASE_URL' : false }, async t => {
  const { pool } = await freshDatabase(t)
  preflightSuite(t, async () => {
    await truncateAll(pool)
    return postgresStore(pool)
  })
})
