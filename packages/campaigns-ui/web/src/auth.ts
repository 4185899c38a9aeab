import { useSyncExternalStore } from 'react'

/**
 * The API token for this tab only (sessionStorage), and whether the API asked for one. The server's token
 * never ships with the page: a person types it once per tab.
 */
const storageKey = 'campaigns-ui.api-token'

export type AuthState =
  | { kind: 'unknown' }
  | { kind: 'needed', refused: boolean, message?: string }
  | { kind: 'ok' }

let state: AuthState = { kind: 'unknown' }
const listeners = new Set<() => void>()

function publish (next: AuthState): void {
  state = next
  for (const listener of listeners) listener()
}

export function readToken (): string | null {
  try {
    return window.sessionStorage.getItem(storageKey)
  } catch {
    return null
  }
}

export function saveToken (token: string): void {
  window.sessionStorage.setItem(storageKey, token)
  publish({ kind: 'unknown' })
}

/**
 * A 401 from the API to a request sent with `sentToken`: that token was wrong (drop it), or none was
 * given yet. Several requests refused together tell one story: a refusal of a token is not undone by
 * a sibling request that went out without one.
 */
export function tokenRefused (sentToken: string | null, message: string): void {
  if (sentToken !== null && readToken() === sentToken) window.sessionStorage.removeItem(storageKey)
  if (sentToken === null && state.kind === 'needed') return
  publish({ kind: 'needed', refused: sentToken !== null, message })
}

export function tokenAccepted (): void {
  if (state.kind !== 'ok') publish({ kind: 'ok' })
}

export function useAuth (): AuthState {
  return useSyncExternalStore(listener => {
    listeners.add(listener)
    return () => listeners.delete(listener)
  }, () => state)
}
