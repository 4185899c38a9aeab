/**
 * The parts a store is made of, each method named once. Each map is checked against its interface by
 * the compiler (a method added to an interface and not here, or named here and not there, does not
 * compile), and the plugin's check of a store at registration is derived from them.
 */
import type { CampaignAnalytics, CampaignRepository, DeliveryLedger, OptOutList, RunQueue, SendTimeline, StatusJournal, StoreLifecycle } from './types.js'

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

const statusJournal: Methods<StatusJournal> = {
  journalStatuses: 'optional',
  applyJournaled: 'optional',
  applyStrandedStatuses: 'optional'
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
  StatusJournal: statusJournal,
  OptOutList: optOutList,
  CampaignAnalytics: campaignAnalytics,
  StoreLifecycle: storeLifecycle
} as const

export type StorePart = keyof typeof storeParts

/**
 * What a value lacks to be a CampaignStore, as `Part.method` names (empty when nothing): a method
 * that must be there and is not a function, or one that may be absent and is there as something else.
 * A part whose methods are all optional (StatusJournal) is there whole or not at all.
 */
export function missingStoreMethods (store: unknown): string[] {
  const candidate = (typeof store === 'object' && store !== null ? store : {}) as Record<string, unknown>
  const missing: string[] = []
  for (const [part, methods] of Object.entries(storeParts) as Array<[StorePart, Record<string, 'optional' | 'required'>]>) {
    const names = Object.keys(methods)
    const whole = names.every(name => methods[name] === 'optional') && names.some(name => candidate[name] !== undefined)
    for (const name of names) {
      const value = candidate[name]
      if (typeof value === 'function' || (methods[name] === 'optional' && !whole && value === undefined)) continue
      missing.push(`${part}.${name}`)
    }
  }
  return missing
}
