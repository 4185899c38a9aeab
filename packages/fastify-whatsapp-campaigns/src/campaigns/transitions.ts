import type { CampaignStatus } from '../schemas/campaign.js'
import { CampaignStatusError } from '../errors.js'

/** What may happen to a campaign in which status: the one place this rule lives. */
export const allowedFrom = {
  edit: ['draft', 'scheduled', 'paused', 'completed', 'failed', 'cancelled'],
  // A paused run keeps its place as the campaign's one active run: schedule again once it is over.
  schedule: ['draft', 'scheduled', 'completed', 'failed', 'cancelled'],
  delete: ['draft', 'scheduled', 'paused', 'completed', 'failed', 'cancelled'],
  run: ['draft', 'scheduled', 'completed', 'failed', 'cancelled'],
  startScheduled: ['scheduled'],
  pause: ['running'],
  resume: ['paused'],
  cancel: ['scheduled', 'running', 'paused']
} as const satisfies Record<string, readonly CampaignStatus[]>

export type CampaignAction = keyof typeof allowedFrom

const verbs: Record<CampaignAction, string> = {
  edit: 'edited',
  schedule: 'scheduled',
  delete: 'deleted',
  run: 'run',
  startScheduled: 'started',
  pause: 'paused',
  resume: 'resumed',
  cancel: 'cancelled'
}

const hints: Partial<Record<CampaignStatus, string>> = {
  running: 'a run is under way; pause or cancel it, or wait until it ends',
  paused: 'its run is paused; resume or cancel it first'
}

/** The 409 for an action refused in `status`, saying why. */
export function refused (id: number, action: CampaignAction, status: CampaignStatus): Error {
  const reason = hints[status] ?? `only a campaign that is ${allowedFrom[action].join(', ')} can be`
  return new CampaignStatusError(`Campaign ${id} is ${status} and cannot be ${verbs[action]}: ${reason}`)
}
