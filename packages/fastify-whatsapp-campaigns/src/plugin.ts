import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { createCampaignService, type CampaignService } from './campaigns/service.js'
import { Engine, type SenderLease } from './engine/engine.js'
import { resolveOptions, type CampaignsPluginOptions, type WhatsAppAccount } from './options.js'
import { campaignsApi } from './routes/index.js'
import type { Tenant } from './store/types.js'
import { createCloudApiClient } from './whatsapp/client.js'

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

  const senders = new Map<string, SenderLease>()
  async function senderFor (tenant: Tenant): Promise<SenderLease> {
    const account: WhatsAppAccount = await resolved.accountFor(tenant)
    const numberKey = `${account.apiUrl}/${account.phoneNumberId}`
    const key = `${numberKey}#${account.accessToken}`
    let lease = senders.get(key)
    if (lease === undefined) {
      const sender = createCloudApiClient({
        apiUrl: account.apiUrl as string,
        phoneNumberId: account.phoneNumberId,
        accessToken: account.accessToken,
        connections: resolved.sending.concurrency
      })
      lease = { sender, numberKey }
      senders.set(key, lease)
    }
    return lease
  }

  const engine = new Engine({ store, senderFor, settings: resolved.sending, log: app.log.child({ plugin: 'whatsapp-campaigns' }) })
  const service = createCampaignService(store, engine, { maxContacts: resolved.maxContacts, defaultCountry: resolved.defaultCountry })
  app.decorate('whatsappCampaigns', service)

  // Runs left running by a restart resume, scheduled campaigns start, other instances' runs are shared.
  app.addHook('onReady', async () => { engine.scan() })
  // The store was the host's to give and stays the host's to close; the engine and the senders are ours.
  app.addHook('onClose', async () => {
    await engine.close()
    await Promise.all([...senders.values()].map(async ({ sender }) => { await sender.close() }))
  })

  await app.register(campaignsApi, {
    prefix: resolved.prefix,
    service,
    bodyLimit: resolved.bodyLimit,
    hooks: resolved.hooks,
    tenant: resolved.tenant
  })
}

export const campaignsPlugin = fp(whatsappCampaigns, { fastify: '5.x', name: 'fastify-whatsapp-campaigns' })
