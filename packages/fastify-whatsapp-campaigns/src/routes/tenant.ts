import type { FastifyRequest } from 'fastify'
import type { Tenant } from '../store/types.js'

/**
 * A request to one of the plugin's routes, once the `tenant` option has said whose campaigns it sees.
 * Only these requests carry `whatsappTenant` (the decoration lives in the plugin's own scope), so it is
 * not declared on every FastifyRequest of the host.
 */
export interface CampaignRequest extends FastifyRequest {
  whatsappTenant: Tenant
}

export function tenantOf (request: FastifyRequest): Tenant {
  return (request as CampaignRequest).whatsappTenant
}

export async function setTenant (request: FastifyRequest, tenant: (request: FastifyRequest) => Tenant | Promise<Tenant>): Promise<void> {
  (request as CampaignRequest).whatsappTenant = await tenant(request)
}
