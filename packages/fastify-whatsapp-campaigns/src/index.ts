import { campaignsPlugin } from './plugin.js'

export default campaignsPlugin
export { campaignsPlugin }
export type { CampaignsPluginOptions, WhatsAppAccount } from './options.js'
export type { CampaignService } from './campaigns/service.js'
export type { EngineSettings } from './engine/settings.js'
export { defaultEngineSettings } from './engine/settings.js'
export * from './schemas/campaign.js'
export * from './schemas/requests.js'
export * from './schemas/errors.js'
export type * from './store/types.js'
export { postgresStore, type PostgresStoreOptions } from './store/postgres.js'
export { memoryStore } from './store/memory.js'
export { migrate } from './store/migrate.js'
export { sqlClient, type SqlClient, type SqlClientInput } from './store/sql-client.js'
export { createCloudApiClient, type CloudApiClientOptions } from './whatsapp/client.js'
export { classifyGraphError, GRAPH_ERROR_CODES, type GraphErrorCode } from './whatsapp/errors.js'
export type { SendOutcome, TemplateMessage, WhatsAppSender } from './whatsapp/types.js'
