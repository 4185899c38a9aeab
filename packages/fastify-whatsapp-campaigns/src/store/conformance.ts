/**
 * The conformance suite every CampaignStore passes, in the shape of abstract-level's: the runner's
 * test function and a factory of fresh, empty stores come in; one test per behaviour goes out,
 * grouped like keyv's. With tap:
 *
 *   import t from 'tap'
 *   import { suite } from 'fastify-whatsapp-campaigns/conformance'
 *   suite({ test: (name, fn) => t.test(name, fn), factory: () => myStore() })
 */
import type { CampaignStore } from './types.js'
import type { StorePart } from './parts.js'
import { viewOf, type Features, type Group, type StoreHandle, type TestFunction } from './conformance/context.js'
import { createGetList, remove, storedShapes, update } from './conformance/campaigns.js'
import { claims, counters, finishing, outcomes, startRuns } from './conformance/runs.js'
import { claimMarks, staleLeases } from './conformance/leases.js'
import { doubts, repliesAndOptOuts, statusWebhooks } from './conformance/deliveries.js'
import { statusJournal } from './conformance/journal.js'
import { reruns } from './conformance/reruns.js'
import { runHistory } from './conformance/history.js'
import { schedules } from './conformance/schedules.js'
import { cancels, pauses, selfPauses } from './conformance/lifecycle.js'
import { liveFigures } from './conformance/figures.js'
import { pacing } from './conformance/pacing.js'
import { tenantIsolation } from './conformance/tenants.js'
import { largeLists, unicode } from './conformance/data.js'
import { optOutList, optOutLookup, optOutSkips } from './conformance/opt-outs.js'
import { nameSearch } from './conformance/search.js'
import { runStats, tenantAnalytics } from './conformance/analytics.js'
import { uniqueReach } from './conformance/reach.js'

export type { Assert, Features, StoreHandle, StoreView, TestFunction } from './conformance/context.js'

export interface SuiteOptions {
  test: TestFunction
  /** A fresh, empty store per test; the suite closes it after the test, then calls `teardown`. */
  factory: () => CampaignStore | StoreHandle | Promise<CampaignStore | StoreHandle>
  features?: Features
  /** The interfaces whose groups run (default: all of them). */
  parts?: StorePart[]
}

/**
 * The groups of each interface. A run's recipients come from a campaign, so the RunQueue's groups
 * start their runs through the CampaignRepository; each group tests its own interface's promises.
 */
export const groupsByPart: Record<StorePart, Array<(group: Group) => void>> = {
  CampaignRepository: [
    createGetList, storedShapes, update, remove, startRuns, reruns, runHistory, schedules, pauses, cancels, liveFigures, tenantIsolation, unicode, largeLists, nameSearch
  ],
  RunQueue: [claims, outcomes, counters, selfPauses, finishing, staleLeases, claimMarks],
  SendTimeline: [pacing],
  DeliveryLedger: [statusWebhooks, doubts, repliesAndOptOuts],
  StatusJournal: [statusJournal],
  OptOutList: [optOutList, optOutSkips, optOutLookup],
  CampaignAnalytics: [runStats, tenantAnalytics, uniqueReach],
  // close() ends every test of the others; init() is the factory's to call.
  StoreLifecycle: []
}

export function suite ({ test, factory, features = {}, parts }: SuiteOptions): void {
  const group: Group = {
    test: (name, fn) => {
      test(name, async t => {
        const opened = await factory()
        const handle: StoreHandle = 'store' in opened ? opened : { store: opened }
        try {
          await fn(t, viewOf(handle.store))
        } finally {
          await handle.store.close()
          await handle.teardown?.()
        }
      })
    },
    features: { bulkContacts: 100_000, ...features }
  }
  const chosen = parts ?? (Object.keys(groupsByPart) as StorePart[])
  for (const part of chosen) {
    for (const declare of groupsByPart[part]) declare(group)
  }
}
