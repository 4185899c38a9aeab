import type { CampaignStatus } from '../schemas/campaign.js'
import { CampaignStatusError } from '../errors.js'

/** What may happen to a campaign in which status: the one place this rule lives. */
export const allowedFrom = {
  // The fields a run does not take with it (the name): a paused campaign may be renamed.
  edit: ['draft', 'scheduled', 'paused', 'completed', 'failed', 'cancelled'],
  // What a run fixes at its start (template, language, parameters, contacts): a paused run keeps
  // sending its own plan when resumed, so the campaign must not show another one meanwhile.
  editPlan: ['draft', 'scheduled', 'completed', 'failed', 'cancelled'],
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
  editPlan: 'given another template, language, parameters or contacts',
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

/** Where an action has a reason of its own in a status. */
const actionHints: Partial<Record<CampaignAction, Partial<Record<CampaignStatus, string>>>> = {
  editPlan: {
    running: 'a run is under way with the plan it started with; cancel it, or wait until it ends, then edit',
    paused: 'the paused run keeps the plan it started with; cancel it, or resume it and let it finish, then edit (the name can be changed now)'
  }
}

/** The 409 for an action refused in `status`, saying why. */
export function refused (id: number, action: CampaignAction, status: CampaignStatus): Error {
  const reason = actionHints[action]?.[status] ?? hints[status] ?? `only a campaign that is ${allowedFrom[action].join(', ')} can be`
  return new CampaignStatusError(`Campaign ${id} is ${status} and cannot be ${verbs[action]}: ${reason}`)
}
