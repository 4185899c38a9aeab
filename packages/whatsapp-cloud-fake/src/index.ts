export { startCloudApiFake, buildCloudApiFake, type CloudApiFake, type FakeWebhooks } from './fake.js'
export { metaJson, signatureOf } from './meta-json.js'
export { WebhookEmitter, type WebhookDelivery, type AcceptedMessage, type InboundText, type InboundButton, type UserPreference, type TemplateStatusUpdate } from './webhook-emitter.js'
export type { WebhookOptions, StatusError, DelayMs } from './webhook-options.js'
export { cloudApiFakeRoutes, type CloudApiFakeRoutesOptions } from './routes.js'
export { CloudApiFakeState, type Answer, type IncomingSend, type IncomingTemplateList } from './state.js'
export { DEFAULT_BUSINESS_ACCOUNT_ID } from './webhook-options.js'
export { ERROR_CODES, errorCodeInfo, type ErrorCodeInfo } from './codes.js'
export type { LogEntry } from './log.js'
export type {
  CloudApiFakeOptions,
  StartOptions,
  Failure,
  FailureFunction,
  GraphErrorFailure,
  ResetFailure,
  TimeoutFailure,
  BareHttpFailure,
  TemplateDefinition,
  TemplateStatus,
  TemplateCategory,
  TemplateComponent
} from './options.js'
export { defaultNumberQuality, type NumberQuality, type MessagingLimitTier, type QualityRating, type ThroughputLevel } from './phone-numbers.js'
