/**
 * One SQL client shape over the three things a host may hand us: a pg `Pool`, `fastify.pg`
 * (@fastify/postgres: a Pool's `query`/`connect` plus `transact`) or an in-process PGlite. Only
 * structural types here: pg and PGlite are the host's dependencies, never ours at runtime.
 */

export type Row = Record<string, unknown>

export interface Queryable {
  /**
   * Parameterised SQL only: values travel as `$1`, `$2`…, never spliced into the text. `prepareAs`
   * names a statement of fixed text run very often: pg then parses and plans it once per connection
   * (a name must always stand for the same text); PGlite, one session in this process, ignores it.
   */
  query<R = Row>(text: string, values?: readonly unknown[], prepareAs?: string): Promise<{ rows: R[] }>
}

/** One connection inside a transaction. */
export interface SqlSession extends Queryable {
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>
}

export interface SqlClient extends Queryable {
  /** Runs `fn` on one connection inside BEGIN…COMMIT; rolls back and rethrows when it throws. */
  transaction<T>(fn: (tx: SqlSession) => Promise<T>): Promise<T>
  /** Ends the underlying pool or database: only for the one who opened it. */
  end(): Promise<void>
}

/** A named statement, as pg's `query` takes it. */
export interface PgNamedQuery { name: string, text: string, values?: unknown[] }

/** pg's `Pool` and `fastify.pg`. */
export interface PgPoolLike {
  query(text: string | PgNamedQuery, values?: unknown[]): Promise<{ rows: any[] }>
  connect(): Promise<PgPoolClientLike>
  end?(): Promise<void>
  /** fastify.pg keeps its Pool here. */
  pool?: { end(): Promise<void> }
}

export interface PgPoolClientLike {
  query(text: string | PgNamedQuery, values?: unknown[]): Promise<{ rows: any[] }>
  on(event: 'error', listener: (error: Error) => void): unknown
  removeListener(event: 'error', listener: (error: Error) => void): unknown
  /** An error destroys the connection instead of returning it to the pool. */
  release(err?: Error | boolean): void
}

/** PGlite and its transaction object. */
export interface PGliteLike {
  query(text: string, params?: any[]): Promise<{ rows: any[] }>
  exec(script: string): Promise<unknown>
  transaction<T>(fn: (tx: PGliteTransactionLike) => Promise<T>): Promise<T>
  close(): Promise<void>
}

export interface PGliteTransactionLike {
  query(text: string, params?: any[]): Promise<{ rows: any[] }>
  exec(script: string): Promise<unknown>
}

export type SqlClientInput = SqlClient | PgPoolLike | PGliteLike

/** Clients this module made, so that adapting twice hands back the same client. */
const adapted = new WeakSet<object>()

/** Adapts a pg Pool, `fastify.pg`, a PGlite or an already adapted client (returned as is). */
export function sqlClient (db: SqlClientInput): SqlClient {
  if (db === null || typeof db !== 'object') {
    throw new TypeError('sqlClient: expected a pg Pool, fastify.pg or a PGlite instance')
  }
  if (adapted.has(db)) return db as SqlClient
  // A single pg Client (or a pool's client) is one session: transactions need connections of their own.
  if ('connectionParameters' in db && !('totalCount' in db)) {
    throw new TypeError('sqlClient: pass a pg Pool (or fastify.pg), not a single pg Client')
  }
  let client: SqlClient
  if (isPGlite(db)) client = fromPGlite(db)
  else if (isPgPool(db)) client = fromPgPool(db)
  else throw new TypeError('sqlClient: expected a pg Pool, fastify.pg or a PGlite instance (with query and connect, or query, exec and transaction)')
  adapted.add(client)
  return client
}

function isPGlite (db: object): db is PGliteLike {
  const d = db as Partial<PGliteLike>
  return typeof d.query === 'function' && typeof d.exec === 'function' && typeof d.transaction === 'function'
}

function isPgPool (db: object): db is PgPoolLike {
  const d = db as Partial<PgPoolLike>
  return typeof d.query === 'function' && typeof d.connect === 'function'
}

function fromPGlite (db: PGliteLike): SqlClient {
  const session = (tx: PGliteTransactionLike): SqlSession => ({
    query: async (text, values) => tx.query(text, values === undefined ? [] : [...values]),
    exec: async script => { await tx.exec(script) }
  })
  return {
    query: async (text, values) => db.query(text, values === undefined ? [] : [...values]),
    // PGlite is one session: its transaction() also holds every other query back until it ends.
    transaction: async fn => db.transaction(async tx => fn(session(tx))),
    end: async () => { await db.close() }
  }
}

/** pg's arguments for a query, named when it is to be prepared. */
function pgQuery (text: string, values: readonly unknown[] | undefined, prepareAs: string | undefined): [string | PgNamedQuery, unknown[]?] {
  const copied = values === undefined ? undefined : [...values]
  return prepareAs === undefined ? [text, copied] : [{ name: prepareAs, text, values: copied }]
}

function fromPgPool (pool: PgPoolLike): SqlClient {
  return {
    query: async (text, values, prepareAs) => pool.query(...pgQuery(text, values, prepareAs)),
    transaction: async fn => {
      const client = await pool.connect()
      let broken: Error | undefined
      // A connection PostgreSQL ends while we hold it (a restart, a failover) also emits 'error',
      // which unheard would kill the host's process. The query in flight fails with it anyway.
      const onError = (error: Error): void => { broken = error }
      client.on('error', onError)
      try {
        await client.query('BEGIN')
        const result = await fn({
          query: async (text, values, prepareAs) => client.query(...pgQuery(text, values, prepareAs)),
          // Without values pg uses the simple protocol, which takes several statements at once.
          exec: async script => { await client.query(script) }
        })
        await client.query('COMMIT')
        return result
      } catch (err) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => { broken = rollbackError })
        throw err
      } finally {
        client.removeListener('error', onError)
        client.release(broken)
      }
    },
    end: async () => {
      if (typeof pool.end === 'function') await pool.end()
      else await pool.pool?.end()
    }
  }
}
