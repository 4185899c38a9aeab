import { randomBytes } from 'node:crypto'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'

export interface BenchDatabase {
  label: string
  /** A connection string, for a benchmark's child process; undefined for the in-memory PGlite. */
  url?: string
  db: pg.Pool | PGlite
  query: (text: string, values?: unknown[]) => Promise<unknown>
  close: () => Promise<void>
}

/**
 * A scratch database: a new one on the PostgreSQL server of DATABASE_URL (dropped at the end), or an
 * in-memory PGlite when there is none.
 */
export async function scratchDatabase (): Promise<BenchDatabase> {
  const server = process.env.DATABASE_URL
  if (server === undefined || server === '') {
    const db = new PGlite()
    return { label: 'PGlite in memory (set DATABASE_URL for a PostgreSQL server)', db, query: async (text, values) => await db.query(text, values), close: async () => { await db.close() } }
  }
  const name = `wac_bench_${randomBytes(4).toString('hex')}`
  await onServer(server, `CREATE DATABASE ${name}`)
  const url = new URL(server)
  url.pathname = `/${name}`
  const db = new pg.Pool({ connectionString: url.href, max: 10 })
  return {
    label: `PostgreSQL at ${url.host}`,
    url: url.href,
    db,
    query: async (text, values) => await db.query(text, values),
    close: async () => {
      // pool.end() resolves before every connection is gone; the forced drop below may end one, which is fine.
      db.on('error', () => {})
      await db.end()
      await onServer(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    }
  }
}

async function onServer (url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}
