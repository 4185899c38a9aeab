import { resolve } from 'node:path'
import { defaultApiUrl, type CampaignsPluginOptions } from 'fastify-whatsapp-campaigns'
import { sandboxFromEnv, type SandboxConfig } from './sandbox-config.js'

/** The reference server's settings, all from the environment (the original app's variable names). */
export interface ServerConfig {
  host: string
  port: number
  /** A real PostgreSQL; without it the data is kept in an embedded PGlite under `dataDir`. */
  databaseUrl?: string
  dataDir: string
  /** The real Cloud API; without an access token messages go to a local sandbox. */
  whatsapp?: {
    apiUrl: string
    phoneNumberId: string
    accessToken: string
    /** The WhatsApp Business Account: its templates are checked before every run (none checked without it). */
    businessAccountId?: string
  }
  /**
   * Meta's status webhooks (at `/api/whatsapp/webhook`): the app secret that signs them and the token of
   * Meta's verification. In the sandbox, without a secret, the server makes one for its fake.
   */
  webhook: {
    appSecret?: string
    verifyToken?: string
    /** How long a send whose outcome was lost waits for its status webhook (the plugin's default when unset). */
    witnessWindowMs?: number
  }
  /** The local fake's behaviour (SANDBOX_*), used when `whatsapp` is undefined. */
  sandbox: SandboxConfig
  messagesPerSecond: number
  /** The country of phone numbers written without their country code; without it they are refused. */
  defaultCountry?: CampaignsPluginOptions['defaultCountry']
  /** When set, campaign routes want `Authorization: Bearer <apiToken>`. */
  apiToken?: string
  logLevel: string
}

function positiveNumber (env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number (got "${raw}")`)
  return value
}

function optional (env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name]?.trim()
  return value === undefined || value === '' ? undefined : value
}

const regions = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' })

/** An ISO 3166 alpha-2 code, in any case: `IN`, `in`. */
function countryCode (env: NodeJS.ProcessEnv, name: string): CampaignsPluginOptions['defaultCountry'] {
  const raw = optional(env, name)
  if (raw === undefined) return undefined
  const code = raw.toUpperCase()
  // Intl knows the ISO 3166 regions by name; ZZ is its "Unknown Region".
  if (!/^[A-Z]{2}$/.test(code) || code === 'ZZ' || regions.of(code) === undefined) {
    throw new Error(`${name} must be a country's ISO 3166 alpha-2 code, such as IN or US (got "${raw}")`)
  }
  return code as CampaignsPluginOptions['defaultCountry']
}

function businessAccount (env: NodeJS.ProcessEnv): { businessAccountId?: string } {
  const id = optional(env, 'WHATSAPP_BUSINESS_ACCOUNT_ID')
  if (id === undefined) return {}
  if (!/^\d+$/.test(id)) throw new Error(`WHATSAPP_BUSINESS_ACCOUNT_ID must be the WhatsApp Business Account id, digits (got "${id}")`)
  return { businessAccountId: id }
}

export function configFromEnv (env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const accessToken = optional(env, 'WHATSAPP_ACCESS_TOKEN')
  const phoneNumberId = optional(env, 'WHATSAPP_PHONE_NUMBER_ID')
  if (accessToken !== undefined && phoneNumberId === undefined) {
    throw new Error('WHATSAPP_PHONE_NUMBER_ID is needed with WHATSAPP_ACCESS_TOKEN: the number to send from')
  }
  const port = Number(optional(env, 'PORT') ?? 3000)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number (got "${env.PORT}")`)
  return {
    host: optional(env, 'HOST') ?? '0.0.0.0',
    port,
    databaseUrl: optional(env, 'DATABASE_URL'),
    dataDir: resolve(optional(env, 'DATA_DIR') ?? './data'),
    whatsapp: accessToken === undefined || phoneNumberId === undefined
      ? undefined
      : {
          apiUrl: optional(env, 'WHATSAPP_API_URL') ?? defaultApiUrl,
          phoneNumberId,
          accessToken,
          ...businessAccount(env)
        },
    webhook: {
      appSecret: optional(env, 'WHATSAPP_APP_SECRET'),
      verifyToken: optional(env, 'WHATSAPP_VERIFY_TOKEN'),
      witnessWindowMs: optional(env, 'WHATSAPP_WITNESS_WINDOW_MS') === undefined ? undefined : positiveNumber(env, 'WHATSAPP_WITNESS_WINDOW_MS', 1)
    },
    sandbox: sandboxFromEnv(env),
    messagesPerSecond: positiveNumber(env, 'WHATSAPP_MESSAGES_PER_SECOND', 80),
    defaultCountry: countryCode(env, 'DEFAULT_COUNTRY'),
    apiToken: optional(env, 'API_TOKEN'),
    logLevel: optional(env, 'LOG_LEVEL') ?? 'info'
  }
}
