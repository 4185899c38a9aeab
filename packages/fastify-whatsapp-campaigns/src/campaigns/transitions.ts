import type { CampaignStatus } from '../schemas/campaign.js'
import { CampaignStatusError } from '../errors.js'

/** What may happen to a campaign in which status: the one place this rule lives. */
export const allowedFrom = {
  edit: ['draft', 'completed', 'failed'],
  delete: ['draft', 'completed', 'failed'],
  run: ['draft', 'completed', 'failed']
} as const satisfies Record<string, readonly CampaignStatus[]>

export type CampaignAction = keyof typeof allowedFrom

const verbs: Record<CampaignAction, string> = { edit: 'edited', delete: 'deleted', run: 'run' }

/** The 409 for an action refused in `status`, saying why. */
export function refused (id: number, action: CampaignAction, status: CampaignStatus): Error {
  const reason = status === 'running'
    ? 'a run is under way; wait until it ends'
    : `only a campaign that is ${allowedFrom[action].join(', ')} can be`
  return new CampaignStatusError(`Campaign ${id} is ${status} and cannot be ${verbs[action]}: ${reason}`)
}
