import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { createCampaignService, startScheduled, type CampaignService } from './campaigns/service.js'
import { Engine } from './engine/engine.js'
import { resolveOptions, type CampaignsPluginOptions } from './options.js'
import { campaignsApi } from './routes/index.js'
import { webhookRoutes } from './routes/webhook.js'
import { IngestQueue } from './webhooks/ingest-queue.js'
import { QualityPauser } from './webhooks/quality-pauser.js'
import { createCloudApiClient } from './whatsapp/client.js'
import { SenderCache } from './whatsapp/sender-cache.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The campaigns for the host's own code: a cron job, another route. */
    whatsappCampaigns: CampaignService
  }
}

async function whatsappCampaigns (app: FastifyInstance, options: CampaignsPluginOptions): Promise<void> {
  const resolved = resolveOptions(options)
  const { store } = resolved
  await store.init?.()

  const senderOf = async (tenant: string): Promise<string> => (await resolved.accountFor(tenant)).phoneNumberId
  const senders = new SenderCache(account => createCloudApiClient({ ...account, connections: resolved.sending.concurrency }))
  const engine = new Engine({
    queue: store,
    timeline: store,
    ledger: store,
    // Only signed webhooks can witness a send whose answer was lost; without them it is reported at once.
    witnessWindowMs: resolved.webhook.appSecret === undefined ? undefined : resolved.webhook.witnessWindowMs,
    startScheduled: async (tenant, id) => await startScheduled(store, tenant, id, senderOf),
    senderFor: async tenant => senders.lend(await resolved.accountFor(tenant)),
    settings: resolved.sending,
    log: app.log.child({ plugin: 'whatsapp-campaigns' })
  })
  const service = createCampaignService(store, engine, { maxContacts: resolved.maxContacts, defaultCountry: resolved.defaultCountry }, { inlineLimit: resolved.inlineLimit, senderOf })
  app.decorate('whatsappCampaigns', service)

  // Runs left running by a restart resume, scheduled campaigns start, other instances' runs are shared.
  app.addHook('onReady', async () => { engine.scan() })
  // The store was the host's to give and stays the host's to close; the engine and the senders are ours.
  app.addHook('onClose', async () => {
    await engine.close()
    await senders.close()
  })

  await app.register(campaignsApi, {
    prefix: resolved.prefix,
    service,
    bodyLimit: resolved.bodyLimit,
    hooks: resolved.hooks,
    tenant: resolved.tenant,
    rateLimit: resolved.rateLimit
  })

  // Beside the API, not in it: Meta's calls carry no credentials for the host's hooks; they are signed.
  const webhookQueue = new IngestQueue({ ingest: async reports => await store.ingest(reports) })
  app.addHook('onClose', async () => { await webhookQueue.close() })
  await app.register(webhookRoutes, { prefix: resolved.prefix, webhook: resolved.webhook, queue: webhookQueue, quality: new QualityPauser(store) })
}

export const campaignsPlugin = fp(whatsappCampaigns, { fastify: '5.x', name: 'fastify-whatsapp-campaigns' })
