import * as XLSX from '@e965/xlsx'
import t from 'tap'
import { eventually, phoneFor, startUi, waitForStatus } from './helpers/browser-harness.js'
import { watchCspViolations } from './helpers/csp-violations.js'

const ui = await startUi(t, { SANDBOX_LATENCY_MS: '0', WHATSAPP_MESSAGES_PER_SECOND: '1000', SANDBOX_FAILURE_RATE: '0.2' })

function workbook () {
  const book = XLSX.utils.book_new()
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet([['Name', 'Phone'], ['Asha', Number(phoneFor(40))], ['Ravi', Number(phoneFor(41))]]), 'Contacts')
  return { name: 'list.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: Buffer.from(XLSX.write(book, { type: 'buffer', bookType: 'xlsx' })) }
}

t.test('the watch sees a refusal: an inline script the page did not bring is blocked and reported', async t => {
  const page = await ui.newPage(t)
  const violations = await watchCspViolations(page)
  await page.goto(ui.url('/'))
  await page.getByRole('navigation', { name: 'Main' }).waitFor()
  await page.evaluate("const s = document.createElement('script'); s.textContent = 'window.ran = true'; document.body.append(s)")
  await eventually('the report of the refusal', async () => violations.length > 0, 5_000)
  t.equal(await page.evaluate('window.ran'), undefined, 'the inline script did not run')
  t.match(violations.join('\n'), /script-src/, 'and the watch reported it')
})

t.test('every view of the page runs under its Content-Security-Policy without a single refusal', async t => {
  const sent = await ui.api('POST', '/send-bulk', {
    name: 'Under the policy',
    templateName: 'hello_world',
    contacts: Array.from({ length: 30 }, (_, i) => ({ phone: phoneFor(i), name: `P${i}` }))
  })
  t.equal(sent.status, 202)
  await waitForStatus(ui, sent.body.id, ['completed'])

  const page = await ui.newPage(t)
  const violations = await watchCspViolations(page)
  const response = await page.goto(ui.url('/'))
  t.notMatch(response?.headers()['content-security-policy'], /unsafe-inline|unsafe-eval/, 'the page is served under a strict policy')
  const nav = page.getByRole('navigation', { name: 'Main' })

  await page.getByRole('link', { name: 'Under the policy', exact: true }).waitFor()
  t.same(violations, [], 'the campaigns list')

  await page.getByRole('link', { name: 'Under the policy', exact: true }).click()
  await page.getByRole('heading', { name: 'Under the policy', level: 1 }).waitFor()
  await page.locator('figure.chart svg').first().waitFor()
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()])
  t.ok(await download.path(), 'the CSV is saved from a blob: URL')
  t.same(violations, [], "a campaign's detail, its chart and its CSV download")

  await nav.getByRole('link', { name: 'New campaign' }).click()
  await page.getByLabel('Campaign name').fill('Checked')
  await page.getByLabel('Template name').fill('hello_world')
  await page.getByLabel('Contacts file (CSV or XLSX)').setInputFiles(workbook())
  await page.getByRole('button', { name: 'Import 2 valid contacts' }).click()
  await page.getByRole('button', { name: 'Check before sending' }).click()
  await page.getByRole('region', { name: 'Before sending' }).locator('.preflight-verdict').waitFor()
  t.same(violations, [], 'the form: an XLSX file read by its lazily loaded reader, the preview and the preflight')
  await page.getByRole('button', { name: 'Save draft' }).click()
  await page.waitForURL(/\/campaigns\/\d+$/)
  await page.getByRole('heading', { name: 'Checked', level: 1 }).waitFor()
  t.same(violations, [], 'a draft saved')

  await nav.getByRole('link', { name: 'Analytics' }).click()
  await page.getByRole('list', { name: 'Totals' }).waitFor()
  t.same(violations, [], 'analytics')

  await nav.getByRole('link', { name: 'Opt-outs' }).click()
  await page.getByText('Nobody has opted out yet.').waitFor()
  t.same(violations, [], 'opt-outs')

  await page.reload()
  await page.getByText('Nobody has opted out yet.').waitFor()
  t.same(violations, [], 'a view loaded straight from its address')
})

t.test('Swagger UI at /docs works under its own policy', async t => {
  const page = await ui.newPage(t)
  const violations = await watchCspViolations(page)
  const response = await page.goto(ui.url('/docs'))
  const operation = page.locator('.opblock').filter({ hasText: '/api/whatsapp/campaigns/{id}/preflight' }).first()
  await operation.waitFor()
  await operation.locator('.opblock-summary').click()
  await operation.locator('.responses-wrapper').waitFor()
  t.same(violations, [], 'the docs load, list the routes and open one')
  t.notMatch(response?.headers()['content-security-policy'], /script-src[^;]*unsafe/, 'scripts are its own files only')
})
