import { postgresStore } from 'fastify-whatsapp-campaigns'
import type { BenchDatabase } from './database.js'
import { bestOf, phoneFor, report } from './measure.js'

/**
 * Writing a 100,000-contact campaign through the store, beside the same rows written by one bare
 * `INSERT … SELECT FROM unnest` into a table of the same shape: what the store adds to the floor.
 */
export async function benchBulkCreate ({ db, query }: BenchDatabase, count = 100_000): Promise<void> {
  const store = postgresStore(db)
  await store.init?.()
  const contacts = Array.from({ length: count }, (_, i) => ({ phone: phoneFor(i), name: `Contact ${i}`, parameters: null }))

  await query('CREATE TABLE bench_contacts (LIKE campaign_contacts INCLUDING ALL)')
  let campaignId = 0
  const baseline = await bestOf(3, async () => {
    campaignId++
    await query(
      `INSERT INTO bench_contacts (tenant, campaign_id, position, phone, name, parameters)
       SELECT 'bench', $1, ordinality, phone, name, parameters
         FROM unnest($2::text[], $3::text[], $4::jsonb[]) WITH ORDINALITY AS c(phone, name, parameters)`,
      [campaignId, contacts.map(c => c.phone), contacts.map(c => c.name), contacts.map(() => null)]
    )
  })
  const store100k = await bestOf(3, async () => {
    await store.create('bench', { name: 'bench', templateName: 'hello', language: 'en', parameters: [], contacts })
  })
  await query('DROP TABLE bench_contacts')

  report(`Create a ${count.toLocaleString('en')}-contact campaign (best of 3)`, [
    ['bare unnest insert (baseline)', `${baseline.toFixed(0)} ms`],
    ['store.create', `${store100k.toFixed(0)} ms`],
    ['ratio store / baseline', (store100k / baseline).toFixed(2)]
  ])
}
