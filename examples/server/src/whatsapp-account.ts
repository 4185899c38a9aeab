import type { FastifyInstance } from 'fastify'
import type { WhatsAppAccount } from 'fastify-whatsapp-campaigns'
import { startCloudApiFake } from 'whatsapp-cloud-fake'
import type { ServerConfig } from './config.js'
import { sandboxFailure } from './sandbox-failures.js'

/**
 * The real Cloud API when WHATSAPP_ACCESS_TOKEN is set; otherwise a local fake of it (the sandbox), so
 * the server runs with zero setup and nothing reaches WhatsApp.
 */
export async function whatsappAccount (app: FastifyInstance, config: ServerConfig): Promise<WhatsAppAccount> {
  if (config.whatsapp !== undefined) {
    app.log.info({ apiUrl: config.whatsapp.apiUrl, phoneNumberId: config.whatsapp.phoneNumberId }, 'whatsapp: sending through the Cloud API')
    return config.whatsapp
  }
  const accessToken = 'sandbox-token'
  const { failureRate, templates, latencyMs } = config.sandbox
  // The log of every request would grow without end in a long-lived server: outcomes are enough.
  const fake = await startCloudApiFake({ accessToken, latencyMs, templates, failure: sandboxFailure(failureRate), keepLog: false })
  app.addHook('onClose', async () => { await fake.close() })
  const behaviour = { failureRate, templates: templates?.map(t => t.language === undefined ? t.name : `${t.name}:${t.language}`) ?? 'any', latencyMs }
  app.log.warn({ apiUrl: fake.apiUrl, sandbox: behaviour }, 'whatsapp: SANDBOX mode, messages go to a local fake of the Cloud API and never reach WhatsApp; set WHATSAPP_ACCESS_TOKEN and WHATSAPP_PHONE_NUMBER_ID to send for real')
  return { apiUrl: fake.apiUrl, phoneNumberId: 'sandbox', accessToken }
}
