import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react'

/**
 * History routing under the page's <base href> (the plugin writes it): paths here are relative to it,
 * such as `campaigns/12`, so the same build works under any prefix.
 */
const changed = 'campaigns-ui:navigate'

function basePath (): string {
  return new URL(document.baseURI).pathname
}

export interface Location {
  /** The path below the base, without leading or trailing slashes: '' for the list. */
  path: string
  search: URLSearchParams
}

let current: { href: string, location: Location } | undefined

function readLocation (): Location {
  const href = window.location.href
  if (current?.href === href) return current.location
  const base = basePath()
  const pathname = window.location.pathname
  const below = pathname.startsWith(base) ? pathname.slice(base.length) : pathname.replace(/^\//, '')
  const location = { path: decodeURIComponent(below).replace(/\/+$/, ''), search: new URLSearchParams(window.location.search) }
  current = { href, location }
  return location
}

function subscribe (onChange: () => void): () => void {
  window.addEventListener('popstate', onChange)
  window.addEventListener(changed, onChange)
  return () => {
    window.removeEventListener('popstate', onChange)
    window.removeEventListener(changed, onChange)
  }
}

export function useLocation (): Location {
  return useSyncExternalStore(subscribe, readLocation)
}

/** The URL of a page path (relative to the base), with an optional query. */
export function hrefOf (to: string, query?: Record<string, string | number | undefined>): string {
  const url = new URL(to === '' ? './' : to, document.baseURI)
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') url.searchParams.set(key, String(value))
  }
  return url.pathname + url.search
}

export function navigate (to: string, options: { replace?: boolean, query?: Record<string, string | number | undefined> } = {}): void {
  const href = hrefOf(to, options.query)
  if (options.replace === true) window.history.replaceState(null, '', href)
  else window.history.pushState(null, '', href)
  window.dispatchEvent(new Event(changed))
  if (options.replace !== true) window.scrollTo(0, 0)
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & {
  to: string
  query?: Record<string, string | number | undefined>
}

/** An ordinary link (open in a new tab works) that changes the page in place on a plain click. */
export function Link ({ to, query, onClick, ...rest }: LinkProps) {
  const href = hrefOf(to, query)
  function follow (event: MouseEvent<HTMLAnchorElement>) {
    onClick?.(event)
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
    event.preventDefault()
    navigate(to, { query })
  }
  return <a href={href} onClick={follow} {...rest} />
}
