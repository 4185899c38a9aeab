import t from 'tap'
import { postgresStore } from '../src/index.js'
import { freshDatabase, postgresUrl, skipWithoutPostgres, truncateAll } from './helpers/postgres.js'
import { routeSuite } from './helpers/route-suite.js'

if (postgresUrl === undefined) {
  skipWithoutPostgres(t)
} else {
  const { pool } = await freshDatabase(t)
  routeSuite(t, async () => {
    await truncateAll(pool)
    return postgresStore(pool)
  })
}
