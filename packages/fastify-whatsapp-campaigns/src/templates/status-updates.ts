import type { FastifyBaseLogger } from 'fastify'
import type { RunError } from '../schemas/campaign.js'
import type { OtherWebhookEvent, RunPlan, RunQueue, Tenant } from '../store/types.js'
import type { TemplateCatalogue, TemplateStatusChange } from './catalogue.js'

/** The template status changes among a batch's other webhook fields; anything malformed is left out. */
export function templateStatusChanges (events: readonly OtherWebhookEvent[]): TemplateStatusChange[] {
  const changes: TemplateStatusChange[] = []
  for (const event of events) {
    if (event.field !== 'message_template_status_update' || event.accountId === null) continue
    const value = event.value as { event?: unknown, message_template_name?: unknown, message_template_language?: unknown } | null
    // Meta puts the new status in `event`, not `status`.
    if (typeof value?.event !== 'string' || typeof value.message_template_name !== 'string' || typeof value.message_template_language !== 'string') continue
    changes.push({ businessAccountId: event.accountId, name: value.message_template_name, language: value.message_template_language, status: value.event.toUpperCase() })
  }
  return changes
}

/** Statuses in which Meta refuses every send of the template, and the code it refuses them with. */
const stopping: Record<string, { code: number, title: string }> = {
  PAUSED: { code: 132015, title: 'Template is Paused' },
  DISABLED: { code: 132016, title: 'Template is Disabled' }
}

export interface TemplateStatusOptions {
  catalogue: TemplateCatalogue
  queue: Pick<RunQueue, 'activeRuns' | 'pauseRun'>
  /** The business account id of a tenant's account (undefined: none configured). */
  businessAccountOf: (tenant: Tenant) => Promise<string | undefined>
  /** This process's workers stop before their next send (the engine's `stopped`). */
  stopped: (campaignId: number) => void
  log: FastifyBaseLogger
}

/**
 * What a batch of webhooks' template status changes do: the kept template lists show the new status
 * at once, and a template that became PAUSED or DISABLED pauses the running runs that send it, of
 * every tenant whose account is that business account, with the reason as the campaign's error.
 * APPROVED again needs nothing more: a resume checks the template, and passes once it is approved.
 */
export function templateStatusHandler (options: TemplateStatusOptions): (events: readonly OtherWebhookEvent[]) => Promise<void> {
  return async events => {
    const changes = templateStatusChanges(events)
    if (changes.length === 0) return
    for (const change of changes) options.catalogue.statusChanged(change)
    const stops = changes.filter(change => stopping[change.status] !== undefined)
    if (stops.length === 0) return
    const accounts = new Map<Tenant, Promise<string | undefined>>()
    const accountOf = async (tenant: Tenant): Promise<string | undefined> => {
      let account = accounts.get(tenant)
      if (account === undefined) accounts.set(tenant, account = options.businessAccountOf(tenant))
      return await account
    }
    const runs = await options.queue.activeRuns()
    for (const change of stops) {
      const hit: RunPlan[] = []
      for (const plan of runs) {
        if (plan.templateName === change.name && plan.language === change.language && await accountOf(plan.tenant) === change.businessAccountId) hit.push(plan)
      }
      const { code, title } = stopping[change.status]
      const error: RunError = {
        code,
        title,
        message: `template ${change.name} (${change.language}) is ${change.status}: Meta refuses its sends, so the run paused itself; resume it once the template is APPROVED again, or cancel it`
      }
      for (const plan of hit) {
        if (await options.queue.pauseRun(plan, error)) {
          options.stopped(plan.campaignId)
          options.log.warn({ tenant: plan.tenant, campaignId: plan.campaignId, runId: plan.runId, template: change.name, language: change.language, status: change.status }, 'campaign run paused: its template stopped')
        }
      }
    }
  }
}
