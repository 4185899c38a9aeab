import t from 'tap'
import { phoneFor, startUi, waitForStatus } from './helpers/browser-harness.js'

// The sandbox's number is a new one: TIER_250, 250 unique recipients in a moving 24 h.
const ui = await startUi(t, { SANDBOX_LATENCY_MS: '0', WHATSAPP_MESSAGES_PER_SECOND: '1000' })

function csvOf (from: number, count: number) {
  let text = 'Name,Phone\n'
  for (let i = from; i < from + count; i++) text += `Person ${i},${phoneFor(i)}\n`
  return { name: 'list.csv', mimeType: 'text/csv', buffer: Buffer.from(text) }
}

async function campaignCount (): Promise<number> {
  return Number((await ui.api('GET', '/campaigns')).headers.get('x-total-count'))
}

async function fillDraft (page: import('playwright-core').Page, name: string, from: number, count: number): Promise<void> {
  await page.goto(ui.url('/campaigns/new'))
  await page.getByLabel('Campaign name').fill(name)
  await page.getByLabel('Template name').fill('hello_world')
  await page.getByLabel('Contacts file (CSV or XLSX)').setInputFiles(csvOf(from, count))
  await page.getByRole('button', { name: `Import ${count} valid contacts` }).click()
}

t.test("the panel before Send now: a send that fits the number's limit, then one that does not, which Send now asks to confirm as such", async t => {
  const page = await ui.newPage(t)
  await fillDraft(page, 'Fits', 0, 200)
  await page.getByLabel('Template category (for the cost)').selectOption('marketing')
  await page.getByRole('button', { name: 'Check before sending' }).click()
  const panel = page.getByRole('region', { name: 'Before sending' })
  await panel.locator('.preflight-verdict').waitFor()
  t.match(await panel.locator('.preflight-verdict').textContent(), /Ready: 200 messages to send/)
  const facts = await panel.locator('.preflight-facts').textContent()
  t.match(facts, /TIER_250: 250 unique recipients in 24 h/)
  t.match(facts, /0 reached in the last 24 h; this run adds 200: it fits/)
  t.match(facts, /Quality ratingGREEN/)
  t.match(facts, /Time at 1,000 messages a second1 s/)
  t.match(facts, /No price table is configured, and none is built in/, 'the sandbox has no prices, and says so')
  await ui.checkAccessibility(t, page, 'campaign-form-preflight')
  t.equal(await campaignCount(), 0, 'a check stores nothing')

  await page.getByRole('button', { name: 'Send now' }).click()
  const confirm = page.getByRole('dialog', { name: 'Send now?' })
  t.notMatch(await confirm.textContent(), /does not fit/)
  await confirm.getByRole('button', { name: 'Send to 200' }).click()
  await page.waitForURL(url => url.pathname === '/campaigns')
  const [sent] = (await ui.api('GET', '/campaigns?limit=1')).body
  await waitForStatus(ui, sent.id, ['completed'])

  // 150 more, 50 of them reached already: 200 + 100 new is past 250.
  const next = await ui.newPage(t)
  await fillDraft(next, 'Too many', 150, 150)
  await next.getByRole('button', { name: 'Send now' }).click()
  const refused = next.getByRole('dialog', { name: 'Send now?' })
  t.match(await refused.textContent(), /This send does not fit:.*TIER_250 allows 250 unique recipients in 24 h, 200 were reached in the last 24 h and this run adds 100: Meta would not deliver about 50/,
    'Send now checks first, and its confirmation says why not')
  await ui.checkAccessibility(t, next, 'campaign-form-preflight-does-not-fit')
  await refused.getByRole('button', { name: 'Keep it as it is' }).click()
  const panel2 = next.getByRole('region', { name: 'Before sending' })
  t.match(await panel2.locator('.preflight-verdict').textContent(), /does not fit/)
  t.match(await panel2.locator('.preflight-facts').textContent(), /200 reached in the last 24 h; this run adds 100 \(50 of its recipients were reached already and do not count again\): Meta would not deliver about 50/)
  t.equal(await campaignCount(), 1, 'nothing sent without the confirmation')

  // One of those reached already goes: still 100 new, and one fewer that does not count again.
  await next.getByRole('button', { name: `Remove ${phoneFor(150)}` }).click()
  t.match(await panel2.textContent(), /The form changed since this check: check again/)
  await next.getByRole('button', { name: 'Send now' }).click()
  t.match(await refused.textContent(), /Meta would not deliver about 50/)
  t.match(await panel2.locator('.preflight-facts').textContent(), /this run adds 100 \(49 of its recipients were reached already/, 'checked again for the changed list')
  await refused.getByRole('button', { name: 'Send anyway to 149' }).click()
  await next.waitForURL(url => url.pathname === '/campaigns')
  t.equal(await campaignCount(), 2, 'sent once confirmed')
})
