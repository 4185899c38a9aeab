import { readFile } from 'node:fs/promises'
import t from 'tap'
import { createCampaign, eventually, startUi, waitForStatus } from './helpers/browser-harness.js'

// Some sends fail (half of them for good), so "Retry failed" has recipients to send to again.
const ui = await startUi(t, { WHATSAPP_MESSAGES_PER_SECOND: '40', SANDBOX_FAILURE_RATE: '0.15' })
const page = await ui.newPage(t)
const number = (text: string | null): number => Number((text ?? '').replace(/[^\d]/g, ''))
const rowOf = (name: string) => page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) })
let springSale = 0

t.test('the list shows a campaign sent through the API: live progress until completed, then delivered and read', async t => {
  await page.goto(ui.url('/'))
  await page.getByRole('heading', { name: 'No campaigns yet' }).waitFor()
  await ui.checkAccessibility(t, page, 'campaigns-empty')

  springSale = await createCampaign(ui, 'Spring sale', 120)
  t.equal((await ui.api('POST', `/campaigns/${springSale}/run`)).status, 202)
  await page.getByRole('button', { name: 'Refresh' }).click()
  const row = rowOf('Spring sale')
  await row.getByRole('progressbar', { name: 'Progress of Spring sale' }).waitFor()
  t.match(await row.textContent(), /Running/, 'a running badge')
  t.match(await row.textContent(), /\/s/, 'the rate is shown')
  await ui.checkAccessibility(t, page, 'campaigns-running')

  // No reload from here on: the page polls while the run goes.
  await eventually('the row to show the run completed', async () => /Completed/.test(await row.textContent() ?? ''), 60_000)
  const done = await waitForStatus(ui, springSale, ['completed'])
  t.ok(done.failedCount > 0, 'some sends failed in the sandbox')
  t.match(await row.textContent(), /Completed with failures/, 'a completion with failures is told apart')
  const cells = row.getByRole('cell')
  t.equal(number(await cells.nth(2).textContent()), 120, 'recipients')
  await eventually('delivered and read to appear', async () => {
    const delivered = await cells.nth(4).textContent()
    const read = await cells.nth(5).textContent()
    return number(delivered?.split(/\s/)[0] ?? '') > 0 && /%/.test(delivered ?? '') && number(read) > 0
  })
  await ui.checkAccessibility(t, page, 'campaigns-completed')

  const filters = page.getByRole('group', { name: 'Filter by status' })
  await filters.getByRole('button', { name: /^Completed/ }).click()
  await page.waitForURL(/status=completed/)
  t.equal(await rowOf('Spring sale').count(), 1, 'the completed filter keeps it')
  await filters.getByRole('button', { name: /^Draft/ }).click()
  await page.getByText('No campaign matches this filter or search.').waitFor()
  await filters.getByRole('button', { name: /^All/ }).click()
  await rowOf('Spring sale').waitFor()
})

const countsRoute = (await ui.api('GET', '/campaigns/counts')).status === 200
t.test('search by name, with the filter counts of what the search matches', { skip: countsRoute ? false : 'GET /campaigns/counts is not on this server yet' }, async t => {
  await createCampaign(ui, 'Autumn promo', 3, 300)
  await page.getByRole('button', { name: 'Refresh' }).click()
  await rowOf('Autumn promo').waitFor()
  const filters = page.getByRole('group', { name: 'Filter by status' })
  await eventually('the counts of every campaign', async () => /^All\s*2$/.test(await filters.getByRole('button', { name: /^All/ }).textContent() ?? ''))
  await page.getByRole('searchbox', { name: 'Search by name' }).fill('autumn')
  await page.waitForURL(/q=autumn/)
  await rowOf('Spring sale').waitFor({ state: 'detached' })
  t.equal(await rowOf('Autumn promo').count(), 1, 'only the campaign whose name matches')
  await eventually('the counts of the search', async () => /^All\s*1$/.test(await filters.getByRole('button', { name: /^All/ }).textContent() ?? ''))
  t.match(await filters.getByRole('button', { name: /^Draft/ }).textContent(), /^Draft\s*1$/)
  t.match(await filters.getByRole('button', { name: /^Completed/ }).textContent(), /^Completed\s*0$/)
  await ui.checkAccessibility(t, page, 'campaigns-search')
  await page.getByRole('searchbox', { name: 'Search by name' }).fill('')
  await rowOf('Spring sale').waitFor()
  t.equal((await ui.api('DELETE', `/campaigns/${(await ui.api('GET', '/campaigns?limit=500')).body.find((c: any) => c.name === 'Autumn promo').id}`)).status, 204)
  await page.getByRole('button', { name: 'Refresh' }).click()
  await rowOf('Autumn promo').waitFor({ state: 'detached' })
})

t.test('the list stops polling once nothing runs', async t => {
  const calls: number[] = []
  const listen = (request: { url: () => string }) => { if (request.url().includes('/api/whatsapp/campaigns')) calls.push(Date.now()) }
  page.on('request', listen)
  t.teardown(() => { page.off('request', listen) })
  await page.reload()
  await rowOf('Spring sale').waitFor()
  await new Promise(resolve => setTimeout(resolve, 3000))
  t.ok(calls.length <= 2, `one load of the list and its counts, no polling (${calls.length} requests)`)
})

t.test('the detail: figures, chart, recipients paged on the server by status, CSV', async t => {
  await page.getByRole('link', { name: 'Spring sale', exact: true }).click()
  await page.getByRole('heading', { name: 'Spring sale', level: 1 }).waitFor()
  const figures = page.getByRole('list', { name: 'Figures of the last run' })
  for (const label of ['Total', 'Sent', 'Delivered', 'Read', 'Replied', 'Failed', 'Skipped']) {
    t.equal(await figures.getByText(label, { exact: true }).count(), 1, `a ${label} card`)
  }
  await page.getByRole('img', { name: /^Breakdown of 120 recipients/ }).waitFor()
  await page.getByRole('img', { name: /^Messages per minute/ }).waitFor()

  const tabs = page.getByRole('tablist', { name: 'Recipients by status' })
  t.equal(await tabs.getByRole('tab', { name: /^All/ }).getAttribute('aria-selected'), 'true')
  const table = page.getByRole('tabpanel').getByRole('table')
  const bodyRows = table.getByRole('row').filter({ hasNot: page.getByRole('columnheader') })
  await eventually('the first page of recipients', async () => await bodyRows.count() === 50)
  const firstPhone = await bodyRows.first().getByRole('cell').first().textContent()
  await ui.checkAccessibility(t, page, 'campaign-detail')

  const pager = page.getByRole('navigation', { name: 'Recipient pages' })
  await pager.getByRole('button', { name: 'Next page' }).click()
  await pager.getByText('Page 2: 50 recipients').waitFor()
  t.not(await bodyRows.first().getByRole('cell').first().textContent(), firstPhone, 'another page of recipients')
  await pager.getByRole('button', { name: 'Next page' }).click()
  await pager.getByText('Page 3: 20 recipients').waitFor()
  t.equal(await pager.getByRole('button', { name: 'Next page' }).isDisabled(), true, 'the last page')
  await pager.getByRole('button', { name: 'Previous page' }).click()
  await pager.getByText('Page 2: 50 recipients').waitFor()

  const failedTab = tabs.getByRole('tab', { name: /^Failed/ })
  const failedCount = number(await failedTab.textContent())
  t.ok(failedCount > 0)
  await failedTab.click()
  await eventually('the failed recipients', async () => await bodyRows.count() === Math.min(50, failedCount))
  t.match(await bodyRows.first().textContent(), /Failed/)
  t.match(await bodyRows.first().getByRole('cell').last().textContent(), /\d{3,}|[A-Z_]{4,}/, "Meta's error code")
  await ui.checkAccessibility(t, page, 'campaign-detail-failed')

  const probe = await fetch(ui.url(`/api/whatsapp/campaigns/${springSale}/messages.csv`))
  const missing = probe.status === 404 && /^Route .* not found$/.test(((await probe.json()) as { message?: string }).message ?? '')
  await t.test('the CSV downloads, fetched with the page\'s headers', { skip: missing ? 'GET /campaigns/:id/messages.csv is not on this server yet' : false }, async t => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()])
    const csv = await readFile(await download.path(), 'utf8')
    t.equal(csv.trim().split(/\r?\n/).length, 121, 'a header and one line per recipient')
    const [failures] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download failures CSV' }).click()])
    const failedCsv = await readFile(await failures.path(), 'utf8')
    t.equal(failedCsv.trim().split(/\r?\n/).length, failedCount + 1, 'a header and one line per failure')
  })
})

t.test('retry failed and rerun ask first, saying how many people get a message', async t => {
  await page.getByRole('link', { name: 'Campaigns', exact: true }).click()
  const row = rowOf('Spring sale')
  const retry = row.getByRole('button', { name: /^Retry failed \(\d+\)$/ })
  const failed = number(await retry.textContent())

  await retry.click()
  const dialog = page.getByRole('dialog', { name: 'Retry the failed messages of “Spring sale”?' })
  await dialog.waitFor()
  t.match(await dialog.textContent(), new RegExp(`The ${failed} people whose message failed`))
  await ui.checkAccessibility(t, page, 'confirm-retry')
  await dialog.getByRole('button', { name: 'Keep it as it is' }).click()
  await dialog.waitFor({ state: 'hidden' })
  t.equal((await ui.api('GET', `/campaigns/${springSale}/runs`)).body.length, 1, 'keeping it sends nothing')

  await retry.click()
  await dialog.getByRole('button', { name: `Send to ${failed} again` }).click()
  await eventually('the retry to finish', async () => /Completed/.test(await row.textContent() ?? '') && (await ui.api('GET', `/campaigns/${springSale}/runs`)).body.length === 2, 60_000)
  const runs = (await ui.api('GET', `/campaigns/${springSale}/runs`)).body
  t.match(runs[0], { recipients: 'failed', totalCount: failed })

  await row.getByRole('button', { name: 'Rerun', exact: true }).click()
  const rerun = page.getByRole('dialog', { name: 'Rerun “Spring sale”?' })
  t.match(await rerun.textContent(), /All 120 people on its list/)
  await ui.checkAccessibility(t, page, 'confirm-rerun')
  await rerun.getByRole('button', { name: 'Rerun' }).click()
  await eventually('the rerun to finish', async () => (await ui.api('GET', `/campaigns/${springSale}/runs`)).body[0]?.finishedAt != null && (await ui.api('GET', `/campaigns/${springSale}/runs`)).body.length === 3, 60_000)
  t.match((await ui.api('GET', `/campaigns/${springSale}/runs`)).body[0], { recipients: 'all', totalCount: 120 })
})

t.test("a refused action shows the API's 409 message", async t => {
  await waitForStatus(ui, springSale, ['completed'])
  await page.reload()
  const row = rowOf('Spring sale')
  await row.getByRole('button', { name: 'Rerun', exact: true }).waitFor()
  // Started elsewhere meanwhile: the page still offers Rerun, and the API refuses it.
  t.equal((await ui.api('POST', `/campaigns/${springSale}/run`)).status, 202)
  await row.getByRole('button', { name: 'Rerun', exact: true }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Rerun' }).click()
  const alert = page.getByRole('alert').filter({ hasText: 'Could not rerun' })
  await alert.waitFor()
  t.match(await alert.textContent(), /is running and cannot be run/)
  await waitForStatus(ui, springSale, ['completed'])
})

t.test('delete asks first, saying what is lost', async t => {
  const id = await createCampaign(ui, 'Old draft', 5, 500)
  await page.reload()
  const row = rowOf('Old draft')
  await row.getByRole('button', { name: 'Delete' }).click()
  const dialog = page.getByRole('dialog', { name: 'Delete “Old draft”?' })
  t.match(await dialog.textContent(), /its list of 5 people .* deleted for good/)
  await ui.checkAccessibility(t, page, 'confirm-delete')
  await dialog.getByRole('button', { name: 'Delete for good' }).click()
  await row.waitFor({ state: 'detached' })
  t.equal((await ui.api('GET', `/campaigns/${id}`)).status, 404)
  await page.getByRole('status').filter({ hasText: '“Old draft” is deleted.' }).waitFor()
})

t.test('the other pages and an unknown path: the sidebar reaches them, axe finds nothing serious', async t => {
  for (const [link, heading, name] of [['New campaign', 'New campaign', 'new-campaign'], ['Opt-outs', 'Opt-outs', 'opt-outs'], ['Analytics', 'Analytics', 'analytics']]) {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link }).click()
    await page.getByRole('heading', { name: heading, level: 1 }).waitFor()
    t.equal(await page.getByRole('link', { name: link }).getAttribute('aria-current'), 'page')
    await ui.checkAccessibility(t, page, name)
  }
  await page.goto(ui.url('/campaigns/999999'))
  await page.getByRole('heading', { name: 'Campaign not found' }).waitFor()
  await page.goto(ui.url('/no/such/page'))
  await page.getByRole('heading', { name: 'Page not found' }).waitFor()
  await ui.checkAccessibility(t, page, 'not-found')
  const asset = await fetch(ui.url('/assets/missing.js'))
  t.equal(asset.status, 404, 'a missing asset is a 404, not the page')
})
