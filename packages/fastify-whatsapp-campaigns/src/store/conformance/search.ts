/** Conformance: finding campaigns by name, and counting them per status for a list's filter. */
import { campaignStatuses } from '../../schemas/campaign.js'
import { allowed, anyStatus, draft, started, tenantA, tenantB, type Group } from './context.js'

const noCampaigns = Object.fromEntries(campaignStatuses.map(status => [status, 0]))

export function nameSearch ({ test }: Group): void {
  test('search: q is a case-insensitive substring of the name, unicode too; total and status filter honour it', async (t, store) => {
    const names = ['Diwali Offer', 'diwali reminder', 'Summer SALE', 'Åsa Ñandú week', 'ΣΟΦΙΑ launch', 'Offer for İstanbul']
    const ids = new Map<string, number>()
    for (const name of names) ids.set(name, (await store.create(tenantA, draft({ name }))).id)
    const found = async (q: string, extra: { status?: 'draft' | 'scheduled', limit?: number, offset?: number } = {}) => {
      const { items, total } = await store.list(tenantA, { q, limit: extra.limit ?? 50, offset: extra.offset ?? 0, status: extra.status })
      return { names: items.map(c => c.name), total }
    }
    t.strictSame(await found('DIWALI'), { names: ['diwali reminder', 'Diwali Offer'], total: 2 }, 'newest first, either case')
    t.strictSame(await found('offer'), { names: ['Offer for İstanbul', 'Diwali Offer'], total: 2 }, 'anywhere in the name')
    t.strictSame(await found('sale'), { names: ['Summer SALE'], total: 1 })
    t.strictSame(await found('åSA ñANDÚ'), { names: ['Åsa Ñandú week'], total: 1 }, 'accented letters by their lower case')
    t.strictSame(await found('σοφια'), { names: ['ΣΟΦΙΑ launch'], total: 1 }, 'another script')
    t.strictSame(await found('nothing like it'), { names: [], total: 0 })
    t.strictSame(await found('I'), { names: ['Offer for İstanbul', 'diwali reminder', 'Diwali Offer'], total: 3 }, 'İ lowers to i')
    t.strictSame(await found('i', { limit: 2, offset: 1 }), { names: ['diwali reminder', 'Diwali Offer'], total: 3 }, 'paged like any list, the total counting every match')
    allowed(await store.update(tenantA, ids.get('Diwali Offer')!, { scheduledAt: new Date(Date.now() + 3_600_000) }, anyStatus))
    t.strictSame(await found('diwali', { status: 'scheduled' }), { names: ['Diwali Offer'], total: 1 }, 'with the status filter')
    t.strictSame(await found('diwali', { status: 'draft' }), { names: ['diwali reminder'], total: 1 })
    t.strictSame(await found(''), { names: [...names].reverse(), total: names.length }, 'an empty q is every campaign')
    t.strictSame((await store.list(tenantB, { q: 'diwali', limit: 50, offset: 0 })).total, 0, "another tenant's names are not searched")
  })

  test('search: %, _ and \\ in q are the characters themselves, not patterns', async (t, store) => {
    for (const name of ['50% off', '500 off', 'a_b', 'axb', 'back\\slash', 'backslash']) await store.create(tenantA, draft({ name }))
    const names = async (q: string) => (await store.list(tenantA, { q, limit: 50, offset: 0 })).items.map(c => c.name)
    t.strictSame(await names('0%'), ['50% off'])
    t.strictSame(await names('a_b'), ['a_b'])
    t.strictSame(await names('k\\s'), ['back\\slash'])
    t.strictSame(await names('%'), ['50% off'])
    t.strictSame(await names("'; DROP TABLE campaigns; --"), [], 'nothing but a search')
  })

  test('counts: every status present, zero when none; the search narrows them; one tenant each', async (t, store) => {
    t.strictSame(await store.statusCounts(tenantA, {}), noCampaigns, 'no campaigns: every status at zero')
    await store.create(tenantA, draft({ name: 'Diwali one' }))
    await store.create(tenantA, draft({ name: 'Diwali two', scheduledAt: new Date(Date.now() + 3_600_000) }))
    await started(store, tenantA, draft({ name: 'diwali running' }))
    const cancelled = await store.create(tenantA, draft({ name: 'Summer' }))
    allowed(await store.cancel(tenantA, cancelled.id, anyStatus))
    await store.create(tenantB, draft({ name: 'Diwali of B' }))
    t.strictSame(await store.statusCounts(tenantA, {}), { ...noCampaigns, draft: 1, scheduled: 1, running: 1, cancelled: 1 })
    t.strictSame(await store.statusCounts(tenantA, { q: 'DIWALI' }), { ...noCampaigns, draft: 1, scheduled: 1, running: 1 })
    t.strictSame(await store.statusCounts(tenantA, { q: '_' }), noCampaigns, 'the search is literal here too')
    t.strictSame(await store.statusCounts(tenantB, {}), { ...noCampaigns, draft: 1 })
  })
}
