import { setTimeout as sleep } from 'node:timers/promises'
import type { Test } from 'tap'
import type { CampaignStore } from '../../src/index.js'
import { buildTestApp, contactsFor, phoneFor, prefix, waitForStatus } from './app.js'
import { tenantWalk } from './tenant-walk.js'
import { waitFor } from '../../../whatsapp-cloud-fake/test/wait-for.js'

/** A year to write schedules in that is always ahead. */
const nextYear = new Date().getUTCFullYear() + 1

/** A fresh, empty store for one test. */
export type StoreFactory = (t: Test) => Promise<CampaignStore>

const json = { 'content-type': 'application/json' }

/** Every endpoint end to end through `inject`, sending to the fake over real HTTP, on the given store. */
export function routeSuite (t: Test, makeStore: StoreFactory): void {
  const setup = async (t: Test, options: Omit<Parameters<typeof buildTestApp>[1], 'store'> = {}) =>
    await buildTestApp(t, { store: await makeStore(t), ...options })

  t.test('create: 201 with the campaign, phones normalised, duplicates removed, defaults', async t => {
    const { app } = await setup(t)
    const response = await app.inject({
      method: 'POST',
      url: `${prefix}/campaigns`,
      payload: {
        name: 'Diwali offer ✨',
        templateName: 'diwali_offer',
        parameters: ['{{name}}', '20%'],
        contacts: [
          { name: 'Åsa Ñandú 😀', phone: '+91 98760-00001' },
          { name: 'Dup', phone: '(91) 98760 00001' },
          { phone: '919876000002', parameters: ['X', 'Y'] }
        ]
      }
    })
    t.equal(response.statusCode, 201)
    const campaign = response.json()
    t.match(campaign, {
      id: Number,
      name: 'Diwali offer ✨',
      templateName: 'diwali_offer',
      language: 'en',
      parameters: ['{{name}}', '20%'],
      status: 'draft',
      totalCount: 2,
      successCount: 0,
      failedCount: 0,
      messages: []
    })
    t.strictSame(campaign.contacts, [
      { name: 'Åsa Ñandú 😀', phone: '919876000001', parameters: null },
      { name: null, phone: '919876000002', parameters: ['X', 'Y'] }
    ])
    t.ok(Date.parse(campaign.createdAt) > 0)
    const fetched = (await app.inject({ method: 'GET', url: `${prefix}/campaigns/${campaign.id as number}` })).json()
    t.strictSame(fetched.contacts, campaign.contacts, 'what was stored is what was answered')
  })

  t.test('bad input is a 400 in Fastify error shape, never a 500, and nothing is stored', async t => {
    const { app } = await setup(t, { plugin: { maxContacts: 5 } })
    const post = async (payload: unknown, url = `${prefix}/campaigns`) =>
      await app.inject({ method: 'POST', url, payload: payload as any, headers: json })
    const cases: Array<[string, unknown, string]> = [
      ['bad phones', { name: 'a', templateName: 't', contacts: [{ phone: '12' }, { phone: phoneFor(1) }, { phone: 'abc' }, { phone: '' }] }, 'WAC_INVALID_CONTACTS'],
      ['template name with capitals', { name: 'a', templateName: 'Hello World' }, 'FST_ERR_VALIDATION'],
      ['missing name', { templateName: 'hello' }, 'FST_ERR_VALIDATION'],
      ['blank name', { name: '   ', templateName: 'hello' }, 'FST_ERR_VALIDATION'],
      ['name of the wrong type', { name: 5, templateName: 'hello' }, 'FST_ERR_VALIDATION'],
      ['phone of the wrong type', { name: 'a', templateName: 'hello', contacts: [{ phone: 919876000001 }] }, 'FST_ERR_VALIDATION'],
      ['language', { name: 'a', templateName: 'hello', language: 'english!' }, 'FST_ERR_VALIDATION'],
      ['parameters not strings', { name: 'a', templateName: 'hello', parameters: [1] }, 'FST_ERR_VALIDATION'],
      ['too many contacts', { name: 'a', templateName: 'hello', contacts: contactsFor(6) }, 'WAC_TOO_MANY_CONTACTS'],
      ['an array', [], 'FST_ERR_VALIDATION']
    ]
    for (const [label, payload, code] of cases) {
      const response = await post(payload)
      t.equal(response.statusCode, 400, label)
      t.match(response.json(), { statusCode: 400, error: 'Bad Request', message: String, code }, label)
    }
    const invalid = (await post(cases[0][1])).json()
    t.strictSame(invalid.details.map((row: any) => [row.index, row.value]), [[0, '12'], [2, 'abc'], [3, '']], 'every bad row is named')

    const malformed = await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: '{"name": "a", ', headers: json })
    t.equal(malformed.statusCode, 400, 'malformed JSON')
    t.match(malformed.json(), { statusCode: 400, code: String, message: String })

    for (const url of ['/campaigns/abc', '/campaigns/0', '/campaigns/-1', '/campaigns/1.5', '/campaigns/99999999999']) {
      const response = await app.inject({ method: 'GET', url: `${prefix}${url}` })
      t.equal(response.statusCode, 400, url)
    }
    for (const query of ['limit=-5', 'limit=0', 'limit=501', 'offset=-1', 'limit=abc', 'status=bogus']) {
      const response = await app.inject({ method: 'GET', url: `${prefix}/campaigns?${query}` })
      t.equal(response.statusCode, 400, query)
      t.equal(response.json().code, 'FST_ERR_VALIDATION')
    }
    const list = await app.inject({ method: 'GET', url: `${prefix}/campaigns` })
    t.equal(list.headers['x-total-count'], '0', 'nothing was stored')
  })

  t.test('text a store cannot hold (a NUL, half a surrogate pair) is a 400 naming the field, wherever it is; nothing stored', async t => {
    const { app } = await setup(t)
    const base = { name: 'a', templateName: 'hello', contacts: contactsFor(2) }
    const created = (await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: base })).json()
    const before = (await app.inject({ method: 'GET', url: `${prefix}/campaigns/${created.id as number}` })).json()
    const nul = 'holds a NUL character \\(\\\\u0000\\), which PostgreSQL text cannot hold: remove it$'
    const half = (unit: string) => `holds \\\\u${unit}, half of a UTF-16 surrogate pair without its other half`
    const requests: Array<[string, 'POST' | 'PUT' | 'GET', string, unknown, RegExp]> = [
      ['a name with a NUL', 'POST', '/campaigns', { ...base, name: 'a\u0000b' }, new RegExp(`^name ${nul}`)],
      ['a contact\'s name with a lone high surrogate', 'POST', '/campaigns', { ...base, contacts: [{ phone: phoneFor(1), name: 'x\ud800' }] }, new RegExp(`^contacts\\[0\\]\\.name ${half('d800')}`)],
      ['a lone low surrogate in a parameter', 'POST', '/send-bulk', { templateName: 'hello', parameters: ['\udc00'], phoneNumbers: [phoneFor(1)] }, new RegExp(`^parameters\\[0\\] ${half('dc00')}`)],
      ['an edit', 'PUT', `/campaigns/${created.id as number}`, { name: 'b\u0000' }, new RegExp(`^name ${nul}`)],
      ['a draft\'s preflight', 'POST', '/preflight', { ...base, parameters: ['\u0000'] }, /^parameters\[0\] holds a NUL/],
      ['an opt-out', 'POST', '/opt-outs', { phones: ['\u0000'] }, /^phones\[0\] holds a NUL/],
      ['a search', 'GET', '/campaigns?q=%00', undefined, /^q holds a NUL/],
      ['the counts\' search', 'GET', '/campaigns/counts?q=a%00', undefined, /^q holds a NUL/]
    ]
    for (const [label, method, url, payload, message] of requests) {
      const response = await app.inject({ method, url: `${prefix}${url}`, ...(payload === undefined ? {} : { payload: JSON.stringify(payload), headers: json }) })
      t.equal(response.statusCode, 400, label)
      t.match(response.json(), { statusCode: 400, error: 'Bad Request', code: 'WAC_INVALID_TEXT', message }, label)
    }
    const list = await app.inject({ method: 'GET', url: `${prefix}/campaigns` })
    t.equal(list.headers['x-total-count'], '1', 'no campaign made')
    t.strictSame((await app.inject({ method: 'GET', url: `${prefix}/campaigns/${created.id as number}` })).json(), before, 'the refused edit changed nothing')
    const emoji = await app.inject({ method: 'PUT', url: `${prefix}/campaigns/${created.id as number}`, payload: { name: '👩‍👩‍👧 \ud83d\ude00 مرحبا' } })
    t.equal(emoji.statusCode, 200, 'a surrogate pair whole is text')
    t.equal(emoji.json().name, '👩‍👩‍👧 😀 مرحبا')
  })

  t.test('unknown top-level fields are refused by name; the original frontend\'s extras are taken and dropped', async t => {
    const { app } = await setup(t)
    const send = async (method: 'POST' | 'PUT', url: string, payload: unknown) =>
      await app.inject({ method, url: `${prefix}${url}`, payload: payload as any, headers: json })
    const typo = await send('POST', '/campaigns', { name: 'a', templateName: 'hello', contact: contactsFor(2) })
    t.equal(typo.statusCode, 400)
    t.match(typo.json(), { statusCode: 400, error: 'Bad Request', code: 'FST_ERR_VALIDATION', message: 'unknown field "contact": did you mean "contacts"?' })
    const far = await send('POST', '/campaigns', { name: 'a', templateName: 'hello', audience: 'all' })
    t.match(far.json(), { statusCode: 400, message: /^unknown field "audience" \(the fields are name, templateName, .*scheduledAt\)$/ })
    t.equal((await app.inject({ method: 'GET', url: `${prefix}/campaigns` })).headers['x-total-count'], '0', 'nothing was stored')

    const created = await send('POST', '/campaigns', {
      name: 'weekly',
      templateName: 'hello',
      scheduleType: 'weekly',
      scheduledDays: ['monday'],
      scheduledTime: '10:00',
      contacts: [{ id: 1, campaignId: 9, createdAt: 'yesterday', phone: phoneFor(1) }]
    })
    t.equal(created.statusCode, 201, 'the schedule fields of the original frontend and extra keys of contacts are accepted')
    t.notOk('scheduleType' in created.json(), 'and dropped')
    const campaign = created.json()
    const url = `/campaigns/${campaign.id as number}`
    t.match((await send('PUT', url, { nme: 'x' })).json(), { statusCode: 400, message: 'unknown field "nme": did you mean "name"?' })
    t.match((await send('PUT', url, { TemplateName: 'x' })).json(), { statusCode: 400, message: 'unknown field "TemplateName": did you mean "templateName"?' })
    t.equal((await send('PUT', url, { ...campaign, scheduleType: 'now', name: 'echoed' })).statusCode, 200, 'an edit may send back the campaign it was given')
    const run = await send('POST', `${url}/run`, { onyl: 'failed' })
    t.match(run.json(), { statusCode: 400, code: 'FST_ERR_VALIDATION', message: 'unknown field "onyl": did you mean "only"?' })
    const bulk = await send('POST', '/send-bulk', { templateName: 'hello', phoneNumber: [phoneFor(1)] })
    t.match(bulk.json(), { statusCode: 400, message: 'unknown field "phoneNumber": did you mean "phoneNumbers"?' })
    const bulkFromFrontend = await send('POST', '/send-bulk', { templateName: 'hello', scheduleType: 'now', contacts: [{ name: 'A', phone: phoneFor(2) }] })
    t.equal(bulkFromFrontend.statusCode, 202, 'send-bulk takes the original frontend\'s schedule fields')
    await waitForStatus(app, bulkFromFrontend.json().id, ['completed'])

    // Hostile bodies: a name of a megabyte is neither compared with every field nor echoed whole, and a
    // body of many unknown fields names ten.
    const huge = 'x'.repeat(1 << 20)
    const started = Date.now()
    const hugeAnswer = await send('POST', '/campaigns', { name: 'a', templateName: 'hello', [huge]: 1 })
    t.equal(hugeAnswer.statusCode, 400)
    t.ok(hugeAnswer.body.length < 1000 && Date.now() - started < 5000, `answered in ${Date.now() - started} ms with ${hugeAnswer.body.length} bytes`)
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`extra${i}`, i]))
    t.match((await send('POST', '/campaigns', { name: 'a', templateName: 'hello', ...many })).json(), { statusCode: 400, message: /unknown field "extra9"; and 40 more unknown fields/ })
  })

  t.test('validation answers say in words what is wrong and what would do, one sentence each', async t => {
    const { app } = await setup(t)
    const post = async (payload: unknown, url = '/campaigns') =>
      (await app.inject({ method: 'POST', url: `${prefix}${url}`, payload: payload as any, headers: json })).json()
    const base = { name: 'a', templateName: 'hello' }
    t.match(await post({ name: 'a', templateName: 'Hello World' }), { code: 'FST_ERR_VALIDATION', message: 'templateName must be lowercase letters, digits and underscores, as Meta names templates (e.g. order_update)' })
    t.match(await post({ templateName: 'hello' }), { message: 'name is required' })
    t.match(await post({ name: '  ', templateName: 'hello' }), { message: 'name must not be blank' })
    t.match(await post({ name: 5, templateName: 'hello' }), { message: 'name must be a string' })
    t.match(await post({ ...base, language: 'english!' }), { message: 'language must be a language code such as en, en_US or pt_BR' })
    t.match(await post({ ...base, contacts: [{ phone: phoneFor(1) }, { phone: 919876000001 }] }), { message: 'contacts[1].phone must be a string' })
    t.match(await post({ ...base, contacts: [{ phone: phoneFor(1), name: 5 }] }), { message: 'contacts[0].name must be a string or null' })
    t.match(await post([]), { message: 'the body must be a JSON object' })
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)
    for (const scheduledAt of ['tomorrow', 5, `${nextYear}-12-01T10:00:00`]) {
      const answer = await post({ ...base, scheduledAt })
      t.equal(answer.message, `scheduledAt must be ISO 8601 with a time zone, e.g. ${tomorrow}T09:00:00Z or ${tomorrow}T14:30:00+05:30, or null to unschedule`, String(scheduledAt))
      t.equal(Date.parse(`${tomorrow}T14:30:00+05:30`), Date.parse(`${tomorrow}T09:00:00Z`), 'the two examples name the same instant')
    }
    t.match(await post({ ...base, scheduledAt: `${nextYear}-02-30T10:00:00Z` }), { code: 'WAC_INVALID_SCHEDULE', message: /is not a real date and time: write one such as \d{4}-\d{2}-\d{2}T09:00:00Z/ })

    const created = (await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: { ...base, contacts: contactsFor(1) } })).json()
    for (const payload of [{ only: 'failures' }, { only: 5 }]) {
      t.match(await post(payload, `/campaigns/${created.id as number}/run`), { statusCode: 400, message: 'only must be "failed" (the recipients whose message failed in the last run) or absent (every contact)' })
    }
    t.match(await post('"failed"', `/campaigns/${created.id as number}/run`), { statusCode: 400, message: 'the body must be empty or a JSON object such as {"only": "failed"}' })

    const get = async (url: string) => (await app.inject({ method: 'GET', url: `${prefix}${url}` })).json()
    t.match(await get('/campaigns?status=done'), { statusCode: 400, code: 'FST_ERR_VALIDATION', message: 'status must be one of draft, scheduled, running, paused, completed, failed, cancelled' })
    t.match(await get(`/campaigns/${created.id as number}/messages?status=done`), { message: 'status must be one of pending, sent, delivered, read, failed' })
    t.match(await get('/campaigns?limit=501'), { message: 'limit must be at most 500' })
    t.match(await get('/campaigns?limit=abc'), { message: 'limit must be a whole number' })
    t.match(await get('/campaigns/abc'), { message: 'id must be a whole number' })

    const phones = await post({ ...base, contacts: [{ phone: '9876543210' }] })
    t.match(phones, { code: 'WAC_INVALID_CONTACTS', details: [{ index: 0, value: '9876543210', reason: /add the country code \(e\.g\. 91 for India.*\) or set defaultCountry/ }] })
    t.match(phones.message, /add the country code/)
  })

  t.test('a body that is not JSON is a 415 saying to send application/json; an empty one is no body', async t => {
    const { app } = await setup(t)
    const created = (await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: { name: 'a', templateName: 'hello', contacts: contactsFor(1) } })).json()
    const requests = [
      ['POST', '/campaigns', 'text/plain', '{"name": "a", "templateName": "hello"}'],
      ['PUT', `/campaigns/${created.id as number}`, 'text/plain;charset=UTF-8', '{"name": "b"}'],
      ['POST', '/send-bulk', 'application/x-www-form-urlencoded', 'templateName=hello'],
      ['POST', `/campaigns/${created.id as number}/run`, 'text/csv', 'only,failed']
    ] as const
    for (const [method, url, type, payload] of requests) {
      const response = await app.inject({ method, url: `${prefix}${url}`, payload, headers: { 'content-type': type } })
      t.equal(response.statusCode, 415, `${method} ${url} as ${type}`)
      t.strictSame(response.json(), { statusCode: 415, error: 'Unsupported Media Type', message: `Unsupported Media Type: ${type}; send application/json`, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' })
    }
    const noType = await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: Buffer.from('{}'), headers: { 'content-type': '' } })
    t.equal(noType.statusCode, 415, 'a body without a content type')
    t.match(noType.json(), { message: /send application\/json$/ })
    const emptyForm = await app.inject({ method: 'POST', url: `${prefix}/campaigns/${created.id as number}/run`, payload: '', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    t.equal(emptyForm.statusCode, 202, 'curl -d \'\' sends an empty form: no body, taken')
    t.equal(created.name, 'a')
  })

  t.test('scheduledAt more than a minute in the past is refused, saying so; a moment ago starts at once', async t => {
    const { app } = await setup(t)
    const post = async (scheduledAt: string) =>
      await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: { name: 's', templateName: 'hello', contacts: contactsFor(2), scheduledAt } })
    const lastYear = new Date(Date.now() - 366 * 86_400_000).toISOString()
    const refused = await post(lastYear)
    t.equal(refused.statusCode, 400)
    t.match(refused.json(), { code: 'WAC_INVALID_SCHEDULE', message: /^scheduledAt \S+ is \d+ days in the past: give a time to come, such as \S+T09:00:00Z or \S+T14:30:00\+05:30, or leave scheduledAt out and run the campaign now$/ })
    t.match((await post(new Date(Date.now() - 5 * 60_000).toISOString())).json(), { statusCode: 400, message: /is 5 minutes in the past/ })
    t.equal((await app.inject({ method: 'GET', url: `${prefix}/campaigns` })).headers['x-total-count'], '0', 'nothing was stored')

    const justNow = await post(new Date(Date.now() - 20_000).toISOString())
    t.equal(justNow.statusCode, 201, 'a time a few seconds ago is a clock a little behind')
    const done = await waitForStatus(app, justNow.json().id, ['completed'], 15_000)
    t.match(done, { successCount: 2 })

    const draft = (await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: { name: 'd', templateName: 'hello', contacts: contactsFor(1) } })).json()
    const edit = await app.inject({ method: 'PUT', url: `${prefix}/campaigns/${draft.id as number}`, payload: { scheduledAt: lastYear } })
    t.match(edit.json(), { statusCode: 400, code: 'WAC_INVALID_SCHEDULE', message: /in the past/ })
    const echoed = await app.inject({ method: 'PUT', url: `${prefix}/campaigns/${done.id as number}`, payload: { ...done, name: 'renamed' } })
    t.equal(echoed.statusCode, 200, 'an edit that sends back the campaign\'s own past schedule unchanged is taken')
    t.match(echoed.json(), { name: 'renamed', status: 'completed', scheduledAt: done.scheduledAt })
  })

  t.test('the contact limit counts distinct phones', async t => {
    const { app } = await setup(t, { plugin: { maxContacts: 5 } })
    const post = async (contacts: unknown[]) =>
      await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: { name: 'l', templateName: 'hello', contacts } })
    const withDuplicate = await post([...contactsFor(5), { phone: `+${phoneFor(0)}` }])
    t.equal(withDuplicate.statusCode, 201, '5 distinct phones and a duplicate')
    t.equal(withDuplicate.json().totalCount, 5)
    const tooMany = await post(contactsFor(6))
    t.equal(tooMany.statusCode, 400)
    t.match(tooMany.json(), { code: 'WAC_TOO_MANY_CONTACTS', message: 'A campaign holds at most 5 contacts (distinct phones); this list has more, in 6 rows' })
  })

  t.test('list: newest first, without contacts, filtered and paged with a total', async t => {
    const { app } = await setup(t)
    const ids: number[] = []
    for (let i = 0; i < 5; i++) {
      const response = await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: { name: `c${i}`, templateName: 'hello', contacts: contactsFor(i + 1) } })
      ids.push(response.json().id)
    }
    const all = await app.inject({ method: 'GET', url: `${prefix}/campaigns` })
    t.equal(all.statusCode, 200)
    t.equal(all.headers['x-total-count'], '5')
    t.strictSame(all.json().map((c: any) => c.id), [...ids].reverse())
    t.notOk('contacts' in all.json()[0], 'no contacts in the list')
    t.notOk('messages' in all.json()[0], 'no messages in the list')
    t.equal(all.json()[0].totalCount, 5)
    t.ok(all.json()[0].createdAt)

    const page = await app.inject({ method: 'GET', url: `${prefix}/campaigns?limit=2&offset=1` })
    t.strictSame(page.json().map((c: any) => c.id), [ids[3], ids[2]])
    t.equal(page.headers['x-total-count'], '5')
    const drafts = await app.inject({ method: 'GET', url: `${prefix}/campaigns?status=completed` })
    t.strictSame(drafts.json(), [])
    t.equal(drafts.headers['x-total-count'], '0')
  })

  t.test('get, update and delete answer 404 for a campaign that does not exist', async t => {
    const { app } = await setup(t)
    for (const [method, url] of [['GET', '/campaigns/424242'], ['PUT', '/campaigns/424242'], ['DELETE', '/campaigns/424242'], ['POST', '/campaigns/424242/run'], ['GET', '/campaigns/424242/messages']] as const) {
      const response = await app.inject({ method, url: `${prefix}${url}`, ...(method === 'PUT' ? { payload: { name: 'x' } } : {}) })
      t.equal(response.statusCode, 404, `${method} ${url}`)
      t.match(response.json(), { statusCode: 404, error: 'Not Found', code: 'WAC_CAMPAIGN_NOT_FOUND', message: 'Campaign 424242 not found' })
    }
  })

  t.test('update: takes what the original frontend sends back and replaces the contacts', async t => {
    const { app } = await setup(t)
    const created = (await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: { name: 'a', templateName: 'hello', contacts: contactsFor(3) } })).json()
    const response = await app.inject({
      method: 'PUT',
      url: `${prefix}/campaigns/${created.id as number}`,
      payload: {
        ...created,
        name: 'renamed',
        scheduleType: 'now',
        language: 'pt_BR',
        contacts: [
          { id: 7, campaignId: created.id, createdAt: created.createdAt, name: 'Kept', phone: phoneFor(2) },
          { id: 8, campaignId: created.id, createdAt: created.createdAt, name: 'New', phone: '+91 98765 99999' }
        ]
      }
    })
    t.equal(response.statusCode, 200)
    t.match(response.json(), { id: created.id, name: 'renamed', language: 'pt_BR', templateName: 'hello', totalCount: 2, status: 'draft' })
    t.strictSame(response.json().contacts.map((c: any) => c.phone), [phoneFor(2), '919876599999'])
    const partial = await app.inject({ method: 'PUT', url: `${prefix}/campaigns/${created.id as number}`, payload: { parameters: ['{{name}}'] } })
    t.match(partial.json(), { name: 'renamed', parameters: ['{{name}}'], totalCount: 2 }, 'absent fields stay')
    const wrong = await app.inject({ method: 'PUT', url: `${prefix}/campaigns/${created.id as number}`, payload: { contacts: 'all' } })
    t.equal(wrong.statusCode, 400, 'wrong types are still refused')
  })

  t.test('a 3,000-contact campaign runs and reruns to completed with a wamid per recipient', async t => {
    // Every message inline, to check them all in one read.
    const { app, fake } = await setup(t, { plugin: { inlineLimit: 3000 } })
    const created = (await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: { name: 'big', templateName: 'hello', parameters: ['{{name}}'], contacts: contactsFor(3000) } })).json()
    const started = await app.inject({ method: 'POST', url: `${prefix}/campaigns/${created.id as number}/run` })
    t.equal(started.statusCode, 202)
    t.match(started.json(), { id: created.id, status: 'running', totalCount: 3000 })
    const done = await waitForStatus(app, created.id, ['completed', 'failed'])
    t.match(done, { status: 'completed', totalCount: 3000, successCount: 3000, failedCount: 0 })
    t.equal(done.messages.length, 3000)
    t.ok(done.messages.every((m: any) => m.status === 'sent' && typeof m.messageId === 'string' && m.messageId.startsWith('wamid.')), 'a wamid per recipient')
    t.equal(new Set(done.messages.map((m: any) => m.messageId)).size, 3000, 'wamids are distinct')
    const first = fake.log.find((entry: any) => entry.to === phoneFor(0)) as any
    t.ok(first, 'the fake received the first recipient')
    t.equal(fake.log.length, 3000, 'each recipient once')

    const rerun = await app.inject({ method: 'POST', url: `${prefix}/campaigns/${created.id as number}/run` })
    t.equal(rerun.statusCode, 202)
    const again = await waitForStatus(app, created.id, ['completed', 'failed'])
    t.match(again, { status: 'completed', totalCount: 3000, successCount: 3000, failedCount: 0 })
    t.equal(fake.log.length, 6000, 'the rerun sent to everyone again')
    t.notSame(again.messages[0].messageId, done.messages[0].messageId, 'the latest run is shown')
  })

  t.test('the payload Meta gets carries the body parameters per recipient', async t => {
    const { app, fake } = await setup(t)
    const created = (await app.inject({
      method: 'POST',
      url: `${prefix}/campaigns`,
      payload: {
        name: 'p',
        templateName: 'order_update',
        language: 'en_US',
        parameters: ['Hi {{name}}', '{{phone}}'],
        contacts: [{ name: 'Zoë 😀', phone: phoneFor(1) }, { phone: phoneFor(2), parameters: ['own'] }]
      }
    })).json()
    await app.inject({ method: 'POST', url: `${prefix}/campaigns/${created.id as number}/run` })
    await waitForStatus(app, created.id, ['completed'])
    const byPhone = new Map(fake.log.map((entry: any) => [entry.to, entry]))
    t.match(byPhone.get(phoneFor(1)), { template: 'order_update', language: 'en_US', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Hi Zoë 😀' }, { type: 'text', text: phoneFor(1) }] }] })
    t.match(byPhone.get(phoneFor(2)), { components: [{ type: 'body', parameters: [{ type: 'text', text: 'own' }] }] })
  })

  t.test('run: of many concurrent calls exactly one wins; edit and delete wait for the run', async t => {
    const { app } = await setup(t, { fake: { latencyMs: 200 } })
    const created = (await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: { name: 'race', templateName: 'hello', contacts: contactsFor(20) } })).json()
    const url = `${prefix}/campaigns/${created.id as number}`
    const answers = await Promise.all(Array.from({ length: 10 }, async () => await app.inject({ method: 'POST', url: `${url}/run` })))
    t.strictSame(answers.map(a => a.statusCode).sort(), [202, ...Array(9).fill(409)])
    const conflict = answers.find(a => a.statusCode === 409)?.json()
    t.match(conflict, { statusCode: 409, error: 'Conflict', code: 'WAC_CAMPAIGN_STATUS', message: /running/ })
    t.equal((await app.inject({ method: 'PUT', url, payload: { name: 'x' } })).statusCode, 409)
    t.equal((await app.inject({ method: 'DELETE', url })).statusCode, 409)
    const done = await waitForStatus(app, created.id, ['completed'])
    t.match(done, { successCount: 20, totalCount: 20, name: 'race' })
    t.equal((await app.inject({ method: 'DELETE', url })).statusCode, 204)
    t.equal((await app.inject({ method: 'GET', url })).statusCode, 404)
  })

  t.test('recipients fail with Meta\'s code and title; the run completes with the right counts', async t => {
    const { app } = await setup(t, {
      fake: {
        failures: {
          [phoneFor(1)]: { code: 131026 },
          [phoneFor(2)]: [{ code: 130429 }, { http: 503 }],
          [phoneFor(3)]: [{ code: 131056 }]
        }
      }
    })
    const created = (await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: { name: 'f', templateName: 'hello', contacts: contactsFor(6) } })).json()
    await app.inject({ method: 'POST', url: `${prefix}/campaigns/${created.id as number}/run` })
    const done = await waitForStatus(app, created.id, ['completed', 'failed'])
    t.match(done, { status: 'completed', totalCount: 6, successCount: 5, failedCount: 1 })
    const failed = done.messages.find((m: any) => m.phone === phoneFor(1))
    t.match(failed, { status: 'failed', messageId: null, error: { code: 131026, title: String } })
    t.match(done.messages.find((m: any) => m.phone === phoneFor(2)), { status: 'sent', attempts: 3 }, 'retried after throttling and a 503')
    t.match(done.messages.find((m: any) => m.phone === phoneFor(3)), { status: 'sent', attempts: 2 })

    const failedOnly = await app.inject({ method: 'GET', url: `${prefix}/campaigns/${created.id as number}/messages?status=failed` })
    t.strictSame(failedOnly.json().map((m: any) => m.phone), [phoneFor(1)])
  })

  t.test('a missing template stops the run: failed with the reason, every recipient accounted for', async t => {
    const { app, fake } = await setup(t, { fake: { templates: [{ name: 'hello', language: 'en' }] } })
    const created = (await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: { name: 'm', templateName: 'no_such_template', contacts: contactsFor(500) } })).json()
    await app.inject({ method: 'POST', url: `${prefix}/campaigns/${created.id as number}/run` })
    const done = await waitForStatus(app, created.id, ['completed', 'failed'])
    t.match(done, { status: 'failed', totalCount: 500, successCount: 0, failedCount: 500, error: { code: 132001, title: String, message: String } })
    t.ok(fake.log.length < 500, `stopped early (${fake.log.length} requests made)`)
    t.strictSame(new Set(done.messages.map((m: any) => `${m.status as string} ${m.error?.code as string}`)), new Set(['failed 132001']))
  })

  t.test('a refused token stops the run', async t => {
    // A few sends in flight at a time, so that the run has many recipients left when the first answer comes.
    const { app, fake } = await setup(t, { token: 'expired-token', plugin: { sending: { messagesPerSecond: 5000, concurrency: 8, idlePollMs: 50 } } })
    const created = (await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: { name: 't', templateName: 'hello', contacts: contactsFor(300) } })).json()
    await app.inject({ method: 'POST', url: `${prefix}/campaigns/${created.id as number}/run` })
    const done = await waitForStatus(app, created.id, ['completed', 'failed'])
    t.match(done, { status: 'failed', totalCount: 300, successCount: 0, failedCount: 300, error: { code: 190 } })
    t.ok(fake.log.length < 300, `stopped early (${fake.log.length} requests made)`)
    t.notMatch(JSON.stringify(done), /expired-token/, 'the token is never shown')
  })

  t.test('messages: paged by keyset with after and limit', async t => {
    const { app } = await setup(t)
    const created = (await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: { name: 'pages', templateName: 'hello', contacts: contactsFor(25) } })).json()
    const url = `${prefix}/campaigns/${created.id as number}/messages`
    t.strictSame((await app.inject({ method: 'GET', url })).json(), [], 'a draft has no messages')
    await app.inject({ method: 'POST', url: `${prefix}/campaigns/${created.id as number}/run` })
    await waitForStatus(app, created.id, ['completed'])
    const seen: string[] = []
    let after: number | undefined
    // Bounded: a cursor that does not move on must fail the test, not loop until tap's timeout.
    for (let pages = 0; pages < 10; pages++) {
      const page = (await app.inject({ method: 'GET', url: `${url}?limit=10${after === undefined ? '' : `&after=${after}`}` })).json()
      if (page.length === 0) break
      seen.push(...page.map((m: any) => m.phone))
      after = page[page.length - 1].position
    }
    t.strictSame(seen, contactsFor(25).map(c => c.phone))
    t.equal((await app.inject({ method: 'GET', url: `${url}?limit=1001` })).statusCode, 400)
  })

  t.test('detail: a campaign over inlineLimit answers the first contacts and messages, flagged; the paged routes give the rest', async t => {
    const { app } = await setup(t, { plugin: { inlineLimit: 5 } })
    const list = contactsFor(12)
    const created = await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: { name: 'long', templateName: 'hello', contacts: list } })
    t.equal(created.statusCode, 201)
    const campaign = created.json()
    t.match(campaign, { totalCount: 12, contactsTruncated: true, messages: [] })
    t.strictSame(campaign.contacts.map((c: any) => c.phone), list.slice(0, 5).map(c => c.phone), "create's 201: the first five, in order")
    t.notOk('messagesTruncated' in campaign, 'no run, nothing cut')
    const url = `${prefix}/campaigns/${campaign.id as number}`
    const draft = (await app.inject({ method: 'GET', url })).json()
    t.strictSame({ contacts: draft.contacts, contactsTruncated: draft.contactsTruncated }, { contacts: campaign.contacts, contactsTruncated: true }, 'get: the same cut')

    const rest = (await app.inject({ method: 'GET', url: `${url}/contacts?after=5` })).json()
    t.strictSame(rest.map((c: any) => [c.position, c.phone]), list.slice(5).map((c, i) => [i + 6, c.phone]), 'the rest, from position 6')
    t.strictSame((await app.inject({ method: 'GET', url: `${url}/contacts?limit=2` })).json(), [
      { position: 1, phone: list[0].phone, name: list[0].name, parameters: null },
      { position: 2, phone: list[1].phone, name: list[1].name, parameters: null }
    ], 'a page from the start')

    const edited = await app.inject({ method: 'PUT', url, payload: { name: 'longer', contacts: contactsFor(14) } })
    t.equal(edited.statusCode, 200)
    t.match(edited.json(), { name: 'longer', totalCount: 14, contactsTruncated: true })
    t.equal(edited.json().contacts.length, 5, "PUT's 200: cut too")

    await app.inject({ method: 'POST', url: `${url}/run` })
    const done = await waitForStatus(app, campaign.id, ['completed'])
    t.match(done, { totalCount: 14, successCount: 14, contactsTruncated: true, messagesTruncated: true })
    t.strictSame(done.messages.map((m: any) => m.position), [1, 2, 3, 4, 5], 'the first five messages, in order')
    const later = (await app.inject({ method: 'GET', url: `${url}/messages?after=5&limit=100` })).json()
    t.equal(later.length, 9, 'the other nine through the paged route')

    const short = (await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: { name: 'short', templateName: 'hello', contacts: contactsFor(5) } })).json()
    t.equal(short.contacts.length, 5)
    t.notOk('contactsTruncated' in short, 'a list of exactly inlineLimit is whole, not flagged')
    await app.inject({ method: 'POST', url: `${prefix}/campaigns/${short.id as number}/run` })
    const shortDone = await waitForStatus(app, short.id, ['completed'])
    t.equal(shortDone.messages.length, 5)
    t.notOk('contactsTruncated' in shortDone || 'messagesTruncated' in shortDone, "the seed's shape: every contact and message, no flag")
  })

  t.test('detail: by default up to 1,000 contacts inline; contacts route checks its query and the campaign', async t => {
    const { app } = await setup(t, { plugin: { tenant: request => String(request.headers['x-tenant'] ?? 'a') } })
    const whole = (await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: { name: 'k', templateName: 'hello', contacts: contactsFor(1000) } })).json()
    t.equal(whole.contacts.length, 1000)
    t.notOk('contactsTruncated' in whole, '1,000 contacts: the whole list')
    const cut = (await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: { name: 'k+1', templateName: 'hello', contacts: contactsFor(1001) } })).json()
    t.equal(cut.contacts.length, 1000)
    t.equal(cut.contactsTruncated, true, '1,001 contacts: cut at 1,000')
    const url = `${prefix}/campaigns/${cut.id as number}/contacts`
    t.strictSame((await app.inject({ method: 'GET', url: `${url}?after=1000` })).json().map((c: any) => c.position), [1001], 'the last one is a page away')
    t.equal((await app.inject({ method: 'GET', url })).json().length, 100, 'pages of 100 by default')
    for (const query of ['limit=0', 'limit=1001', 'after=-1', 'after=x']) {
      t.equal((await app.inject({ method: 'GET', url: `${url}?${query}` })).statusCode, 400, query)
    }
    t.equal((await app.inject({ method: 'GET', url: `${prefix}/campaigns/424242/contacts` })).statusCode, 404)
    t.equal((await app.inject({ method: 'GET', url, headers: { 'x-tenant': 'b' } })).statusCode, 404, "another tenant's campaign")
  })

  t.test('send-bulk creates a campaign and runs it, from contacts or phone numbers', async t => {
    const { app, fake } = await setup(t)
    const fromPhones = await app.inject({ method: 'POST', url: `${prefix}/send-bulk`, payload: { templateName: 'hello', phoneNumbers: [phoneFor(1), `+${phoneFor(2)}`, phoneFor(1)] } })
    t.equal(fromPhones.statusCode, 202)
    t.match(fromPhones.json(), { status: 'running', totalCount: 2, name: /Bulk send/ })
    const fromContacts = await app.inject({ method: 'POST', url: `${prefix}/send-bulk`, payload: { name: 'promo', templateName: 'hello', language: 'en_GB', contacts: [{ name: 'A', phone: phoneFor(3) }] } })
    t.equal(fromContacts.statusCode, 202)
    await waitForStatus(app, fromPhones.json().id, ['completed'])
    const done = await waitForStatus(app, fromContacts.json().id, ['completed'])
    t.match(done, { name: 'promo', language: 'en_GB', successCount: 1 })
    t.equal(fake.log.length, 3)
    for (const payload of [{ templateName: 'hello' }, { templateName: 'hello', phoneNumbers: [] }, { templateName: 'hello', phoneNumbers: ['nope'] }]) {
      const response = await app.inject({ method: 'POST', url: `${prefix}/send-bulk`, payload })
      t.equal(response.statusCode, 400, JSON.stringify(payload))
    }
  })

  t.test('pause, resume and cancel take effect within a second and answer 409 when they make no sense', async t => {
    const { app, fake } = await setup(t, { plugin: { sending: { messagesPerSecond: 50 } } })
    const created = (await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: { name: 'life', templateName: 'hello', contacts: contactsFor(400) } })).json()
    const url = `${prefix}/campaigns/${created.id as number}`
    t.match((await app.inject({ method: 'POST', url: `${url}/pause` })).json(), { statusCode: 409, code: 'WAC_CAMPAIGN_STATUS', message: /draft and cannot be paused/ })
    t.equal((await app.inject({ method: 'POST', url: `${url}/resume` })).statusCode, 409)
    await app.inject({ method: 'POST', url: `${url}/run`, headers: { 'content-type': 'application/json' } })
    // Some way into the run (400 recipients take eight seconds at this pace).
    await waitFor('the first sends', () => fake.log.length >= 10 || undefined)

    const paused = await app.inject({ method: 'POST', url: `${url}/pause` })
    t.equal(paused.statusCode, 200)
    t.match(paused.json(), { status: 'paused', progress: { sent: Number, pending: Number } })
    await sleep(1200)
    const sentWhilePaused = fake.log.length
    await sleep(800)
    t.equal(fake.log.length, sentWhilePaused, 'nothing is sent a second after the pause')
    const afterPause = await waitForStatus(app, created.id, ['paused'])
    t.ok(afterPause.successCount > 0 && afterPause.successCount < 400, `paused midway (${afterPause.successCount as number} sent)`)
    t.equal(afterPause.successCount, fake.log.length, 'in-flight sends were recorded')
    t.equal((await app.inject({ method: 'POST', url: `${url}/run` })).statusCode, 409, 'a paused campaign resumes, it does not run again')
    t.equal((await app.inject({ method: 'PUT', url, payload: { name: 'renamed while paused' } })).statusCode, 200, 'it can be edited')
    t.equal((await app.inject({ method: 'PUT', url, payload: { scheduledAt: new Date(Date.now() + 86_400_000).toISOString() } })).statusCode, 409, 'but not scheduled')

    const sentBeforeResume = fake.log.length
    t.match((await app.inject({ method: 'POST', url: `${url}/resume` })).json(), { status: 'running' })
    t.ok(await waitFor('a send after the resume', () => fake.log.length > sentBeforeResume || undefined, { timeoutMs: 3000 }), 'sending again within seconds of the resume')
    await sleep(600)
    const cancelled = await app.inject({ method: 'POST', url: `${url}/cancel` })
    t.match(cancelled.json(), { status: 'cancelled' })
    await sleep(1200)
    const done = (await app.inject({ method: 'GET', url })).json()
    t.match(done, { status: 'cancelled', totalCount: 400 })
    t.equal(done.successCount + done.failedCount, 400, 'every recipient is accounted for')
    t.equal(done.successCount, fake.log.length, 'sent is what Meta accepted')
    t.ok(done.messages.filter((m: any) => m.status === 'failed').every((m: any) => m.error.code === 'CANCELLED'))
    t.equal((await app.inject({ method: 'POST', url: `${url}/cancel` })).statusCode, 409)
    t.equal((await app.inject({ method: 'POST', url: `${prefix}/campaigns/424242/pause` })).statusCode, 404)
  })

  t.test('a paused campaign keeps the plan its run sends: template, language, parameters and contacts are refused, the name is not', async t => {
    const { app, fake } = await setup(t, { plugin: { sending: { messagesPerSecond: 50 } } })
    const created = (await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: { name: 'plan', templateName: 'hello', parameters: ['a'], contacts: contactsFor(100) } })).json()
    const url = `${prefix}/campaigns/${created.id as number}`
    await app.inject({ method: 'POST', url: `${url}/run` })
    await waitFor('the first sends', () => fake.log.length >= 5 || undefined)
    t.equal((await app.inject({ method: 'POST', url: `${url}/pause` })).statusCode, 200)

    const changes: Array<[string, unknown]> = [
      ['templateName', { templateName: 'other_template' }],
      ['language', { language: 'pt_BR' }],
      ['parameters', { parameters: ['b'] }],
      ['contacts', { contacts: contactsFor(3, 500) }],
      ['a new name with a new template', { name: 'renamed', templateName: 'other_template' }]
    ]
    for (const [label, payload] of changes) {
      const response = await app.inject({ method: 'PUT', url, payload: payload as any })
      t.equal(response.statusCode, 409, label)
      t.match(response.json(), {
        statusCode: 409,
        code: 'WAC_CAMPAIGN_STATUS',
        message: /^Campaign \d+ is paused and cannot be given another template, language, parameters or contacts: the paused run keeps the plan it started with; cancel it, or resume it and let it finish, then edit/
      }, label)
    }
    const whole = (await app.inject({ method: 'GET', url })).json()
    const renamed = await app.inject({ method: 'PUT', url, payload: { ...whole, name: 'renamed', scheduleType: 'now' } })
    t.equal(renamed.statusCode, 200, 'the campaign sent back whole with a new name: its plan fields are the same')
    t.match(renamed.json(), { name: 'renamed', templateName: 'hello', parameters: ['a'], totalCount: 100, status: 'paused' })
    t.equal(renamed.json().contacts.length, 100)

    await app.inject({ method: 'POST', url: `${url}/resume` })
    const done = await waitForStatus(app, created.id, ['completed'])
    t.match(done, { name: 'renamed', templateName: 'hello', successCount: 100 })
    t.ok(fake.log.every((entry: any) => entry.template === 'hello'), 'the run sent the template the campaign shows')
    t.strictSame(new Set(fake.log.map((entry: any) => entry.to)), new Set(contactsFor(100).map(c => c.phone)), 'to the contacts it shows')
    const edited = await app.inject({ method: 'PUT', url, payload: { templateName: 'other_template', contacts: contactsFor(3, 500) } })
    t.equal(edited.statusCode, 200, 'once the run is over, the plan can change')
    t.match(edited.json(), { templateName: 'other_template', status: 'completed' })
    t.equal(edited.json().contacts.length, 3)
  })

  t.test('cancel answers with final counts: the sends in flight are recorded first', async t => {
    const { app, fake } = await setup(t, { fake: { latencyMs: 700 }, plugin: { sending: { messagesPerSecond: 100, concurrency: 40, idlePollMs: 50 } } })
    const created = (await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: { name: 'settle', templateName: 'hello', contacts: contactsFor(400) } })).json()
    const url = `${prefix}/campaigns/${created.id as number}`
    await app.inject({ method: 'POST', url: `${url}/run` })
    // Well into the run, with sends in flight (each takes 700 ms to answer).
    await waitFor('sends recorded', async () => (await app.inject({ method: 'GET', url: `${prefix}/campaigns` })).json()[0].successCount >= 20 || undefined)
    const cancelled = await app.inject({ method: 'POST', url: `${url}/cancel` })
    t.equal(cancelled.statusCode, 200)
    const answer = cancelled.json()
    t.match(answer, { status: 'cancelled', totalCount: 400 })
    t.notOk('settling' in answer, 'nothing left to settle')
    t.equal(answer.successCount + answer.failedCount, 400, 'every recipient is accounted for in the answer')
    t.ok(answer.successCount > 20 && answer.successCount < 400, `cancelled midway (${answer.successCount as number} sent)`)
    await sleep(1000)
    const later = (await app.inject({ method: 'GET', url })).json()
    t.strictSame([answer.successCount, answer.failedCount], [later.successCount, later.failedCount], 'a later read agrees')
    t.equal(later.successCount, fake.log.length, 'sent is what Meta accepted')
  })

  t.test('rerun only the recipients that failed last time', async t => {
    const { app, fake } = await setup(t, { fake: { failures: { [phoneFor(1)]: { code: 131026 }, [phoneFor(3)]: [{ code: 131000 }, { code: 131000 }] } }, plugin: { sending: { maxAttempts: 2 } } })
    const created = (await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: { name: 'again', templateName: 'hello', contacts: contactsFor(5) } })).json()
    const url = `${prefix}/campaigns/${created.id as number}`
    t.equal((await app.inject({ method: 'POST', url: `${url}/run`, payload: { only: 'failed' } })).statusCode, 409, 'no earlier run: nobody failed yet')
    await app.inject({ method: 'POST', url: `${url}/run` })
    const first = await waitForStatus(app, created.id, ['completed'])
    t.match(first, { successCount: 3, failedCount: 2 })
    // The passing trouble is over; the undeliverable number stays undeliverable.
    fake.setOptions({ failures: { [phoneFor(1)]: { code: 131026 } } })
    const sentBefore = fake.log.length
    const rerun = await app.inject({ method: 'POST', url: `${url}/run`, payload: { only: 'failed' } })
    t.equal(rerun.statusCode, 202)
    t.match(rerun.json(), { totalCount: 2 })
    const second = await waitForStatus(app, created.id, ['completed'])
    t.match(second, { totalCount: 2, successCount: 1, failedCount: 1 })
    t.strictSame(second.messages.map((m: any) => [m.phone, m.status]), [[phoneFor(1), 'failed'], [phoneFor(3), 'sent']])
    t.strictSame(fake.log.slice(sentBefore).map((entry: any) => entry.to).sort(), [phoneFor(1), phoneFor(3)], 'only those were sent to')
    t.equal((await app.inject({ method: 'POST', url: `${url}/run`, payload: { only: 'nobody' } })).statusCode, 400)
  })

  t.test('runs: every run newest first; an earlier run\'s messages by its id', async t => {
    const { app } = await setup(t, { fake: { failures: { [phoneFor(1)]: { code: 131026 } } } })
    const created = (await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: { name: 'history', templateName: 'hello', contacts: contactsFor(4) } })).json()
    const url = `${prefix}/campaigns/${created.id as number}`
    const none = await app.inject({ method: 'GET', url: `${url}/runs` })
    t.equal(none.statusCode, 200)
    t.strictSame(none.json(), [], 'a draft has no runs')
    await app.inject({ method: 'POST', url: `${url}/run` })
    await waitForStatus(app, created.id, ['completed'])
    await app.inject({ method: 'PUT', url, payload: { templateName: 'hello_again' } })
    await app.inject({ method: 'POST', url: `${url}/run`, payload: { only: 'failed' } })
    await waitForStatus(app, created.id, ['completed'])

    const runs = (await app.inject({ method: 'GET', url: `${url}/runs` })).json()
    t.match(runs, [
      { id: Number, recipients: 'failed', templateName: 'hello_again', language: 'en', status: 'completed', totalCount: 1, successCount: 0, failedCount: 1 },
      { id: Number, recipients: 'all', templateName: 'hello', language: 'en', status: 'completed', totalCount: 4, successCount: 3, failedCount: 1 }
    ])
    t.equal(runs.length, 2)
    for (const run of runs) {
      t.ok(Date.parse(run.startedAt) > 0 && Date.parse(run.finishedAt) >= Date.parse(run.startedAt), 'ISO start and end')
      t.notOk('progress' in run, 'no live figures once over')
    }

    const latest = (await app.inject({ method: 'GET', url: `${url}/messages` })).json()
    t.strictSame(latest.map((m: any) => m.phone), [phoneFor(1)], 'the latest run by default')
    const earlier = await app.inject({ method: 'GET', url: `${url}/messages?run=${runs[1].id as number}` })
    t.equal(earlier.statusCode, 200)
    t.strictSame(earlier.json().map((m: any) => [m.phone, m.status]), contactsFor(4).map((c, i) => [c.phone, i === 1 ? 'failed' : 'sent']), "the first run's results are still there")
    const failedOfFirst = (await app.inject({ method: 'GET', url: `${url}/messages?run=${runs[1].id as number}&status=failed` })).json()
    t.strictSame(failedOfFirst.map((m: any) => m.phone), [phoneFor(1)])

    const other = (await app.inject({ method: 'POST', url: `${prefix}/send-bulk`, payload: { templateName: 'hello', phoneNumbers: [phoneFor(9)] } })).json()
    await waitForStatus(app, other.id, ['completed'])
    const otherRun = (await app.inject({ method: 'GET', url: `${prefix}/campaigns/${other.id as number}/runs` })).json()[0]
    const notOurs = await app.inject({ method: 'GET', url: `${url}/messages?run=${otherRun.id as number}` })
    t.equal(notOurs.statusCode, 404, "another campaign's run")
    t.match(notOurs.json(), { statusCode: 404, code: 'WAC_RUN_NOT_FOUND', message: `Campaign ${created.id as number} has no run ${otherRun.id as number}: GET /campaigns/:id/runs lists its runs` })
    t.equal((await app.inject({ method: 'GET', url: `${url}/messages?run=2147483647` })).statusCode, 404)
    t.equal((await app.inject({ method: 'GET', url: `${url}/messages?run=0` })).statusCode, 400)
    t.equal((await app.inject({ method: 'GET', url: `${url}/messages?run=abc` })).statusCode, 400)
    const missing = await app.inject({ method: 'GET', url: `${prefix}/campaigns/424242/runs` })
    t.match(missing.json(), { statusCode: 404, code: 'WAC_CAMPAIGN_NOT_FOUND' })
    t.equal((await app.inject({ method: 'GET', url: `${prefix}/campaigns/424242/messages?run=${runs[1].id as number}` })).json().code, 'WAC_CAMPAIGN_NOT_FOUND')
  })

  t.test('runs: a run under way shows its live figures and no end', async t => {
    const { app } = await setup(t, { plugin: { sending: { messagesPerSecond: 50 } } })
    const created = (await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: { name: 'live runs', templateName: 'hello', contacts: contactsFor(200) } })).json()
    const url = `${prefix}/campaigns/${created.id as number}`
    await app.inject({ method: 'POST', url: `${url}/run` })
    await sleep(300)
    const [running] = (await app.inject({ method: 'GET', url: `${url}/runs` })).json()
    t.match(running, { recipients: 'all', status: 'running', totalCount: 200, finishedAt: null, progress: { sent: Number, pending: Number, startedAt: running.startedAt } })
    await app.inject({ method: 'POST', url: `${url}/cancel` })
  })

  t.test('scheduledAt: a due campaign starts by itself; null unschedules', async t => {
    const { app } = await setup(t)
    const soon = new Date(Date.now() + 1500).toISOString()
    const created = await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: { name: 'later', templateName: 'hello', contacts: contactsFor(3), scheduledAt: soon } })
    t.match(created.json(), { status: 'scheduled', scheduledAt: soon })
    const done = await waitForStatus(app, created.json().id, ['completed'], 15_000)
    t.match(done, { successCount: 3 })

    const other = (await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: { name: 'never', templateName: 'hello', contacts: contactsFor(1), scheduledAt: `${nextYear}-01-01T00:00:00+02:00` } })).json()
    t.match(other, { status: 'scheduled', scheduledAt: `${nextYear - 1}-12-31T22:00:00.000Z` }, 'an offset is kept as the instant it names')
    const unscheduled = await app.inject({ method: 'PUT', url: `${prefix}/campaigns/${other.id as number}`, payload: { scheduledAt: null } })
    t.match(unscheduled.json(), { status: 'draft', scheduledAt: null })
    for (const scheduledAt of ['tomorrow', `${nextYear}-02-30T10:00:00Z`, `${nextYear}-12-01T10:00:00`, 5]) {
      const response = await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: { name: 'x', templateName: 'hello', scheduledAt } })
      t.equal(response.statusCode, 400, String(scheduledAt))
    }
  })

  t.test('live figures while running: sent so far, rates and an ETA', async t => {
    const { app } = await setup(t, { plugin: { sending: { messagesPerSecond: 100 } } })
    const created = (await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: { name: 'live', templateName: 'hello', contacts: contactsFor(800) } })).json()
    await app.inject({ method: 'POST', url: `${prefix}/campaigns/${created.id as number}/run` })
    await sleep(2500)
    const running = (await app.inject({ method: 'GET', url: `${prefix}/campaigns?status=running` })).json()[0]
    t.match(running, { id: created.id, progress: { sent: Number, failed: 0, pending: Number, ratePerSecond: Number, averageRatePerSecond: Number } })
    t.ok(running.progress.sent > 50 && running.progress.sent < 800, `sent so far: ${running.progress.sent as number}`)
    t.ok(running.progress.averageRatePerSecond > 20 && running.progress.averageRatePerSecond < 150, `average ${running.progress.averageRatePerSecond as number}/s at a pace of 100/s`)
    t.ok(running.progress.etaSeconds > 0, `ETA ${running.progress.etaSeconds as number} s`)
    await app.inject({ method: 'POST', url: `${prefix}/campaigns/${created.id as number}/cancel` })
  })

  tenantWalk(t, setup)
}
