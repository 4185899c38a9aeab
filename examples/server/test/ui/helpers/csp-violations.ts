import type { Page } from 'playwright-core'

/** In the page before any of its own scripts: each violation the document sees, sent to the test. */
const listener = `document.addEventListener('securitypolicyviolation', event => {
  window.reportCspViolation(event.effectiveDirective + ' refused ' + (event.blockedURI || 'an inline script or style') + ' at ' + event.sourceFile + ':' + event.lineNumber)
})`

/**
 * Collects what the browser refused under the page's Content-Security-Policy: the
 * `securitypolicyviolation` events of every document the page loads, and the console errors that name
 * the policy (some refusals, such as an eval, are reported only there). The list grows as the page runs.
 */
export async function watchCspViolations (page: Page): Promise<string[]> {
  const violations: string[] = []
  await page.exposeFunction('reportCspViolation', (text: string) => { violations.push(text) })
  await page.addInitScript({ content: listener })
  page.on('console', message => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(`console ${message.type()}: ${message.text()}`)
  })
  return violations
}
