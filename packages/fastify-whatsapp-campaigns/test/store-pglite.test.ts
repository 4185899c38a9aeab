import t from 'tap'
import { migrate } from '../src/store/migrate.js'
import { postgresStore } from '../src/store/postgres.js'
import { suite } from '../src/store/conformance.js'
import { migratedPGlite, truncateAll } from './helpers/pglite.js'
import { newestVersion } from './helpers/tables.js'

// One PGlite for the file (a start costs seconds); every test starts from empty tables.
const db = await migratedPGlite(t)

t.test('migrate: a second run finds nothing to do', async t => {
  t.strictSame(await migrate(db), { applied: [], version: newestVersion })
})

suite({
  test: async (name, fn) => await t.test(name, fn),
  factory: async () => {
    await truncateAll(db)
    return postgresStore(db)
  }
})
