/**
 * The plans PostgreSQL chose for a store's statements, as the store words them: what a test of the
 * work a statement does at scale judges by.
 *
 *   const planned = newPool({ max: 1 })
 *   const plans = planning(planned, text => text.includes('campaign_messages'))
 *   const store = postgresStore(planned)
 *   …
 *   t.ok(plans.every(({ plan }) => rowsHandled(plan) < 2_000))
 */
import type pg from 'pg'

export type PlanNode = Record<string, any>

export interface PlannedStatement {
  text: string
  plan: PlanNode
}

type Run = (text: string, values?: unknown[]) => Promise<any>

/**
 * Wraps `pool`, and the clients it hands out, so that each statement `watch` picks is explained and
 * its plan kept. Reads are explained with ANALYZE, then run as given. Writes are only planned, then run
 * — unless `analyzeWrites` picks them: EXPLAIN ANALYZE then runs them instead, and their caller gets
 * the plan for rows. Returns the plans, in the order the statements came.
 */
export function planning (pool: pg.Pool, watch: (text: string) => boolean, analyzeWrites: (text: string) => boolean = () => false): PlannedStatement[] {
  const plans: PlannedStatement[] = []
  const explained = (run: Run): Run => async (text, values) => {
    if (!watch(text)) return await run(text, values)
    const read = /^\s*\(?\s*SELECT/i.test(text)
    const analyze = read || analyzeWrites(text)
    const result = await run(`EXPLAIN (${analyze ? 'ANALYZE, ' : ''}FORMAT JSON) ${text}`, values)
    plans.push({ text, plan: result.rows[0]['QUERY PLAN'][0].Plan })
    return analyze && !read ? result : await run(text, values)
  }
  const query = pool.query.bind(pool) as Run
  const connect = pool.connect.bind(pool) as (callback?: unknown) => any
  Object.assign(pool, {
    query: explained(query),
    // pg's own query() connects with a callback: that way stays as it was.
    connect: (callback?: unknown) => callback !== undefined
      ? connect(callback)
      : (async () => {
          const client = await connect()
          // What the store's transactions use of a client.
          return {
            query: explained(client.query.bind(client)),
            release: client.release.bind(client),
            on: client.on.bind(client),
            removeListener: client.removeListener.bind(client)
          }
        })()
  })
  return plans
}

/** A plan's nodes, depth first. */
export function planNodes (node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(planNodes)]
}

/** Rows each node of an analyzed plan produced or threw away, over all its loops: the work it did. */
export function rowsHandled (plan: PlanNode): number {
  return planNodes(plan).reduce((sum, node) =>
    sum + ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Join Filter'] ?? 0)) * (node['Actual Loops'] ?? 1), 0)
}
