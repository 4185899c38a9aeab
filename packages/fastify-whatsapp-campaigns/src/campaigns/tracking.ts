/**
 * What the delivery tracking shows and takes, for the routes and the host's own code: a run's figures,
 * a tenant's over a period, and its opt-out list.
 */
import type { AddedOptOuts, Analytics, DeliveryRates, OptOut, RunStats } from '../schemas/tracking.js'
import type { AddOptOutsBody, AnalyticsQuery, ListOptOutsQuery, StatsQuery } from '../schemas/requests.js'
import type { InvalidRow } from '../schemas/errors.js'
import type { CampaignAnalytics, CampaignRepository, DeliveryCounts, OptOutList, Tenant } from '../store/types.js'
import { CampaignNotFoundError, InvalidPeriodError, InvalidPeriodTimeError, invalidRowsError, NeverRanError, OptOutNotFoundError, RunNotFoundError, TooManyContactsError } from '../errors.js'
import type { ContactRules } from './contacts.js'
import { normalisePhone } from './phone.js'
import { presentRun } from './present.js'
import { realInstant, scheduleExample } from './schedule.js'

const defaultPeriodMs = 30 * 24 * 60 * 60 * 1000

/** A period's `from` or `to`: a time that passes the API's pattern and names no instant (2026-13-45) is a 400. */
function periodEnd (field: 'from' | 'to', value: string): Date {
  const time = realInstant(value)
  if (time === undefined) throw new InvalidPeriodTimeError(field, value, scheduleExample())
  return time
}

export interface TrackingService {
  /** The latest run's figures (or `query.run`'s): counts, rates, failures by code, a per-minute timeline. */
  stats (tenant: Tenant, id: number, query?: StatsQuery): Promise<RunStats>
  /** The tenant's figures over the runs started in a period (default: the last 30 days). */
  analytics (tenant: Tenant, query?: AnalyticsQuery): Promise<Analytics>
  optOuts (tenant: Tenant, query?: Partial<ListOptOutsQuery>): Promise<OptOut[]>
  /** Phones are checked like a contact list's; every bad one is named in one 400. */
  addOptOuts (tenant: Tenant, body: AddOptOutsBody): Promise<AddedOptOuts>
  removeOptOut (tenant: Tenant, phone: string): Promise<void>
}

type TrackingStore = Pick<CampaignRepository, 'get'> & CampaignAnalytics & OptOutList

export function createTrackingService (store: TrackingStore, rules: ContactRules): TrackingService {
  /** A phone given alone (a filter, a path): normalised, or the 400 saying why it is not one. */
  function onePhone (raw: string): string {
    const result = normalisePhone(raw, rules.defaultCountry)
    if ('reason' in result) throw invalidRowsError('phones', [{ index: 0, value: raw, reason: result.reason }])
    return result.phone
  }

  return {
    async stats (tenant, id, query = {}) {
      const stats = await store.stats(tenant, id, { run: query.run })
      if (stats === null) {
        if (await store.get(tenant, id) === null) throw new CampaignNotFoundError(id)
        if (query.run !== undefined) throw new RunNotFoundError(id, query.run)
        throw new NeverRanError(id)
      }
      return {
        campaignId: id,
        run: presentRun(stats.run, stats.readAt),
        rates: ratesOf(stats.run),
        failures: stats.failures.map(failure => ({ ...failure })),
        timeline: stats.timeline.map(minute => ({ ...minute, minute: minute.minute.toISOString() }))
      }
    },

    async analytics (tenant, query = {}) {
      const to = query.to === undefined ? new Date() : periodEnd('to', query.to)
      const from = query.from === undefined ? new Date(to.getTime() - defaultPeriodMs) : periodEnd('from', query.from)
      if (!(from.getTime() < to.getTime())) throw new InvalidPeriodError(from.toISOString(), to.toISOString())
      const figures = await store.analytics(tenant, { from, to })
      return { from: from.toISOString(), to: to.toISOString(), ...figures, rates: ratesOf(figures) }
    },

    async optOuts (tenant, query = {}) {
      const phone = query.phone === undefined ? undefined : onePhone(query.phone)
      const page = await store.optOuts(tenant, { limit: query.limit ?? 100, after: query.after, phone })
      return page.map(entry => ({ phone: entry.phone, source: entry.source, createdAt: entry.createdAt.toISOString() }))
    },

    async addOptOuts (tenant, body) {
      const invalid: InvalidRow[] = []
      const phones = new Set<string>()
      body.phones.forEach((raw, index) => {
        const result = normalisePhone(raw, rules.defaultCountry)
        if ('reason' in result) invalid.push({ index, value: raw, reason: result.reason })
        else phones.add(result.phone)
        if (phones.size > rules.maxContacts) throw new TooManyContactsError(rules.maxContacts, body.phones.length)
      })
      if (invalid.length > 0) throw invalidRowsError('phones', invalid)
      const added = await store.addOptOuts(tenant, [...phones], 'api')
      return { added, listed: phones.size }
    },

    async removeOptOut (tenant, raw) {
      const phone = onePhone(raw)
      if (!await store.removeOptOut(tenant, phone)) throw new OptOutNotFoundError(phone)
    }
  }
}

/** Shares of the recipients messaged (total less skipped), to four decimals; zeros when none was. */
function ratesOf (counts: DeliveryCounts & { totalCount: number, successCount: number, failedCount: number }): DeliveryRates {
  const messaged = counts.totalCount - counts.skippedCount
  const share = (count: number): number => messaged > 0 ? Math.round(count / messaged * 10_000) / 10_000 : 0
  return {
    sent: share(counts.successCount),
    delivered: share(counts.deliveredCount),
    read: share(counts.readCount),
    replied: share(counts.repliedCount),
    failed: share(counts.failedCount)
  }
}
