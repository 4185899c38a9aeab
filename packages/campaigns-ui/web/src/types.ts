/** The API's own types (from its TypeBox schemas), so the page and the API cannot drift apart. */
import type { CampaignStatus } from 'fastify-whatsapp-campaigns'

export type {
  CampaignRun,
  CampaignStatus,
  CampaignSummary,
  Message,
  MessageStatus,
  RunProgressFigures,
  RunStats
} from 'fastify-whatsapp-campaigns'

/** `GET /campaigns/counts`: campaigns per status for the list's filter, and `all`. */
export type CampaignCounts = Record<'all' | CampaignStatus, number>
