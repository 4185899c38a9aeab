/**
 * The parts a store is made of, each method named once. Each map is checked against its interface by
 * the compiler (a method added to an interface and not here, or named here and not there, does not
 * compile), and the plugin's check of a store at registration is derived from them.
 */
import type { CampaignAnalytics, CampaignRepository, DeliveryLedger, OptOutList, RunQueue, SendTimeline, StoreLifecycle } from './types.js'

type Methods<T> = { readonly [K in keyof T]-?: undefined extends T[K] ? 'optional' : 'required' }

const campaignRepository: Methods<CampaignRepository> = {
  create: 'required',
  list: 'required',
  statusCounts: 'required',
  get: 'required',
  contacts: 'required',
  contactPage: 'required',
  messages: 'required',
  runs: 'required',
  update: 'required',
  delete: 'required',
  startRun: 'required',
  pause: 'required',
  resume: 'required',
  cancel: 'required'
}

const runQueue: Methods<RunQueue> = {
  activeRuns: 'required',
  runningFrom: 'required',
  dueScheduled: 'required',
  claim: 'required',
  markIssued: 'required',
  record: 'required',
  failExpiredLeases: 'required',
  failStaleLeases: 'required',
  progress: 'required',
  counters: 'required',
  pauseRun: 'required',
  finishRun: 'required'
}

const sendTimeline: Methods<SendTimeline> = {
  reserveSlots: 'required',
  throttle: 'required'
}

const deliveryLedger: Methods<DeliveryLedger> = {
  ingest: 'required',
  resolveDoubts: 'required',
  expireEarlyStatuses: 'required'
}

const optOutList: Methods<OptOutList> = {
  optOuts: 'required',
  addOptOuts: 'required',
  removeOptOut: 'required',
  optedOutAmong: 'required'
}

const campaignAnalytics: Methods<CampaignAnalytics> = {
  stats: 'required',
  analytics: 'required',
  uniqueRecipients: 'required'
}

const storeLifecycle: Methods<StoreLifecycle> = {
  init: 'optional',
  close: 'required'
}

/** The interfaces a CampaignStore is, by name, with their methods. */
export const storeParts = {
  CampaignRepository: campaignRepository,
  RunQueue: runQueue,
  SendTimeline: sendTimeline,
  DeliveryLedger: deliveryLedger,
  OptOutList: optOutList,
  CampaignAnalytics: campaignAnalytics,
  StoreLifecycle: storeLifecycle
} as const

export type StorePart = keyof typeof storeParts

/**
 * What a value lacks to be a CampaignStore, as `Part.method` names (empty when nothing): a method
 * that must be there and is not a function, or one that may be absent and is there as something else.
 */
export function missingStoreMethods (store: unknown): string[] {
  const candidate = (typeof store === 'object' && store !== null ? store : {}) as Record<string, unknown>
  const missing: string[] = []
  for (const [part, methods] of Object.entries(storeParts) as Array<[StorePart, Record<string, 'optional' | 'required'>]>) {
    for (const [name, kind] of Object.entries(methods)) {
      const value = candidate[name]
      if (typeof value === 'function' || (kind === 'optional' && value === undefined)) continue
      missing.push(`${part}.${name}`)
    }
  }
  return missing
}
