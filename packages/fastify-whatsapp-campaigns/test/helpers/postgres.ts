/**
 * A fresh database on the real PostgreSQL server for a test file, dropped when it ends. The server
 * comes from TEST_DATABASE_URL or DATABASE_URL (any database on it: new ones are created beside it).
 *
 *   import t from 'tap'
 *   import { freshDatabase, postgresUrl, skipWithoutPostgres } from './helpers/postgres.js'
 *   if (postgresUrl === undefined) skipWithoutPostgres(t)
 *   else {
 *     const { pool } = await freshDatabase(t)   // migrated unless { migrate: false }
 *     …
 *   }
 */
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import type { Test } from 'tap'
import { migrate } from '../../src/store/migrate.js'

export { truncateAll } from './tables.js'

export const postgresUrl: string | undefined = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL

export const noPostgresMessage =
  'no PostgreSQL server: set DATABASE_URL or TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres) to run these tests'

/** Skips the whole file (tap's plan of 0), saying how to enable it. */
export function skipWithoutPostgres (t: Test): void {
  t.plan(0, noPostgresMessage)
}

export interface FreshDatabase {
  /** The new database's name, e.g. `wac_test_4242_1a2b3c4d`. */
  name: string
  /** A connection string to it. */
  url: string
  /** A pool on it, ended before the database is dropped. */
  pool: pg.Pool
  /** Another pool on the same database, ended for you unless you did: a second "process". */
  newPool: (options?: pg.PoolConfig) => pg.Pool
}

export interface FreshDatabaseOptions {
  /** Apply the migrations (default true). */
  migrate?: boolean
  /** Connections in `pool` (default 10). */
  max?: number
}

export async function freshDatabase (t: Test, options: FreshDatabaseOptions = {}): Promise<FreshDatabase> {
  if (postgresUrl === undefined) throw new Error(noPostgresMessage)
  const name = `wac_test_${process.pid}_${randomBytes(4).toString('hex')}`
  await onServer(`CREATE DATABASE ${name}`)
  const url = new URL(postgresUrl)
  url.pathname = `/${name}`
  const pools: pg.Pool[] = []
  const newPool = (config: pg.PoolConfig = {}): pg.Pool => {
    const pool = new pg.Pool({ connectionString: url.href, ...config })
    // pool.end() resolves before every connection is closed, and the forced drop below ends those
    // still closing (57P01): an 'error' event nobody listens to would kill the test process. Errors
    // of queries still reach their callers.
    pool.on('connect', client => { client.on('error', () => {}) })
    pool.on('error', () => {})
    pools.push(pool)
    return pool
  }
  t.teardown(async () => {
    await Promise.all(pools.filter(pool => !pool.ending).map(async pool => { await pool.end().catch(() => {}) }))
    // FORCE: a connection a failed test leaked must not keep the database alive.
    await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  })
  const pool = newPool({ max: options.max ?? 10 })
  if (options.migrate !== false) await migrate(pool)
  return { name, url: url.href, pool, newPool }
}

/** One statement on the server's own database (CREATE/DROP DATABASE cannot take parameters). */
async function onServer (statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

/** A pool that remembers the statements it is given, including those inside transactions. */
export function countingPool (pool: pg.Pool) {
  const seen: string[] = []
  const counting = <C extends pg.Pool | pg.PoolClient>(target: C): C => new Proxy(target, {
    get (object, key) {
      if (key === 'query') return async (text: string, values?: unknown[]) => { seen.push(text); return await object.query(text, values) }
      if (key === 'connect') return async () => counting(await (object as pg.Pool).connect())
      const value: unknown = Reflect.get(object, key)
      return typeof value === 'function' ? value.bind(object) : value
    }
  })
  return {
    pool: counting(pool),
    /** How many statements so far contained `fragment`. */
    statements: (fragment: string) => seen.filter(text => text.includes(fragment)).length,
    /** Forgets the statements so far. */
    reset: () => { seen.length = 0 }
  }
}
