/**
 * The routes the Campaigns page needs beside the CRUD ones, end to end through `inject` on a given
 * store: the CSV export, the dry run of a contact list, the list's search and its counts per status.
 */
import type { Test } from 'tap'
import type { FastifyRequest } from 'fastify'
import type { CampaignStore, MessageOutcome, MessageQuery, StoredContact, Tenant } from '../../src/index.js'
import { guardFormula, messageCsvColumns } from '../../src/routes/messages-csv.js'
import { buildTestApp, phoneFor, prefix } from './app.js'
import { parseCsv } from './csv.js'

export type StoreFactory = (t: Test) => Promise<CampaignStore>

const tenantA: Tenant = 'tenant-a'
const tenantB: Tenant = 'tenant-b'
const json = { 'content-type': 'application/json' }

/** Names a CSV must quote, or guard, or carry whole. */
export const awkwardNames: Array<string | null> = [
  'Asha, Rao', 'say "hi"', 'two\nlines', 'cr\rinside', 'Åsa Ñandú 😀', '=cmd|/C calc', '+1 offer', '-minus', '@at', '\ttab', 'plain', null
]

/** A store whose `messages` calls are remembered: the export's pages. */
function counted (store: CampaignStore): { store: CampaignStore, pages: MessageQuery[] } {
  const pages: MessageQuery[] = []
  return {
    store: { ...store, messages: async (tenant, id, query) => { pages.push(query); return await store.messages(tenant, id, query) } },
    pages
  }
}

/**
 * A campaign of `contacts` whose run is over, its outcomes recorded through the store as the engine
 * would (every tenth from the fourth failed with Meta's 131026, from the eighth with a title a
 * spreadsheet would take for a formula), before any app is on the store: no engine sends it.
 */
export async function seedRun (store: CampaignStore, tenant: Tenant, contacts: StoredContact[], name = 'Seeded'): Promise<{ id: number, runId: number }> {
  const campaign = await store.create(tenant, { name, templateName: 'hello', language: 'en', parameters: [], contacts })
  const started = await store.startRun(tenant, campaign.id, ['draft'])
  if (!started.ok) throw new Error(`not started: ${JSON.stringify(started)}`)
  const plan = started.value
  await recordAll(store, plan, i => i % 10 === 3
    ? { status: 'failed', code: 131026, title: 'Message undeliverable' }
    : i % 10 === 7 ? { status: 'failed', code: 'NETWORK_ERROR', title: '=HYPERLINK("http://x")' } : { status: 'sent', messageId: `wamid.seed-${plan.runId}-${i}` })
  if (!await store.finishRun(plan, { status: 'completed' })) throw new Error('not finished')
  return { id: campaign.id, runId: plan.runId }
}

type Outcome = { status: 'sent', messageId: string } | { status: 'failed', code: number | string, title: string }

async function recordAll (store: CampaignStore, plan: Parameters<CampaignStore['claim']>[0], outcome: (i: number) => Outcome): Promise<void> {
  let index = 0
  for (;;) {
    const claimed = await store.claim(plan, 1000, new Date(Date.now() + 60_000))
    if (claimed.length === 0) return
    await store.record(plan, claimed.map(message => ({ id: message.id, ...outcome(index++) }) as MessageOutcome))
  }
}

export function awkwardContacts (count: number): StoredContact[] {
  return Array.from({ length: count }, (_, i) => ({ phone: phoneFor(i), name: awkwardNames[i % awkwardNames.length], parameters: null }))
}

/** A message as its CSV row should read it back: every cell text, nulls empty, text guarded. */
function expectedRow (message: any): string[] {
  const cells = [
    message.position, message.phone, message.name, message.status, message.messageId,
    message.error?.code ?? null, message.error?.title ?? null, message.attempts,
    message.sentAt, message.deliveredAt, message.readAt, message.repliedAt, message.updatedAt
  ]
  return cells.map(cell => cell === null ? '' : typeof cell === 'string' ? guardFormula(cell) : String(cell))
}

const tenantFromHeader = (request: FastifyRequest): string => String(request.headers['x-tenant'] ?? tenantA)

export function pageApiSuite (t: Test, makeStore: StoreFactory, options: { exportRows: number }): void {
  const app = async (t: Test, store: CampaignStore, plugin: Record<string, unknown> = {}) =>
    (await buildTestApp(t, { store, plugin: { tenant: tenantFromHeader, ...plugin } })).app

  t.test(`export: ${options.exportRows.toLocaleString('en')} rows, more than a page, each once and in order, quoted and guarded`, async t => {
    const { store, pages } = counted(await makeStore(t))
    const { id } = await seedRun(store, tenantA, awkwardContacts(options.exportRows))
    const api = await app(t, store)
    pages.length = 0
    const response = await api.inject({ method: 'GET', url: `${prefix}/campaigns/${id}/messages.csv` })
    t.equal(response.statusCode, 200)
    t.equal(response.headers['content-type'], 'text/csv; charset=utf-8')
    t.equal(response.headers['content-disposition'], `attachment; filename="campaign-${id}-all.csv"`)
    t.strictSame([...response.rawPayload.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a UTF-8 BOM first')
    const records = parseCsv(response.rawPayload.subarray(3).toString('utf8'))
    t.strictSame(records[0], [...messageCsvColumns], 'the header')
    t.equal(records.length - 1, options.exportRows, 'one record per recipient')
    t.strictSame(pages.map(page => [page.limit, page.after ?? 0]),
      Array.from({ length: Math.ceil(options.exportRows / 1000) }, (_, i) => [1000, i * 1000]), 'read in keyset pages of 1,000')
    t.ok(pages.every(page => page.run !== undefined), 'every page of the same run, by its id')

    const wanted: string[][] = []
    for (let after = 0; ; after += 1000) {
      const page = (await api.inject({ method: 'GET', url: `${prefix}/campaigns/${id}/messages?limit=1000&after=${after}` })).json()
      if (page.length === 0) break
      wanted.push(...page.map(expectedRow))
    }
    t.equal(wanted.length, options.exportRows)
    const mismatch = records.slice(1).findIndex((record, i) => JSON.stringify(record) !== JSON.stringify(wanted[i]))
    t.equal(mismatch, -1, mismatch === -1 ? 'every record is its message, in position order' : `record ${mismatch + 1}: ${JSON.stringify(records[mismatch + 1])} vs ${JSON.stringify(wanted[mismatch])}`)
    t.strictSame(records.slice(1).map(r => Number(r[0])), Array.from({ length: options.exportRows }, (_, i) => i + 1), 'positions 1…n, none twice')

    const names = records.slice(1, 1 + awkwardNames.length).map(record => record[2])
    t.strictSame(names, ['Asha, Rao', 'say "hi"', 'two\nlines', 'cr\rinside', 'Åsa Ñandú 😀', "'=cmd|/C calc", "'+1 offer", "'-minus", "'@at", "'\ttab", 'plain', ''],
      'commas, quotes, line breaks and unicode whole; formulas behind an apostrophe; no name empty')
    const raw = response.rawPayload.toString('utf8')
    for (const fragment of ['"Asha, Rao"', '"say ""hi"""', '"two\nlines"', '"cr\rinside"', ",'=cmd|/C calc,", ',"\'=HYPERLINK(""http://x"")",']) {
      t.ok(raw.includes(fragment), `written as ${JSON.stringify(fragment)}`)
    }
    t.strictSame(records[4].slice(3, 7), ['failed', '', '131026', 'Message undeliverable'], "a failure: Meta's code and title, no wamid")
    t.match(records[1][4], /^wamid\.seed-/, 'a sent one: its wamid')
  })

  t.test('export: ?status= keeps one status, named in the file; ?run= an earlier run; never ran: the header alone', async t => {
    const store = await makeStore(t)
    const { id, runId } = await seedRun(store, tenantA, awkwardContacts(40))
    // A rerun of the failed: the latest run is now that one.
    const rerun = await store.startRun(tenantA, id, ['completed'], 'failed')
    if (!rerun.ok) throw new Error('no rerun')
    await recordAll(store, rerun.value, i => ({ status: 'sent', messageId: `wamid.rerun-${i}` }))
    await store.finishRun(rerun.value, { status: 'completed' })
    const draft = await store.create(tenantA, { name: 'never ran', templateName: 'hello', language: 'en', parameters: [], contacts: awkwardContacts(3) })
    const api = await app(t, store)
    const csv = async (query: string, campaign = id) => {
      const response = await api.inject({ method: 'GET', url: `${prefix}/campaigns/${campaign}/messages.csv${query}` })
      t.equal(response.statusCode, 200, query)
      return { records: parseCsv(response.body.replace(/^\uFEFF/, '')).slice(1), disposition: response.headers['content-disposition'] }
    }
    const failed = await csv(`?status=failed&run=${runId}`)
    t.equal(failed.disposition, `attachment; filename="campaign-${id}-failed.csv"`)
    t.strictSame(failed.records.map(r => r[3]), Array(8).fill('failed'), "the first run's 8 failures")
    t.equal((await csv(`?run=${runId}`)).records.length, 40, 'the first run whole')
    const latest = await csv('')
    t.equal(latest.records.length, 8, 'the latest run: the rerun of the 8 failed')
    t.ok(latest.records.every(r => r[3] === 'sent'))
    t.equal((await csv('?status=failed')).records.length, 0, 'nothing failed in the rerun: the header alone')
    t.equal((await csv('', draft.id)).records.length, 0, 'a campaign that never ran: the header alone')
  })

  t.test('export: 404 in the error shape for an unknown campaign, another tenant\'s, or a run not its own; 400 for a bad status', async t => {
    const store = await makeStore(t)
    const { id, runId } = await seedRun(store, tenantA, awkwardContacts(3))
    const other = await seedRun(store, tenantA, awkwardContacts(2))
    const api = await app(t, store)
    const get = async (url: string, tenant = tenantA) => await api.inject({ method: 'GET', url: `${prefix}${url}`, headers: { 'x-tenant': tenant } })
    for (const [url, tenant, code] of [
      [`/campaigns/${id + 100}/messages.csv`, tenantA, 'WAC_CAMPAIGN_NOT_FOUND'],
      [`/campaigns/${id}/messages.csv`, tenantB, 'WAC_CAMPAIGN_NOT_FOUND'],
      [`/campaigns/${id}/messages.csv?run=${other.runId}`, tenantA, 'WAC_RUN_NOT_FOUND'],
      [`/campaigns/${id}/messages.csv?run=${runId + 100}`, tenantA, 'WAC_RUN_NOT_FOUND']
    ]) {
      const response = await get(url, tenant)
      t.equal(response.statusCode, 404, `${url} as ${tenant}`)
      t.match(response.headers['content-type'], /^application\/json/)
      t.match(response.json(), { statusCode: 404, error: 'Not Found', code, message: String })
    }
    for (const query of ['status=sending', 'status=', 'run=0', 'run=abc']) {
      const response = await get(`/campaigns/${id}/messages.csv?${query}`)
      t.equal(response.statusCode, 400, query)
      t.equal(response.json().code, 'FST_ERR_VALIDATION')
    }
  })

  t.test('check: each row valid, invalid with its reason, a duplicate of an earlier row, or opted out; counts; nothing stored', async t => {
    const store = await makeStore(t)
    await store.addOptOuts(tenantA, [phoneFor(3)], 'api')
    await store.addOptOuts(tenantB, [phoneFor(1)], 'api')
    const api = await app(t, store)
    const response = await api.inject({
      method: 'POST',
      url: `${prefix}/contacts/check`,
      headers: json,
      payload: {
        contacts: [
          { name: '  Asha  ', phone: `+${phoneFor(1).slice(0, 2)} ${phoneFor(1).slice(2)}` },
          { name: 'Bad', phone: '12' },
          { name: 'Again', phone: `(${phoneFor(1).slice(0, 2)}) ${phoneFor(1).slice(2)}` },
          { name: 'Stopped', phone: phoneFor(3) },
          { name: '', phone: 'abc' },
          { phone: phoneFor(4), parameters: ['x'] },
          { name: 'Stopped twice', phone: phoneFor(3) },
          { name: 'Ünïcode 😀', phone: phoneFor(5) }
        ]
      }
    })
    t.equal(response.statusCode, 200)
    const { rows, counts } = response.json()
    t.strictSame(rows.map((r: any) => [r.index, r.phone, r.name, r.verdict]), [
      [0, phoneFor(1), 'Asha', 'valid'],
      [1, '12', 'Bad', 'invalid'],
      [2, phoneFor(1), 'Again', 'duplicate'],
      [3, phoneFor(3), 'Stopped', 'optedOut'],
      [4, 'abc', null, 'invalid'],
      [5, phoneFor(4), null, 'valid'],
      [6, phoneFor(3), 'Stopped twice', 'duplicate'],
      [7, phoneFor(5), 'Ünïcode 😀', 'valid']
    ], "phones normalised, names trimmed; only this tenant's opt-outs count")
    t.equal(rows[0].reason, undefined, 'a valid row has no reason')
    t.match(rows[1].reason, /not a valid phone number/)
    t.match(rows[4].reason, /only digits/)
    t.strictSame([rows[2].reason, rows[2].duplicateOf], ['the same phone as row 0', 0])
    t.match(rows[3].reason, /opt-out list/)
    t.strictSame(counts, { valid: 3, invalid: 2, duplicate: 2, optedOut: 1 })
    t.equal((await store.list(tenantA, { limit: 10, offset: 0 })).total, 0, 'no campaign made')
    t.equal((await store.optOuts(tenantA, { limit: 10 })).length, 1, 'the opt-out list as it was')

    const empty = await api.inject({ method: 'POST', url: `${prefix}/contacts/check`, headers: json, payload: { contacts: [] } })
    t.strictSame(empty.json(), { rows: [], counts: { valid: 0, invalid: 0, duplicate: 0, optedOut: 0 } })
  })

  t.test('check: the create\'s limit and its 400; a bad body is a 400 too', async t => {
    const api = await app(t, await makeStore(t), { maxContacts: 5 })
    const check = async (payload: unknown) => await api.inject({ method: 'POST', url: `${prefix}/contacts/check`, headers: json, payload: payload as any })
    const create = async (payload: unknown) => await api.inject({ method: 'POST', url: `${prefix}/campaigns`, headers: json, payload: payload as any })
    const six = Array.from({ length: 6 }, (_, i) => ({ phone: phoneFor(i) }))
    const refused = await check({ contacts: six })
    t.equal(refused.statusCode, 400)
    t.strictSame(refused.json(), (await create({ name: 'n', templateName: 't', contacts: six })).json(), 'the same 400 as a create')
    t.equal(refused.json().code, 'WAC_TOO_MANY_CONTACTS')
    const withRepeats = await check({ contacts: [...six.slice(0, 5), ...six.slice(0, 5), { phone: 'bad' }] })
    t.equal(withRepeats.statusCode, 200, 'repeats and refused rows do not count towards the limit')
    t.strictSame(withRepeats.json().counts, { valid: 5, invalid: 1, duplicate: 5, optedOut: 0 })
    for (const [label, payload] of [['no contacts', {}], ['a typo', { contact: [] }], ['phone of the wrong type', { contacts: [{ phone: 5 }] }], ['an array', []]] as const) {
      const response = await check(payload)
      t.equal(response.statusCode, 400, label)
      t.equal(response.json().code, 'FST_ERR_VALIDATION', label)
    }
  })

  t.test('list: ?q= finds names case aside, with status, total and paging; counts per status follow it', async t => {
    const store = await makeStore(t)
    for (const name of ['Diwali offer', 'DIWALI reminder', 'Summer sale', '100% Diwali', 'Ünïcode Ñews']) await store.create(tenantA, { name, templateName: 'hello', language: 'en', parameters: [], contacts: [] })
    await seedRun(store, tenantA, awkwardContacts(2), 'diwali done')
    await store.create(tenantB, { name: 'Diwali of B', templateName: 'hello', language: 'en', parameters: [], contacts: [] })
    const api = await app(t, store)
    const list = async (query: string) => {
      const response = await api.inject({ method: 'GET', url: `${prefix}/campaigns?${query}` })
      t.equal(response.statusCode, 200, query)
      return { names: response.json().map((c: any) => c.name), total: Number(response.headers['x-total-count']) }
    }
    t.strictSame(await list('q=diwali'), { names: ['diwali done', '100% Diwali', 'DIWALI reminder', 'Diwali offer'], total: 4 })
    t.strictSame(await list('q=%20Diwali%20'), { names: ['diwali done', '100% Diwali', 'DIWALI reminder', 'Diwali offer'], total: 4 }, 'surrounding spaces are not searched')
    t.strictSame(await list('q=diwali&status=draft&limit=2'), { names: ['100% Diwali', 'DIWALI reminder'], total: 3 }, 'with the status and a page')
    t.strictSame(await list('q=%25'), { names: ['100% Diwali'], total: 1 }, '% is itself')
    t.strictSame(await list('q=ñews'), { names: ['Ünïcode Ñews'], total: 1 })
    t.strictSame(await list('q='), { names: ['diwali done', 'Ünïcode Ñews', '100% Diwali', 'Summer sale', 'DIWALI reminder', 'Diwali offer'], total: 6 }, 'empty: every campaign')
    t.equal((await api.inject({ method: 'GET', url: `${prefix}/campaigns?q=${'x'.repeat(201)}` })).statusCode, 400, 'a search longer than any name')

    const counts = async (query: string, tenant = tenantA) => {
      const response = await api.inject({ method: 'GET', url: `${prefix}/campaigns/counts${query}`, headers: { 'x-tenant': tenant } })
      t.equal(response.statusCode, 200, query)
      return response.json()
    }
    const zero = { all: 0, draft: 0, scheduled: 0, running: 0, paused: 0, completed: 0, failed: 0, cancelled: 0 }
    t.strictSame(await counts(''), { ...zero, all: 6, draft: 5, completed: 1 })
    t.strictSame(await counts('?q=DIWALI'), { ...zero, all: 4, draft: 3, completed: 1 })
    t.strictSame(await counts('?q=nothing'), zero, 'every status, at zero')
    t.strictSame(await counts('', tenantB), { ...zero, all: 1, draft: 1 }, "one tenant's")
  })

  t.test('summary: a campaign as the list shows it, its list\'s length and its run\'s times, without contacts or messages; 404 for another tenant', async t => {
    const store = await makeStore(t)
    const { id } = await seedRun(store, tenantA, awkwardContacts(30))
    const draft = await store.create(tenantA, { name: 'Draft', templateName: 'hello', language: 'en', parameters: [], contacts: awkwardContacts(4) })
    const api = await app(t, store)
    const get = async (url: string, tenant = tenantA) => await api.inject({ method: 'GET', url: `${prefix}${url}`, headers: { 'x-tenant': tenant } })
    const ran = await get(`/campaigns/${id}/summary`)
    t.equal(ran.statusCode, 200)
    const summary = ran.json()
    t.match(summary, { id, status: 'completed', totalCount: 30, contactCount: 30, startedAt: String, finishedAt: String })
    t.notOk('contacts' in summary || 'messages' in summary, 'no lists')
    const [listed] = (await get('/campaigns?q=Seeded')).json()
    t.strictSame(summary, listed, 'what the list says of it')
    t.match((await get(`/campaigns/${draft.id}/summary`)).json(), { status: 'draft', contactCount: 4, startedAt: null, finishedAt: null })
    const stranger = await get(`/campaigns/${id}/summary`, tenantB)
    t.equal(stranger.statusCode, 404)
    t.equal(stranger.json().code, 'WAC_CAMPAIGN_NOT_FOUND')
  })

  t.test('routes: the new ones are there', async t => {
    const api = await app(t, await makeStore(t))
    for (const [method, url] of [['GET', '/campaigns/counts'], ['GET', '/campaigns/:id/summary'], ['GET', '/campaigns/:id/messages.csv'], ['POST', '/contacts/check']] as const) {
      t.ok(api.hasRoute({ method, url: `${prefix}${url}` }), `${method} ${url}`)
    }
  })
}
