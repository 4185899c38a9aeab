import { useEffect } from 'react'

export const leaveQuestion = 'You have unsaved changes. Leave this page and lose them?'

/**
 * While `dirty`, asks before the tab closes or reloads (beforeunload) and before a click on a link of
 * the page (the sidebar's, for one) moves away: the listener runs in the capture phase, ahead of the
 * router's own click handler, and stops the click if the person stays. The browser's Back is asked
 * about too: at the window, capture listeners run before the router's, so a "stay" keeps the router
 * from seeing the move and puts the form's address back.
 */
export function useUnsavedChangesGuard (dirty: boolean): void {
  useEffect(() => {
    if (!dirty) return
    function beforeUnload (event: BeforeUnloadEvent) {
      event.preventDefault()
      event.returnValue = ''
    }
    function click (event: MouseEvent) {
      if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
      const link = (event.target as Element | null)?.closest?.('a[href]')
      if (link === null || link === undefined || link.hasAttribute('download')) return
      if ((link as HTMLAnchorElement).target === '_blank') return
      if (window.confirm(leaveQuestion)) return
      event.preventDefault()
      event.stopPropagation()
    }
    const here = window.location.href
    function popState (event: PopStateEvent) {
      if (window.confirm(leaveQuestion)) return
      event.stopImmediatePropagation()
      window.history.pushState(null, '', here)
    }
    window.addEventListener('beforeunload', beforeUnload)
    window.addEventListener('click', click, true)
    window.addEventListener('popstate', popState, true)
    return () => {
      window.removeEventListener('beforeunload', beforeUnload)
      window.removeEventListener('click', click, true)
      window.removeEventListener('popstate', popState, true)
    }
  }, [dirty])
}
