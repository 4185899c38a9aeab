/** Conformance: creating, reading, listing, editing and deleting campaigns. */
import { allowed, anyStatus, contacts, draft, leaseFor, sendAll, started, tenantA, tenantB, type Group } from './context.js'

export function createGetList ({ test }: Group): void {
  test('create/get/list: create returns a draft summary', async (t, store) => {
    const summary = await store.create(tenantA, draft({ parameters: ['{{name}}', '20%'] }))
    t.ok(Number.isInteger(summary.id) && summary.id > 0, 'an integer id')
    t.strictSame({ ...summary, id: 0, createdAt: '', updatedAt: '' }, {
      id: 0,
      name: 'Diwali offer',
      templateName: 'diwali_offer',
      language: 'en',
      parameters: ['{{name}}', '20%'],
      status: 'draft',
      totalCount: 3,
      contactCount: 3,
      successCount: 0,
      failedCount: 0,
      deliveredCount: 0,
      readCount: 0,
      repliedCount: 0,
      skippedCount: 0,
      scheduledAt: null,
      startedAt: null,
      finishedAt: null,
      createdAt: '',
      updatedAt: ''
    }, 'no error, no counts yet, never started')
    t.equal(new Date(summary.createdAt).toISOString(), summary.createdAt, 'createdAt is an ISO timestamp')
    t.equal(summary.updatedAt, summary.createdAt, 'a new campaign was last updated when it was created')
    t.ok(Math.abs(Date.parse(summary.createdAt) - Date.now()) < 60_000, 'createdAt is now')
  })

  test('create/get/list: get returns what create returned; ids are distinct', async (t, store) => {
    const first = await store.create(tenantA, draft())
    const second = await store.create(tenantA, draft({ name: 'Second', parameters: [], contacts: [] }))
    t.strictSame(await store.get(tenantA, first.id), first)
    t.strictSame(await store.get(tenantA, second.id), second)
    t.ok(first.id !== second.id, 'distinct ids')
    t.equal(second.totalCount, 0, 'no contacts')
  })

  test('create/get/list: get of an id that names nothing is null', async (t, store) => {
    const { id } = await store.create(tenantA, draft())
    for (const missing of [id + 1000, 0, -1, 1.5, 2 ** 31, Number.MAX_SAFE_INTEGER]) {
      t.equal(await store.get(tenantA, missing), null, `id ${missing}`)
    }
  })

  test('create/get/list: contacts come back in their order, as given', async (t, store) => {
    const list = [
      { phone: '919876500009', name: 'Zoë', parameters: ['a', 'b'] },
      { phone: '919876500001', name: null, parameters: null },
      { phone: '919876500005', name: '', parameters: [] }
    ]
    const { id } = await store.create(tenantA, draft({ contacts: list }))
    t.strictSame(await store.contacts(tenantA, id), list, 'not sorted, nulls and empties kept')
  })

  test('create/get/list: contacts of a missing campaign are null, of an empty list []', async (t, store) => {
    const { id } = await store.create(tenantA, draft({ contacts: [] }))
    t.strictSame(await store.contacts(tenantA, id), [])
    t.equal(await store.contacts(tenantA, id + 1), null)
  })

  test('create/get/list: contactPage pages the list in order, positions 1…n as the cursor', async (t, store) => {
    const list = contacts(7)
    const { id } = await store.create(tenantA, draft({ contacts: list }))
    const first = await store.contactPage(tenantA, id, { limit: 3 })
    t.strictSame(first, list.slice(0, 3).map((contact, i) => ({ position: i + 1, ...contact })), 'the first page, with positions')
    t.strictSame(await store.contactPage(tenantA, id, { limit: 3, after: 3 }), list.slice(3, 6).map((contact, i) => ({ position: i + 4, ...contact })))
    t.strictSame((await store.contactPage(tenantA, id, { limit: 3, after: 6 }))?.map(c => c.phone), [list[6].phone], 'the last page is short')
    t.strictSame(await store.contactPage(tenantA, id, { limit: 3, after: 7 }), [], 'past the end: empty')
    t.strictSame((await store.contactPage(tenantA, id, { limit: 100 }))?.map(c => c.phone), list.map(c => c.phone), 'a page larger than the list is the list')
    t.equal(await store.contactPage(tenantA, id + 1, { limit: 3 }), null, 'a missing campaign: null')
    t.equal(await store.contactPage(tenantB, id, { limit: 3 }), null, "another tenant's campaign: null")
    const empty = await store.create(tenantA, draft({ contacts: [] }))
    t.strictSame(await store.contactPage(tenantA, empty.id, { limit: 3 }), [], 'an empty list: an empty page')
    allowed(await store.update(tenantA, id, { contacts: list.slice(4) }, anyStatus))
    t.strictSame((await store.contactPage(tenantA, id, { limit: 2, after: 1 }))?.map(c => [c.position, c.phone]), [[2, list[5].phone], [3, list[6].phone]], 'a replaced list is numbered from 1 again')
  })

  test('create/get/list: messages of a campaign that never ran are an empty page, of a missing one null', async (t, store) => {
    const { id } = await store.create(tenantA, draft())
    t.strictSame(await store.messages(tenantA, id, { limit: 10 }), [])
    t.equal(await store.messages(tenantA, id + 1, { limit: 10 }), null)
  })

  test('create/get/list: list is newest first, with the total', async (t, store) => {
    for (const name of ['c1', 'c2', 'c3']) await store.create(tenantA, draft({ name }))
    const { items, total } = await store.list(tenantA, { limit: 10, offset: 0 })
    t.strictSame(items.map(c => c.name), ['c3', 'c2', 'c1'])
    t.equal(total, 3)
    t.strictSame(items[0], await store.get(tenantA, items[0].id), 'the same summary get gives')
  })

  test('create/get/list: list pages with limit and offset; total counts every match', async (t, store) => {
    for (const name of ['c1', 'c2', 'c3', 'c4', 'c5']) await store.create(tenantA, draft({ name }))
    const page = async (offset: number) => await store.list(tenantA, { limit: 2, offset })
    t.strictSame((await page(0)).items.map(c => c.name), ['c5', 'c4'])
    t.strictSame((await page(2)).items.map(c => c.name), ['c3', 'c2'])
    t.strictSame((await page(4)).items.map(c => c.name), ['c1'])
    t.strictSame(await page(10), { items: [], total: 5 }, 'past the end: no items, still the total')
    t.equal((await page(2)).total, 5)
  })

  test('create/get/list: list filters by status', async (t, store) => {
    await store.create(tenantA, draft({ name: 'draft 1' }))
    const running = await started(store, tenantA, draft({ name: 'running' }))
    await store.create(tenantA, draft({ name: 'draft 2' }))
    const drafts = await store.list(tenantA, { status: 'draft', limit: 10, offset: 0 })
    t.strictSame(drafts.items.map(c => c.name), ['draft 2', 'draft 1'])
    t.equal(drafts.total, 2)
    const runningList = await store.list(tenantA, { status: 'running', limit: 10, offset: 0 })
    t.strictSame(runningList.items.map(c => c.id), [running.campaignId])
    t.equal(runningList.total, 1)
    t.strictSame(await store.list(tenantA, { status: 'completed', limit: 10, offset: 0 }), { items: [], total: 0 })
  })

  test('create/get/list: a tenant without campaigns lists nothing', async (t, store) => {
    t.strictSame(await store.list(tenantA, { limit: 10, offset: 0 }), { items: [], total: 0 })
  })

  test('create/get/list: what the caller keeps is not what the store keeps', async (t, store) => {
    const campaign = draft({ contacts: [{ phone: '919876500001', name: 'A', parameters: ['x'] }] })
    const { id } = await store.create(tenantA, campaign)
    campaign.parameters.push('mutated')
    campaign.contacts[0].parameters!.push('mutated')
    campaign.contacts.push({ phone: '919876500002', name: 'B', parameters: null })
    const read = (await store.contacts(tenantA, id))!
    read[0].name = 'mutated'
    t.strictSame((await store.get(tenantA, id))!.parameters, ['20%'])
    t.strictSame(await store.contacts(tenantA, id), [{ phone: '919876500001', name: 'A', parameters: ['x'] }])
  })
}

export function update ({ test }: Group): void {
  test('update: changes the given fields and keeps the others', async (t, store) => {
    const created = await store.create(tenantA, draft())
    const updated = allowed(await store.update(tenantA, created.id, { name: 'Renamed', parameters: ['30%', 'x'] }, ['draft']))
    t.strictSame({ ...updated, updatedAt: '' }, { ...created, name: 'Renamed', parameters: ['30%', 'x'], updatedAt: '' })
    t.ok(updated.updatedAt >= created.updatedAt, 'updatedAt moves on')
    t.strictSame(await store.get(tenantA, created.id), updated, 'get sees the change')
    t.strictSame(await store.contacts(tenantA, created.id), draft().contacts, 'contacts untouched')
  })

  test('update: a new contact list replaces the old one wholesale, in its order', async (t, store) => {
    const { id } = await store.create(tenantA, draft({ contacts: contacts(5) }))
    const replacement = [...contacts(2, 100)].reverse()
    t.equal(allowed(await store.update(tenantA, id, { contacts: replacement }, ['draft'])).totalCount, 2)
    t.strictSame(await store.contacts(tenantA, id), replacement)
    await store.update(tenantA, id, { contacts: [] }, ['draft'])
    t.strictSame(await store.contacts(tenantA, id), [], 'an empty list leaves none')
    t.equal((await store.get(tenantA, id))!.totalCount, 0)
  })

  test('update: with no changes it still answers the campaign', async (t, store) => {
    const created = await store.create(tenantA, draft())
    const result = allowed(await store.update(tenantA, created.id, {}, ['draft']))
    t.strictSame({ ...result, updatedAt: '' }, { ...created, updatedAt: '' })
  })

  test('update: refused with the current status when not allowed; nothing changes', async (t, store) => {
    const created = await store.create(tenantA, draft())
    t.strictSame(await store.update(tenantA, created.id, { name: 'x', contacts: [] }, ['completed', 'failed']), { ok: false, reason: 'status', status: 'draft' })
    t.strictSame(await store.update(tenantA, created.id, { name: 'x' }, []), { ok: false, reason: 'status', status: 'draft' })
    t.strictSame(await store.get(tenantA, created.id), created)
    t.strictSame(await store.contacts(tenantA, created.id), draft().contacts)
  })

  test('update: a missing campaign is not_found', async (t, store) => {
    const { id } = await store.create(tenantA, draft())
    t.strictSame(await store.update(tenantA, id + 1, { name: 'x' }, anyStatus), { ok: false, reason: 'not_found' })
    t.strictSame(await store.update(tenantA, -1, { name: 'x' }, anyStatus), { ok: false, reason: 'not_found' })
  })

  test('update: an edit during a run leaves the run as it started', async (t, store) => {
    const plan = await started(store, tenantA)
    allowed(await store.update(tenantA, plan.campaignId, { templateName: 'other', parameters: [], contacts: contacts(2, 50) }, ['running']))
    const summary = (await store.get(tenantA, plan.campaignId))!
    t.equal(summary.templateName, 'other', 'the campaign changed')
    t.equal(summary.totalCount, 3, "the total is the run's")
    t.strictSame((await store.activeRuns()).find(r => r.runId === plan.runId), plan, 'the run kept its template and total')
    const batch = await store.claim(plan, 10, leaseFor())
    t.strictSame(batch.map(m => m.phone), contacts(3).map(c => c.phone), 'the run sends to its own recipients')
  })
}

export function remove ({ test }: Group): void {
  test('delete: removes the campaign with its contacts, runs and messages', async (t, store) => {
    const plan = await started(store, tenantA)
    const other = await store.create(tenantA, draft({ name: 'other' }))
    const claimed = await store.claim(plan, 1, leaseFor())
    t.strictSame(await store.delete(tenantA, plan.campaignId, ['running']), { ok: true, value: null })
    t.equal(await store.get(tenantA, plan.campaignId), null)
    t.equal(await store.contacts(tenantA, plan.campaignId), null)
    t.equal(await store.messages(tenantA, plan.campaignId, { limit: 10 }), null)
    t.strictSame((await store.list(tenantA, { limit: 10, offset: 0 })).items.map(c => c.id), [other.id])
    t.strictSame(await store.activeRuns(), [], 'its run is gone')
    t.strictSame(await store.claim(plan, 10, leaseFor()), [], 'nothing left to claim')
    await store.record(plan, [{ id: claimed[0].id, status: 'sent', messageId: 'wamid.late' }])
    t.strictSame(await store.progress(plan, new Date()), { status: 'cancelled', pending: 0, due: 0, sending: 0, doubt: 0, nextDueAt: null }, 'a run that is gone is over')
    t.strictSame(await store.delete(tenantA, plan.campaignId, anyStatus), { ok: false, reason: 'not_found' }, 'deleting twice')
  })

  test('delete: a finished campaign goes with every run', async (t, store) => {
    const plan = await started(store, tenantA)
    await sendAll(store, plan)
    await store.finishRun(plan, { status: 'completed' })
    await store.startRun(tenantA, plan.campaignId, ['completed'])
    t.strictSame(await store.delete(tenantA, plan.campaignId, anyStatus), { ok: true, value: null })
    t.strictSame(await store.activeRuns(), [])
    t.equal(await store.get(tenantA, plan.campaignId), null)
  })

  test('delete: refused with the current status when not allowed', async (t, store) => {
    const plan = await started(store, tenantA)
    t.strictSame(await store.delete(tenantA, plan.campaignId, ['draft', 'completed', 'failed']), { ok: false, reason: 'status', status: 'running' })
    t.equal((await store.get(tenantA, plan.campaignId))!.status, 'running', 'still there')
    t.equal((await store.activeRuns()).length, 1, 'its run too')
  })

  test('delete: a missing campaign is not_found', async (t, store) => {
    const { id } = await store.create(tenantA, draft())
    t.strictSame(await store.delete(tenantA, id + 1, anyStatus), { ok: false, reason: 'not_found' })
    t.ok(await store.get(tenantA, id), 'the other one stays')
  })
}

export function storedShapes ({ test }: Group): void {
  test('stored: a campaign comes back with Dates, its contact count, and no run until it runs', async (t, store) => {
    const before = Date.now()
    const at = new Date(Date.now() + 3_600_000)
    const { id } = await store.create(tenantA, draft({ scheduledAt: at }))
    const stored = (await store.stored.get(tenantA, id))!
    t.ok(stored.createdAt instanceof Date && stored.updatedAt instanceof Date && stored.readAt instanceof Date, 'Dates, not strings')
    t.equal(stored.scheduledAt?.getTime(), at.getTime(), 'scheduledAt as given')
    t.ok(Math.abs(stored.createdAt.getTime() - before) < 60_000, 'created now')
    t.ok(stored.readAt.getTime() >= stored.createdAt.getTime() - 1000, 'read on the clock it was written on')
    t.strictSame([stored.contactCount, stored.latestRun], [3, null])
  })

  test('stored: the latest run carries its counters, start and rate samples', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(4) }))
    await sendAll(store, plan, (id, index) => index === 0 ? { id, status: 'failed', code: 131026, title: 'Undeliverable' } : { id, status: 'sent', messageId: `wamid.${plan.runId}.${id}` })
    const run = (await store.stored.get(tenantA, plan.campaignId))!.latestRun!
    t.strictSame([run.status, run.totalCount, run.successCount, run.failedCount, run.error], ['running', 4, 3, 1, null])
    t.ok(run.startedAt instanceof Date && run.rate.older.at instanceof Date && run.rate.newer.at instanceof Date, 'Dates')
    t.ok(run.rate.newer.at.getTime() >= run.rate.older.at.getTime(), 'the newer sample is not older')
    t.ok(run.rate.newer.settled <= 4 && run.rate.older.settled <= run.rate.newer.settled, 'samples count settled recipients')
    const messages = (await store.stored.messages(tenantA, plan.campaignId, { limit: 10 }))!
    t.ok(messages.every(m => m.updatedAt instanceof Date), 'message times are Dates')
    t.strictSame(messages.map(m => m.error), [{ code: 131026, title: 'Undeliverable' }, null, null, null], 'no error is null')
  })

  test('stored: a claimed message is stored as sending (the API shows it as pending)', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(2) }))
    await store.claim(plan, 1, leaseFor())
    const stored = (await store.stored.messages(tenantA, plan.campaignId, { limit: 10 }))!
    t.strictSame(stored.map(m => m.status), ['sending', 'pending'])
    const pendingPage = (await store.stored.messages(tenantA, plan.campaignId, { limit: 10, status: 'pending' }))!
    t.equal(pendingPage.length, 2, 'the pending filter takes both')
  })
}
