/**
 * Type tests of the public surface, against the package as a host imports it (its built
 * declarations): the options, the decorator, the store's interfaces and the routes' request.
 */
import Fastify, { type FastifyRequest } from 'fastify'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { describe, expect, test } from 'tstyche'
import campaigns, {
  memoryStore,
  postgresStore,
  type Campaign,
  type CampaignCounts,
  type CampaignStatus,
  type ContactCheck,
  type Message,
  type CampaignAnalytics,
  type CampaignRepository,
  type DeliveryLedger,
  type OptOutList,
  type CampaignRequest,
  type CampaignService,
  type CampaignStore,
  type CampaignSummary,
  type CampaignsPluginOptions,
  type RunQueue,
  type SendTimeline,
  type StoredCampaign,
  type StoreLifecycle,
  type WhatsAppAccount
} from 'fastify-whatsapp-campaigns'
import { suite, type StoreView } from 'fastify-whatsapp-campaigns/conformance'

const account = { phoneNumberId: '123', accessToken: 'token' }

describe('options', () => {
  test('a store and an account are all it needs', () => {
    expect<{ store: CampaignStore, whatsapp: WhatsAppAccount }>().type.toBeAssignableTo<CampaignsPluginOptions>()
    expect<{ whatsapp: WhatsAppAccount }>().type.not.toBeAssignableTo<CampaignsPluginOptions>()
    expect<{ store: CampaignStore }>().type.not.toBeAssignableTo<CampaignsPluginOptions>()
  })

  test('the account may be a function of the tenant, sync or async', () => {
    expect({ store: memoryStore(), whatsapp: (tenant: string) => ({ ...account, phoneNumberId: tenant }) }).type.toBeAssignableTo<CampaignsPluginOptions>()
    expect({ store: memoryStore(), whatsapp: async () => account }).type.toBeAssignableTo<CampaignsPluginOptions>()
    expect({ store: memoryStore(), whatsapp: (tenant: number) => account }).type.not.toBeAssignableTo<CampaignsPluginOptions>()
  })

  test('sending settings are partial and numeric; unknown ones are refused', () => {
    expect({ store: memoryStore(), whatsapp: account, sending: { messagesPerSecond: 80 } }).type.toBeAssignableTo<CampaignsPluginOptions>()
    expect({ store: memoryStore(), whatsapp: account, sending: { messagesPerSecond: '80' } }).type.not.toBeAssignableTo<CampaignsPluginOptions>()
    expect<CampaignsPluginOptions['sending']>().type.not.toBeAssignableFrom({ speed: 3 })
  })

  test('tenant is a function of the request; hooks are the host\'s handlers', () => {
    expect({ store: memoryStore(), whatsapp: account, tenant: (request: FastifyRequest) => request.ip }).type.toBeAssignableTo<CampaignsPluginOptions>()
    expect({ store: memoryStore(), whatsapp: account, tenant: 'acme' }).type.not.toBeAssignableTo<CampaignsPluginOptions>()
    expect({ store: memoryStore(), whatsapp: account, hooks: { onRequest: async () => {} } }).type.toBeAssignableTo<CampaignsPluginOptions>()
  })

  test('registering takes the options, and refuses what is not them', () => {
    const app = Fastify()
    expect(app.register).type.toBeCallableWith(campaigns, { store: memoryStore(), whatsapp: account, prefix: '/api/whatsapp' })
    expect(app.register).type.not.toBeCallableWith(campaigns, { whatsapp: account })
  })
})

describe('app.whatsappCampaigns', () => {
  test('is the campaign service, with typed results', () => {
    const app = Fastify()
    expect(app.whatsappCampaigns).type.toBe<CampaignService>()
    expect(app.whatsappCampaigns.create('org-1', { name: 'n', templateName: 't' })).type.toBe<Promise<Campaign>>()
    expect(app.whatsappCampaigns.list('org-1')).type.toBe<Promise<{ items: CampaignSummary[], total: number }>>()
    expect(app.whatsappCampaigns.run('org-1', 1, 'failed')).type.toBe<Promise<CampaignSummary>>()
    expect(app.whatsappCampaigns.run).type.not.toBeCallableWith('org-1', 1, 'failures')
    expect(app.whatsappCampaigns.create).type.not.toBeCallableWith('org-1', { name: 'n' })
    expect(app.whatsappCampaigns.list).type.toBeCallableWith('org-1', { q: 'diwali', status: 'draft' })
    expect(app.whatsappCampaigns.counts('org-1', { q: 'diwali' })).type.toBe<Promise<CampaignCounts>>()
    expect<CampaignCounts['all'] | CampaignCounts['completed']>().type.toBe<number>()
    expect(app.whatsappCampaigns.checkContacts('org-1', { contacts: [{ phone: '919876000001' }] })).type.toBe<Promise<ContactCheck>>()
    expect<ContactCheck['rows'][number]['verdict']>().type.toBe<'valid' | 'invalid' | 'duplicate' | 'optedOut'>()
    expect(app.whatsappCampaigns.exportMessages('org-1', 1, { status: 'failed' })).type.toBe<Promise<AsyncIterable<Message>>>()
    expect(app.whatsappCampaigns.exportMessages).type.not.toBeCallableWith('org-1', 1, { status: 'sending' })
  })
})

describe('stores', () => {
  test('a CampaignStore is each of its parts', () => {
    expect<CampaignStore>().type.toBeAssignableTo<CampaignRepository>()
    expect<CampaignStore>().type.toBeAssignableTo<RunQueue>()
    expect<CampaignStore>().type.toBeAssignableTo<SendTimeline>()
    expect<CampaignStore>().type.toBeAssignableTo<DeliveryLedger>()
    expect<CampaignStore>().type.toBeAssignableTo<OptOutList>()
    expect<CampaignStore>().type.toBeAssignableTo<CampaignAnalytics>()
    expect<CampaignStore>().type.toBeAssignableTo<StoreLifecycle>()
    expect<CampaignRepository & RunQueue & SendTimeline & DeliveryLedger & OptOutList & CampaignAnalytics & StoreLifecycle>().type.toBeAssignableTo<CampaignStore>()
  })

  test('a store missing a part is not a CampaignStore', () => {
    expect<CampaignRepository & RunQueue & StoreLifecycle>().type.not.toBeAssignableTo<CampaignStore>()
    expect<Omit<CampaignStore, 'ingest'>>().type.not.toBeAssignableTo<CampaignStore>()
    expect<Omit<CampaignStore, 'pauseRun'>>().type.not.toBeAssignableTo<CampaignStore>()
    expect<Omit<CampaignStore, 'statusCounts'>>().type.not.toBeAssignableTo<CampaignStore>()
    expect<Omit<CampaignStore, 'optedOutAmong'>>().type.not.toBeAssignableTo<CampaignStore>()
    expect<Omit<CampaignStore, 'init'>>().type.toBeAssignableTo<CampaignStore>()
  })

  test('the adapters are CampaignStores, over pg, fastify.pg and PGlite', () => {
    expect(memoryStore()).type.toBe<CampaignStore>()
    expect(postgresStore(new pg.Pool())).type.toBe<CampaignStore>()
    expect(postgresStore(new PGlite(), { owned: true, migrate: false })).type.toBe<CampaignStore>()
    expect(postgresStore).type.not.toBeCallableWith('postgres://localhost/db')
  })

  test('stores keep Dates and counters; the API shows ISO strings', () => {
    expect<StoredCampaign['createdAt']>().type.toBe<Date>()
    expect<CampaignSummary['createdAt']>().type.toBe<string>()
    expect<StoredCampaign>().type.not.toHaveProperty('progress')
    expect<CampaignSummary>().type.toHaveProperty('progress')
    expect(memoryStore().get('t', 1)).type.toBe<Promise<StoredCampaign | null>>()
    expect(memoryStore().optedOutAmong('t', ['919876000001'])).type.toBe<Promise<Set<string>>>()
    expect(memoryStore().statusCounts('t', { q: 'diwali' })).type.toBe<Promise<Record<CampaignStatus, number>>>()
    expect(memoryStore().list).type.toBeCallableWith('t', { q: 'diwali', limit: 10, offset: 0 })
    expect(memoryStore().list).type.not.toBeCallableWith('t', { q: 5, limit: 10, offset: 0 })
  })

  test('the conformance suite takes a test function and a factory of stores', () => {
    expect(suite).type.toBeCallableWith({ test: (name: string, fn: (t: any) => Promise<void>) => {}, factory: () => memoryStore() })
    expect(suite).type.toBeCallableWith({ test: () => {}, factory: async () => ({ store: memoryStore(), teardown: () => {} }), parts: ['RunQueue'] })
    expect(suite).type.not.toBeCallableWith({ test: () => {}, factory: () => memoryStore(), parts: ['Queue'] })
    expect<StoreView['get']>().type.toBe<(tenant: string, id: number) => Promise<CampaignSummary | null>>()
  })
})

describe('the request', () => {
  test('whatsappTenant is not claimed on every request of the host', () => {
    expect<FastifyRequest>().type.not.toHaveProperty('whatsappTenant')
  })

  test('a request to the plugin\'s routes carries it', () => {
    expect<CampaignRequest['whatsappTenant']>().type.toBe<string>()
    expect<CampaignRequest>().type.toBeAssignableTo<FastifyRequest>()
  })
})
