import type { AddressInfo } from 'node:net'

export interface ServerUrls {
  page: string
  api: string
  docs: string
  health: string
}

/**
 * Where to reach what the server serves, from the address it bound: a wildcard address (0.0.0.0, ::)
 * is reached on this machine as localhost; an IPv6 address is bracketed.
 */
export function serverUrls (address: AddressInfo, apiPrefix: string): ServerUrls {
  const wildcard = address.address === '0.0.0.0' || address.address === '::'
  const host = wildcard ? 'localhost' : address.family === 'IPv6' ? `[${address.address}]` : address.address
  const origin = `http://${host}:${address.port}`
  return { page: `${origin}/`, api: `${origin}${apiPrefix}`, docs: `${origin}/docs`, health: `${origin}/health` }
}
