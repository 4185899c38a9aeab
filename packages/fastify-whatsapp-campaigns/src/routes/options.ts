import type { CampaignService } from '../campaigns/service.js'

export interface RoutesOptions {
  service: CampaignService
  bodyLimit: number
}
