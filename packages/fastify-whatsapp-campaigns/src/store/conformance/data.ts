/** Conformance: awkward text survives every round trip; large lists are whole and in order. */
import type { StoredContact } from '../types.js'
import { allMessages, allowed, contacts, draft, leaseFor, phone, tenantA, type Group } from './context.js'

/** Text that breaks naive array literals, JSON or encodings. */
const awkward = ['Åsa Ñandú 😀', 'العربية', '"quoted"', 'back\\slash', '{braces}', 'a,b', 'NULL', '', ' padded ', "it's", 'line\nbreak']

export function unicode ({ test }: Group): void {
  test('data: unicode and awkward text survive every round trip', async (t, store) => {
    const list: StoredContact[] = awkward.map((text, i) => ({ phone: phone(i), name: text, parameters: [text, ...awkward] }))
    list.push({ phone: phone(99), name: null, parameters: null })
    const created = await store.create(tenantA, draft({ name: `Diwali ✨ ${awkward.join(' ')}`, templateName: 'offer_ü', parameters: awkward, contacts: list }))
    t.equal(created.name, `Diwali ✨ ${awkward.join(' ')}`)
    t.strictSame(created.parameters, awkward)
    t.strictSame(await store.contacts(tenantA, created.id), list)
    const plan = allowed(await store.startRun(tenantA, created.id, ['draft']))
    t.strictSame(plan.parameters, awkward)
    const claimed = await store.claim(plan, 100, leaseFor())
    t.strictSame(claimed.map(({ phone, name, parameters }) => ({ phone, name, parameters })), list)
    t.strictSame((await allMessages(store, tenantA, created.id)).map(m => m.name), list.map(c => c.name))
  })
}

export function largeLists ({ test, features }: Group): void {
  const count = features.bulkContacts
  if (count === 0) return
  test(`data: a ${count.toLocaleString('en')}-contact campaign is created, read back and run whole`, async (t, store) => {
    const list = contacts(count)
    const created = await store.create(tenantA, draft({ contacts: list }))
    t.equal(created.totalCount, count)
    const read = (await store.contacts(tenantA, created.id))!
    t.equal(read.length, count)
    t.equal(read.filter((c, i) => c.phone !== list[i].phone || c.name !== list[i].name).length, 0, 'every contact in its place')
    const deep = await store.contactPage(tenantA, created.id, { limit: 3, after: count - 2 })
    t.strictSame(deep?.map(c => [c.position, c.phone]), [[count - 1, list[count - 2].phone], [count, list[count - 1].phone]], 'a page at the end of the list')
    const plan = allowed(await store.startRun(tenantA, created.id, ['draft']))
    t.equal(plan.totalCount, count)
    const messages = await allMessages(store, tenantA, created.id)
    t.equal(messages.length, count)
    t.equal(messages.filter((m, i) => m.phone !== list[i].phone || m.status !== 'pending').length, 0, 'one pending message per contact, in order')
    const batch = await store.claim(plan, 1000, leaseFor())
    t.strictSame(batch.map(m => m.phone), list.slice(0, 1000).map(c => c.phone))
  })
}
