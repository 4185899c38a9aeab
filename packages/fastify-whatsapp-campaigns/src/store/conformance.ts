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
import type { Features, Group, StoreHandle, TestFunction } from './conformance/context.js'
import { createGetList, remove, update } from './conformance/campaigns.js'
import { claims, finishing, outcomes, startRuns } from './conformance/runs.js'
import { staleLeases } from './conformance/leases.js'
import { reruns } from './conformance/reruns.js'
import { schedules } from './conformance/schedules.js'
import { cancels, pauses } from './conformance/lifecycle.js'
import { liveFigures } from './conformance/figures.js'
import { pacing } from './conformance/pacing.js'
import { tenantIsolation } from './conformance/tenants.js'
import { largeLists, unicode } from './conformance/data.js'

export type { Assert, Features, StoreHandle, TestFunction } from './conformance/context.js'

export interface SuiteOptions {
  test: TestFunction
  /** A fresh, empty store per test; the suite closes it after the test, then calls `teardown`. */
  factory: () => CampaignStore | StoreHandle | Promise<CampaignStore | StoreHandle>
  features?: Features
}

const groups = [
  createGetList, update, remove, startRuns, claims, outcomes, finishing, staleLeases, reruns, schedules, pauses, cancels, liveFigures, pacing,
  tenantIsolation, unicode, largeLists
]

export function suite ({ test, factory, features = {} }: SuiteOptions): void {
  const group: Group = {
    test: (name, fn) => {
      test(name, async t => {
        const opened = await factory()
        const handle: StoreHandle = 'store' in opened ? opened : { store: opened }
        try {
          await fn(t, handle.store)
        } finally {
          await handle.store.close()
          await handle.teardown?.()
        }
      })
    },
    features: { bulkContacts: 100_000, ...features }
  }
  for (const declare of groups) declare(group)
}
