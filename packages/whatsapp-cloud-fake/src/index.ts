export { startCloudApiFake, buildCloudApiFake, type CloudApiFake } from './fake.js'
export { cloudApiFakeRoutes, type CloudApiFakeRoutesOptions } from './routes.js'
export { CloudApiFakeState, type Answer, type IncomingSend } from './state.js'
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
  TemplateStatus
} from './options.js'
