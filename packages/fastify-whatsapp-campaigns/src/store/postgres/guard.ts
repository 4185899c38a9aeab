/**
 * Changes allowed only in some statuses, all or nothing: the guard is checked under the rows' locks
 * by the statements themselves, and when it no longer holds partway (another change came between),
 * everything already done is rolled back and the answer says why.
 */
import type { CampaignStatus } from '../../schemas/campaign.js'
import type { Guarded, Refusal, Tenant } from '../types.js'
import type { Queryable, SqlClient, SqlSession } from '../sql-client.js'

/**
 * Runs `change` in a transaction. It answers null when its guard did not hold (the refusal is then
 * looked up after the rollback), a refusal of its own (e.g. 'empty') to roll back with that answer,
 * or the value to commit.
 */
export async function guarded<T> (
  db: SqlClient, tenant: Tenant, id: number, change: (tx: SqlSession) => Promise<Guarded<T> | null>
): Promise<Guarded<T>> {
  try {
    return await db.transaction(async tx => {
      const answer = await change(tx)
      if (answer === null || !answer.ok) throw new RolledBack(answer)
      return answer
    })
  } catch (err) {
    if (!(err instanceof RolledBack)) throw err
    return err.answer ?? await refusal(db, tenant, id)
  }
}

class RolledBack extends Error {
  constructor (readonly answer: Guarded<never> | null) {
    super('rolled back')
  }
}

/** Why a guarded change did not happen: the campaign is not this tenant's, or its status forbids it. */
export async function refusal (db: Queryable, tenant: Tenant, id: number): Promise<Refusal> {
  const status = await campaignStatus(db, tenant, id)
  return status === null ? { ok: false, reason: 'not_found' } : { ok: false, reason: 'status', status }
}

export async function campaignStatus (db: Queryable, tenant: Tenant, id: number): Promise<CampaignStatus | null> {
  const { rows: [row] } = await db.query<{ status: CampaignStatus }>('SELECT status FROM campaigns WHERE tenant = $1 AND id = $2', [tenant, id])
  return row?.status ?? null
}
