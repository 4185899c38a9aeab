import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import type { CampaignsPluginOptions, WhatsAppAccount } from 'fastify-whatsapp-campaigns'
import { startCloudApiFake } from 'whatsapp-cloud-fake'
import type { ServerConfig } from './config.js'
import { sandboxFailure } from './sandbox-failures.js'

export interface WhatsAppSetup {
  account: WhatsAppAccount
  webhook: NonNullable<CampaignsPluginOptions['webhook']>
}

/**
 * The real Cloud API when WHATSAPP_ACCESS_TOKEN is set; otherwise a local fake of it (the sandbox), so
 * the server runs with zero setup and nothing reaches WhatsApp. The sandbox posts its status webhooks
 * to this server, signed with WHATSAPP_APP_SECRET or, without one, a secret made for this process, so
 * messages become delivered and read as they would with Meta.
 */
export async function whatsappSetup (app: FastifyInstance, config: ServerConfig, webhookPath: string): Promise<WhatsAppSetup> {
  const { witnessWindowMs, verifyToken } = config.webhook
  if (config.whatsapp !== undefined) {
    app.log.info({ apiUrl: config.whatsapp.apiUrl, phoneNumberId: config.whatsapp.phoneNumberId, webhooks: config.webhook.appSecret !== undefined }, 'whatsapp: sending through the Cloud API')
    if (config.webhook.appSecret === undefined) app.log.warn('whatsapp: WHATSAPP_APP_SECRET is not set, so status webhooks are refused: delivered and read are not tracked, and a send whose answer was lost is reported UNKNOWN_OUTCOME')
    return { account: config.whatsapp, webhook: { appSecret: config.webhook.appSecret, verifyToken, witnessWindowMs } }
  }
  const accessToken = 'sandbox-token'
  const appSecret = config.webhook.appSecret ?? randomBytes(32).toString('hex')
  const { failureRate, templates, latencyMs } = config.sandbox
  // The log of every request would grow without end in a long-lived server: outcomes are enough.
  const fake = await startCloudApiFake({ accessToken, latencyMs, templates, failure: sandboxFailure(failureRate), keepLog: false })
  app.addHook('onListen', async () => {
    const { port } = app.server.address() as AddressInfo
    fake.setOptions({ webhooks: { url: `http://127.0.0.1:${port}${webhookPath}`, appSecret } })
  })
  app.addHook('onClose', async () => { await fake.close() })
  // The fake's templates are checked like Meta's when each has its language; a name alone is approved
  // in every language, which a list of templates cannot say, so then (and without a list) none is checked.
  const checked = templates !== undefined && templates.every(t => t.language !== undefined)
  const behaviour = { failureRate, templates: templates?.map(t => t.language === undefined ? t.name : `${t.name}:${t.language}`) ?? 'any', templatesChecked: checked, latencyMs }
  app.log.warn({ apiUrl: fake.apiUrl, sandbox: behaviour }, 'whatsapp: SANDBOX mode, messages go to a local fake of the Cloud API and never reach WhatsApp (it sends status webhooks back); set WHATSAPP_ACCESS_TOKEN and WHATSAPP_PHONE_NUMBER_ID to send for real')
  const account: WhatsAppAccount = { apiUrl: fake.apiUrl, phoneNumberId: 'sandbox', accessToken, ...(checked ? { businessAccountId: fake.businessAccountId } : {}) }
  return { account, webhook: { appSecret, verifyToken, witnessWindowMs } }
}
