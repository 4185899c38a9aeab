import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { CampaignStore } from './store/types.js'
import { createCampaignService, startScheduled, type CampaignService } from './campaigns/service.js'
import { Engine } from './engine/engine.js'
import { resolveOptions, type CampaignsPluginOptions } from './options.js'
import { campaignsApi } from './routes/index.js'
import { webhookRoutes } from './routes/webhook.js'
import { IngestQueue } from './webhooks/ingest-queue.js'
import { WebhookIntake } from './webhooks/intake.js'
import { StatusInbox, type Journal } from './webhooks/status-inbox.js'
import { QualityPauser } from './webhooks/quality-pauser.js'
import { createCloudApiClient } from './whatsapp/client.js'
import { SenderCache } from './whatsapp/sender-cache.js'
import { StandingCache } from './whatsapp/number-standing.js'
import { TemplateCatalogue } from './templates/catalogue.js'
import { createTemplateGate } from './templates/gate.js'
import { templateStatusHandler } from './templates/status-updates.js'
import { catalogueLookup, templateJudge } from './campaigns/preflight-template.js'

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
  const catalogue = new TemplateCatalogue({ ttlMs: resolved.templates.cacheTtlMs })
  const templates = createTemplateGate({ store, accountFor: resolved.accountFor, catalogue, checkOnSave: resolved.templates.checkOnSave })
  const log = app.log.child({ plugin: 'whatsapp-campaigns' })
  const senders = new SenderCache(account => createCloudApiClient({ ...account, connections: resolved.sending.concurrency }))
  const engine = new Engine({
    queue: store,
    timeline: store,
    ledger: store,
    // Only signed webhooks can witness a send whose answer was lost; without them it is reported at once.
    witnessWindowMs: resolved.webhook.appSecret === undefined ? undefined : resolved.webhook.witnessWindowMs,
    startScheduled: async (tenant, id) => {
      try {
        return await startScheduled(store, tenant, id, senderOf, templates)
      } catch (error) {
        // The templates could not be read: the campaign stays scheduled, and the next scan tries again.
        log.warn({ err: error, tenant, campaignId: id }, 'scheduled campaign not started: its template could not be checked')
        return null
      }
    },
    senderFor: async tenant => senders.lend(await resolved.accountFor(tenant)),
    settings: resolved.sending,
    log
  })
  // A number's tier and quality rating, for the preflight: read from the Graph API, kept a minute.
  const standings = new StandingCache()
  const preflight = {
    messagesPerSecond: resolved.sending.messagesPerSecond,
    rowsLimit: resolved.inlineLimit,
    pricing: resolved.pricing,
    numberOf: async (tenant: string) => {
      const account = await resolved.accountFor(tenant)
      return { phoneNumberId: account.phoneNumberId, standing: async () => await standings.standingOf(account) }
    },
    judgeTemplate: templateJudge(catalogueLookup(resolved.accountFor, catalogue))
  }
  const service = createCampaignService(store, engine, { maxContacts: resolved.maxContacts, defaultCountry: resolved.defaultCountry }, { inlineLimit: resolved.inlineLimit, senderOf, templates, preflight })
  app.decorate('whatsappCampaigns', service)

  // Runs left running by a restart resume, scheduled campaigns start, other instances' runs are shared.
  app.addHook('onReady', async () => { engine.scan() })
  // The store was the host's to give and stays the host's to close; the engine and the senders are ours.
  app.addHook('onClose', async () => {
    await engine.close()
    await senders.close()
    await catalogue.close()
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
  const onTemplateStatus = templateStatusHandler({
    catalogue,
    queue: store,
    businessAccountOf: async tenant => (await resolved.accountFor(tenant)).businessAccountId,
    stopped: campaignId => { engine.stopped(campaignId, 'pause') },
    log
  })
  const webhookQueue = new IngestQueue({
    ingest: async reports => {
      const summary = await store.ingest(reports)
      // After the ingest: a pause that fails is answered like a failed ingest, and Meta sends the body again.
      await onTemplateStatus(reports.other)
      return summary
    }
  })
  const journal = journalOf(store)
  const intake = new WebhookIntake(webhookQueue, journal === undefined ? undefined : new StatusInbox({ journal, log }))
  app.addHook('onReady', async () => { intake.start() })
  app.addHook('onClose', async () => { await intake.close() })
  await app.register(webhookRoutes, { prefix: resolved.prefix, webhook: resolved.webhook, intake, quality: new QualityPauser(store) })
}

/** The store's status journal, its methods bound, when it has one (the registration's check saw that it is whole). */
function journalOf (store: CampaignStore): Journal | undefined {
  const { journalStatuses, applyJournaled, applyStrandedStatuses } = store
  if (journalStatuses === undefined || applyJournaled === undefined || applyStrandedStatuses === undefined) return undefined
  return {
    journalStatuses: journalStatuses.bind(store),
    applyJournaled: applyJournaled.bind(store),
    applyStrandedStatuses: applyStrandedStatuses.bind(store)
  }
}

export const campaignsPlugin = fp(whatsappCampaigns, { fastify: '5.x', name: 'fastify-whatsapp-campaigns' })
