/**
 * Delivery tracking end to end, over real HTTP both ways: the plugin sends to the local fake of the
 * Cloud API, the fake posts signed status webhooks and inbound messages back to the plugin's webhook
 * route, and the campaign's figures, stats and opt-out list show what they said. On every adapter.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import { metaJson, signatureOf, startCloudApiFake, type CloudApiFake } from 'whatsapp-cloud-fake'
import campaigns, { memoryStore, postgresStore, type CampaignStore } from '../src/index.js'
import { waitFor } from '../../whatsapp-cloud-fake/test/wait-for.js'
import { contactsFor, phoneFor, prefix } from './helpers/app.js'
import { migratedPGlite } from './helpers/pglite.js'
import { freshDatabase, postgresUrl } from './helpers/postgres.js'

const appSecret = 'tracking-flow-secret'
const phoneNumberId = '100200300'

interface Flow {
  app: FastifyInstance
  fake: CloudApiFake
  api: (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) => Promise<any>
}

async function flow (t: Test, store: CampaignStore, failedAfterSent: Record<string, { code: number, title: string }> = {}, messagesPerSecond = 2000): Promise<Flow> {
  const fake = await startCloudApiFake({ accessToken: 'test-token' })
  const app = Fastify({ logger: { level: 'silent' } })
  await app.register(campaigns, {
    prefix,
    store,
    whatsapp: { apiUrl: fake.apiUrl, phoneNumberId, accessToken: 'test-token' },
    webhook: { appSecret },
    sending: { messagesPerSecond, idlePollMs: 50 }
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  fake.setOptions({
    webhooks: {
      url: `http://127.0.0.1:${port}${prefix}/webhook`,
      appSecret,
      sentDelayMs: { min: 0, max: 50 },
      delivered: { share: 1, delayMs: { min: 0, max: 50 } },
      read: { share: 0.5, delayMs: { min: 0, max: 50 } },
      duplicates: 0.1,
      reorder: true,
      failedAfterSent
    }
  })
  t.teardown(async () => {
    await fake.close()
    await app.close()
  })
  const api: Flow['api'] = async (method, url, payload) => {
    const response = await app.inject({ method, url: `${prefix}${url}`, payload: payload as any })
    return { statusCode: response.statusCode, body: response.body === '' ? undefined : response.json() }
  }
  return { app, fake, api }
}

const adapters: Array<{ name: string, store: (t: Test) => Promise<CampaignStore> }> = [
  { name: 'memory', store: async () => memoryStore() },
  { name: 'PGlite', store: async t => postgresStore(await migratedPGlite(t)) }
]
if (postgresUrl !== undefined) adapters.push({ name: 'PostgreSQL', store: async t => postgresStore((await freshDatabase(t)).pool) })

for (const adapter of adapters) {
  t.test(`${adapter.name}: status webhooks move messages to delivered and read; the figures and the stats follow`, async t => {
    const undeliverable = phoneFor(3)
    const { api, fake } = await flow(t, await adapter.store(t), { [undeliverable]: { code: 131026, title: 'Message undeliverable' } })
    const created = await api('POST', '/campaigns', { name: 'tracked', templateName: 'hello', contacts: contactsFor(40) })
    await api('POST', `/campaigns/${created.body.id as number}/run`)
    const id: number = created.body.id
    // Every delivery status is in: 39 delivered (the 40th failed after sent), about half read.
    const done = await waitFor('the delivery statuses', async () => (await api('GET', `/campaigns/${id}`)).body,
      { until: (campaign: any) => campaign.status === 'completed' && campaign.deliveredCount === 39 && campaign.failedCount === 1, timeoutMs: 20_000 })
    await fake.webhooks.idle()
    const campaign = (await api('GET', `/campaigns/${id}`)).body
    t.match(campaign, { totalCount: 40, successCount: 39, failedCount: 1, deliveredCount: 39, skippedCount: 0 })
    t.equal(done.deliveredCount, 39)
    const read = campaign.messages.filter((m: any) => m.status === 'read')
    t.equal(campaign.readCount, read.length, 'readCount counts the read messages')
    t.ok(read.every((m: any) => m.readAt !== null && m.sentAt !== null), 'a read message has its timestamps')
    const failed = campaign.messages.find((m: any) => m.phone === undeliverable)
    t.match(failed, { status: 'failed', error: { code: 131026 } }, 'failed after sent: Meta\'s code kept')

    const stats = (await api('GET', `/campaigns/${id}/stats`)).body
    t.match(stats, { campaignId: id, run: { successCount: 39, deliveredCount: 39 }, failures: [{ code: 131026, count: 1 }] })
    t.equal(stats.rates.delivered, 0.975)
    t.ok(stats.timeline.length >= 1 && stats.timeline.reduce((sum: number, m: any) => sum + m.delivered, 0) === 39, 'the timeline holds every delivery')
    const analytics = (await api('GET', '/analytics')).body
    t.match(analytics, { campaigns: 1, runs: 1, totalCount: 40, deliveredCount: 39 })
  })

  t.test(`${adapter.name}: a STOP reply opts the phone out, the next run skips it, START lets it in again`, async t => {
    const { api, fake } = await flow(t, await adapter.store(t))
    const created = await api('POST', '/campaigns', { name: 'opt-out', templateName: 'hello', contacts: contactsFor(5) })
    const id: number = created.body.id
    await api('POST', `/campaigns/${id}/run`)
    await waitFor('the run', async () => (await api('GET', `/campaigns/${id}`)).body, { until: (c: any) => c.status === 'completed' && c.deliveredCount === 5, timeoutMs: 20_000 })

    fake.webhooks.inbound({ from: phoneFor(1), phoneNumberId, text: ' stop ' })
    await fake.webhooks.idle()
    const listed = (await api('GET', '/opt-outs')).body
    t.match(listed, [{ phone: phoneFor(1), source: 'keyword' }], 'the phone is on the opt-out list')
    t.equal((await api('GET', `/campaigns/${id}`)).body.repliedCount, 1, 'a STOP is an answer too')

    await api('POST', `/campaigns/${id}/run`)
    const rerun = await waitFor('the rerun', async () => (await api('GET', `/campaigns/${id}`)).body, { until: (c: any) => c.status === 'completed', timeoutMs: 20_000 })
    t.match(rerun, { totalCount: 5, successCount: 4, skippedCount: 1 })
    t.match(rerun.messages.find((m: any) => m.phone === phoneFor(1)), { status: 'skipped', error: { code: 'OPTED_OUT' } })
    t.equal(fake.acceptedFor(phoneFor(1)), 1, 'never sent to after the STOP')

    fake.webhooks.inbound({ from: phoneFor(1), phoneNumberId, text: 'START' })
    await fake.webhooks.idle()
    t.same((await api('GET', '/opt-outs')).body, [], 'START takes it off')
  })
}

for (const adapter of adapters) {
  t.test(`${adapter.name}: a STOP that comes while another campaign is running: that run never sends to the phone`, async t => {
    const { api, fake } = await flow(t, await adapter.store(t), {}, 20)
    const stopper = phoneFor(59)
    const first = (await api('POST', '/campaigns', { name: 'first', templateName: 'hello', contacts: [{ phone: stopper }] })).body
    await api('POST', `/campaigns/${first.id as number}/run`)
    await waitFor('the first run', async () => (await api('GET', `/campaigns/${first.id as number}`)).body, { until: (c: any) => c.status === 'completed' && c.deliveredCount === 1, timeoutMs: 20_000 })
    // Three seconds of sending at 20 a second, the stopper last.
    const second = (await api('POST', '/campaigns', { name: 'second', templateName: 'hello', contacts: contactsFor(60) })).body
    await api('POST', `/campaigns/${second.id as number}/run`)
    await waitFor('the second run to send', async () => (await api('GET', `/campaigns/${second.id as number}`)).body, { until: (c: any) => c.successCount >= 5, timeoutMs: 20_000 })
    fake.webhooks.inbound({ from: stopper, phoneNumberId, text: 'STOP' })
    await fake.webhooks.idle()
    const done = await waitFor('the second run', async () => (await api('GET', `/campaigns/${second.id as number}`)).body, { until: (c: any) => c.status === 'completed', timeoutMs: 30_000 })
    t.match(done, { totalCount: 60, successCount: 59, skippedCount: 1, failedCount: 0 })
    t.match(done.messages.find((m: any) => m.phone === stopper), { status: 'skipped', error: { code: 'OPTED_OUT' } })
    t.equal(fake.acceptedFor(stopper), 1, 'only the first campaign reached it')
  })

  t.test(`${adapter.name}: a signed event holding a NUL or half a surrogate pair (which PostgreSQL cannot store), a change without a value, a time past 9999: acknowledged, stored as it can be`, async t => {
    const { app } = await flow(t, await adapter.store(t))
    const body = metaJson({
      object: 'whatsapp_business_account',
      entry: [{
        id: '102290129340398',
        changes: [
          { field: 'message_template_status_update', value: { event: 'APPROVED', message_template_name: 'a\u0000b', reason: '\u0000', 'k\udc00': 'x\ud800', nested: [{ '\u0000': '\udfff' }] } },
          { field: 'account_update', value: null },
          { field: 'messages', value: { metadata: { phone_number_id: phoneNumberId }, statuses: [{ id: 'wamid.unknown', status: 'delivered', timestamp: '999999999999', recipient_id: '16505551234' }] } }
        ]
      }]
    })
    t.ok(body.includes('\\u0000') && body.includes('\\ud800'), 'escaped as Meta escapes them')
    const answer = await app.inject({ method: 'POST', url: `${prefix}/webhook`, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signatureOf(body, appSecret) }, payload: body })
    t.equal(answer.statusCode, 200, answer.body)
    // Closed: the status journal (PostgreSQL) is applied to its end, which a time it cannot read back would stop.
    await app.close()
  })
}

if (postgresUrl !== undefined) {
  t.test('PostgreSQL: statuses acknowledged by a process that stopped before applying them are applied by the next one', async t => {
    const { pool } = await freshDatabase(t)
    const store = postgresStore(pool)
    const first = await flow(t, { ...store, applyJournaled: async () => { throw new Error('stopped before applying') } })
    const id: number = (await first.api('POST', '/campaigns', { name: 'stranded', templateName: 'hello', contacts: contactsFor(10) })).body.id
    await first.api('POST', `/campaigns/${id}/run`)
    await waitFor('the run', async () => (await first.api('GET', `/campaigns/${id}`)).body, { until: (c: any) => c.status === 'completed', timeoutMs: 20_000 })
    await first.fake.webhooks.idle()
    t.ok(first.fake.webhooks.deliveries.every(delivery => delivery.http === 200), 'Meta was answered 200 for every status')
    await first.fake.close()
    await first.app.close()
    const journaled = async (): Promise<number> => Number((await pool.query('SELECT count(*) AS n FROM campaign_status_journal')).rows[0].n)
    t.ok(await journaled() > 0, 'the statuses are journaled, not applied')

    const next = Fastify({ logger: { level: 'silent' } })
    await next.register(campaigns, { prefix, store, whatsapp: { phoneNumberId, accessToken: 'test-token' }, webhook: { appSecret } })
    t.teardown(async () => { await next.close() })
    await next.ready()
    const campaign = await waitFor('the swept statuses', async () => (await next.inject({ url: `${prefix}/campaigns/${id}` })).json(),
      { until: (c: any) => c.deliveredCount === 10, timeoutMs: 10_000 })
    t.match(campaign, { successCount: 10, deliveredCount: 10 }, 'every delivery counted, once')
    t.equal(await journaled(), 0, 'the journal is empty')
  })
}

t.test('opt-out routes: add, list, filter, page, remove; bad phones named', async t => {
  const { api } = await flow(t, memoryStore())
  const added = await api('POST', '/opt-outs', { phones: ['+91 98765 00002', '919876500001', '919876500001'] })
  t.match(added, { statusCode: 200, body: { added: 2, listed: 2 } })
  t.match(await api('POST', '/opt-outs', { phones: ['919876500001'] }), { body: { added: 0, listed: 1 } }, 'already there: nothing new')
  t.match((await api('GET', '/opt-outs')).body, [{ phone: '919876500001', source: 'api' }, { phone: '919876500002' }])
  t.match((await api('GET', '/opt-outs?limit=1')).body, [{ phone: '919876500001' }])
  t.match((await api('GET', '/opt-outs?after=919876500001')).body, [{ phone: '919876500002' }])
  t.match((await api('GET', '/opt-outs?phone=%2B91%2098765%2000002')).body, [{ phone: '919876500002' }], 'a phone as written in a list')
  const bad = await api('POST', '/opt-outs', { phones: ['919876500003', 'not a phone'] })
  t.match(bad, { statusCode: 400, body: { code: 'WAC_INVALID_CONTACTS', details: [{ index: 1, value: 'not a phone' }] } })
  t.equal((await api('GET', '/opt-outs')).body.length, 2, 'a refused list adds nothing')
  t.equal((await api('POST', '/opt-outs', { phone: '919876500003' })).statusCode, 400, 'an unknown field')
  t.equal((await api('DELETE', '/opt-outs/919876500002')).statusCode, 204)
  t.match(await api('DELETE', '/opt-outs/919876500002'), { statusCode: 404, body: { code: 'WAC_OPT_OUT_NOT_FOUND' } })
  t.match(await api('GET', '/campaigns/999/stats'), { statusCode: 404, body: { code: 'WAC_CAMPAIGN_NOT_FOUND' } })
  const draft = await api('POST', '/campaigns', { name: 'never ran', templateName: 'hello', contacts: contactsFor(1) })
  t.match(await api('GET', `/campaigns/${draft.body.id as number}/stats`), { statusCode: 404, body: { code: 'WAC_NEVER_RAN' } })
  const now = Date.now()
  const period = new URLSearchParams({ from: new Date(now).toISOString(), to: new Date(now - 86_400_000).toISOString() })
  t.match(await api('GET', `/analytics?${period.toString()}`), { statusCode: 400, body: { code: 'WAC_INVALID_PERIOD' } })
  t.match(await api('GET', '/analytics?from=yesterday'), { statusCode: 400 })
  for (const time of ['2026-13-45T99:99:99Z', '2026-02-30T10:00:00Z', '2026-00-10T10:00Z']) {
    t.match(await api('GET', `/analytics?from=${encodeURIComponent(time)}`), {
      statusCode: 400,
      body: { statusCode: 400, error: 'Bad Request', code: 'WAC_INVALID_PERIOD', message: new RegExp(`^from ${time.replace(/[+.]/g, '\\$&')} is not a real date and time: write one such as \\S+T09:00:00Z`) }
    }, `an impossible from: ${time}`)
  }
  t.match(await api('GET', '/analytics?to=2027-04-31T00:00:00Z'), { statusCode: 400, body: { code: 'WAC_INVALID_PERIOD', message: /^to 2027-04-31/ } }, 'an impossible to')
})
