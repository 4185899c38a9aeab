import Fastify, { type FastifyInstance } from 'fastify'
import campaigns, { postgresStore, type CampaignStore, type Preflight } from 'fastify-whatsapp-campaigns'
import { startCloudApiFake } from 'whatsapp-cloud-fake'
import type { BenchDatabase } from './database.js'
import { bestOf, phoneFor, report, timed } from './measure.js'

const tenant = 'bench-preflight'
const sender = '104'
const reads = 3

/**
 * The preflight of a campaign of `count` contacts (default 100,000), beside a bare
 * `SELECT count(*)` of its contacts, in the same run: `POST /campaigns/:id/preflight` and the same
 * list as an unsaved draft (`POST /preflight`, the list parsed and checked as create does), each
 * through app.inject; and its two store reads alone (the opt-out lookup and the unique recipients of
 * the last 24 h). The number's tier comes from the local fake over real HTTP: the first preflight
 * reads it, the later ones find it cached. An earlier run from the same number reached half the
 * list and as many other phones, so the count of unique recipients reads a real window; a thousandth
 * of the list is on the opt-out list.
 */
export async function benchPreflight (database: BenchDatabase, count = Number(process.env.BENCH_PREFLIGHT_CONTACTS ?? 100_000)): Promise<void> {
  if (!(Number.isInteger(count) && count >= 1000)) throw new Error(`BENCH_PREFLIGHT_CONTACTS must be an integer of 1,000 or more (got ${process.env.BENCH_PREFLIGHT_CONTACTS})`)
  const store = postgresStore(database.db)
  await store.init?.()
  const fake = await startCloudApiFake({ accessToken: 'bench-token', numbers: { [sender]: { messagingLimitTier: 'TIER_100K' } } })
  const contacts = Array.from({ length: count }, (_, i) => ({ name: `Contact ${i}`, phone: phoneFor(i) }))
  let app: FastifyInstance | undefined
  try {
    const setup = await timed(async () => {
      await reachedEarlier(store, count)
      await store.addOptOuts(tenant, contacts.filter((_, i) => i % 1000 === 0).map(contact => contact.phone), 'api')
    })
    const { id } = await store.create(tenant, { name: `preflight ${count}`, templateName: 'hello', language: 'en', parameters: [], contacts: contacts.map(c => ({ ...c, parameters: null })) })
    app = Fastify({ logger: { level: 'warn' }, bodyLimit: 64 * 2 ** 20 })
    await app.register(campaigns, {
      store,
      whatsapp: { apiUrl: fake.apiUrl, phoneNumberId: sender, accessToken: 'bench-token' },
      tenant: () => tenant,
      pricing: { 91: { marketing: 0.0107, utility: 0.0014 } }
    })
    await app.ready()
    const api = app

    const bareCount = async (): Promise<void> => {
      await database.query('SELECT count(*) FROM campaign_contacts WHERE tenant = $1 AND campaign_id = $2', [tenant, id])
    }
    let answer: Preflight | undefined
    const saved = async (): Promise<void> => {
      const response = await api.inject({ method: 'POST', url: `/campaigns/${id}/preflight`, payload: { category: 'marketing' } })
      if (response.statusCode !== 200) throw new Error(`POST /campaigns/${id}/preflight answered ${response.statusCode}: ${response.body.slice(0, 300)}`)
      answer = response.json()
    }
    const draftPayload = JSON.stringify({ name: 'draft', templateName: 'hello', contacts, category: 'marketing' })
    const draft = async (): Promise<void> => {
      const response = await api.inject({ method: 'POST', url: '/preflight', payload: draftPayload, headers: { 'content-type': 'application/json' } })
      if (response.statusCode !== 200) throw new Error(`POST /preflight answered ${response.statusCode}: ${response.body.slice(0, 300)}`)
    }
    const phones = contacts.map(contact => contact.phone)
    const since = new Date(Date.now() - 24 * 3_600_000)

    const first = await timed(saved)
    const count0 = await bestOf(reads, bareCount)
    const savedBest = await bestOf(reads, saved)
    const draftBest = await bestOf(reads, draft)
    const optOuts = await bestOf(reads, async () => await store.optedOutAmong(tenant, phones))
    const reach = await bestOf(reads, async () => await store.uniqueRecipients(tenant, { sender, since, phones }))
    const countBest = Math.min(count0, await bestOf(reads, bareCount))
    const ms = (value: number): string => `${value.toFixed(1)} ms`
    const ratio = (value: number): string => `${(value / countBest).toFixed(1)}× the bare count`
    const number = answer?.number
    report(`Preflight of a ${count.toLocaleString('en')}-contact campaign beside a bare count of its contacts (best of ${reads}; setup ${(setup / 1000).toFixed(1)} s)`, [
      ['SELECT count(*) of its contacts (baseline)', ms(countBest)],
      ['POST /campaigns/:id/preflight, the first (reads the tier over HTTP)', `${ms(first)}; ${ratio(first)}`],
      ['POST /campaigns/:id/preflight', `${ms(savedBest)}; ${ratio(savedBest)}`],
      ['POST /preflight, the same list as a draft (parsed and checked)', `${ms(draftBest)}; ${ratio(draftBest)}`],
      ['  store: optedOutAmong of the list', `${ms(optOuts)}; ${ratio(optOuts)}`],
      ['  store: uniqueRecipients of the list in 24 h', `${ms(reach)}; ${ratio(reach)}`],
      ['the answer', number === undefined
        ? 'none'
        : `${answer?.toSend.toLocaleString('en')} to send; ${number.tier}, ${number.reachedLast24h.toLocaleString('en')} reached, ${number.alreadyReached.toLocaleString('en')} already, ` +
          `${number.newRecipients.toLocaleString('en')} new, fits ${String(number.fits)}, refused ${String(number.refused)}; ${answer?.duration.text} at ${answer?.duration.messagesPerSecond} msg/s; cost ${answer?.cost.total} ${answer?.cost.currency}`]
    ])
  } finally {
    await app?.close()
    await fake.close()
  }
}

/** A run from the number, every message accepted just now: half the list's phones and as many others. */
async function reachedEarlier (store: CampaignStore, count: number): Promise<void> {
  const half = Math.floor(count / 2)
  const contacts = Array.from({ length: count }, (_, i) => ({ name: null, phone: phoneFor(i < half ? i : count + i), parameters: null }))
  const { id } = await store.create(tenant, { name: 'earlier', templateName: 'hello', language: 'en', parameters: [], contacts })
  const started = await store.startRun(tenant, id, ['draft'], 'all', sender)
  if (!started.ok) throw new Error(`the earlier run did not start: ${JSON.stringify(started)}`)
  const plan = started.value
  for (;;) {
    const claimed = await store.claim(plan, 5_000, new Date(Date.now() + 60_000))
    if (claimed.length === 0) break
    await store.record(plan, claimed.map(message => ({ id: message.id, status: 'sent', messageId: `wamid.bench-preflight-${message.id}` })))
  }
  if (!await store.finishRun(plan, { status: 'completed' })) throw new Error('the earlier run did not finish')
}
