import t from 'tap'
import { phoneFor, startUi } from './helpers/browser-harness.js'

const ui = await startUi(t, { SANDBOX_LATENCY_MS: '0', WHATSAPP_MESSAGES_PER_SECOND: '1000' })

t.test('100,000 contacts: read, checked and previewed in the browser, then sent in one request', async t => {
  let csv = 'Phone,Name\n'
  for (let i = 0; i < 100_000; i++) csv += `${phoneFor(i)},Contact ${i}\n`
  const page = await ui.newPage(t)
  await page.goto(ui.url('/campaigns/new'))
  await page.getByLabel('Campaign name').fill('Everyone')
  await page.getByLabel('Template name').fill('hello_world')
  const chosen = Date.now()
  await page.getByLabel('Contacts file (CSV or XLSX)').setInputFiles({ name: 'all.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
  await page.getByText('100,000 rows: 100,000 valid').waitFor({ timeout: 60_000 })
  const previewed = Date.now()
  await page.getByRole('button', { name: 'Import 100,000 valid contacts' }).click()
  await page.getByText('100,000 contacts in the list.').waitFor()
  const imported = Date.now()
  await page.getByRole('button', { name: 'Save draft' }).click()
  await page.waitForURL(/\/campaigns\/\d+$/, { timeout: 60_000 })
  const saved = Date.now()
  const id = Number(new URL(page.url()).pathname.split('/').pop())
  t.equal((await ui.api('GET', `/campaigns/${id}`)).body.totalCount, 100_000)
  t.comment(`file chosen to preview shown: ${previewed - chosen} ms; import: ${imported - previewed} ms; Save draft to the campaign's page: ${saved - imported} ms`)
})
