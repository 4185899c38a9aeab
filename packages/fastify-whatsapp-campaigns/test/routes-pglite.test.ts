import { PGlite } from '@electric-sql/pglite'
import t from 'tap'
import { postgresStore } from '../src/index.js'
import { routeSuite } from './helpers/route-suite.js'
import { truncateAll } from './helpers/pglite.js'

// One PGlite per file (a start costs seconds); each test starts from empty tables.
const db = new PGlite()
t.teardown(async () => { await db.close() })

routeSuite(t, async () => {
  const store = postgresStore(db)
  await store.init?.()
  await truncateAll(db)
  return store
})
