import t from 'tap'
import { waitFor } from '../../../../packages/whatsapp-cloud-fake/test/wait-for.js'
import { phoneFor, startUi } from './helpers/browser-harness.js'

const ui = await startUi(t, { SANDBOX_LATENCY_MS: '0', WHATSAPP_MESSAGES_PER_SECOND: '1000' })

t.test('analytics: the totals of the period as cards and bars', async t => {
  const contacts = Array.from({ length: 5 }, (_, i) => ({ phone: phoneFor(i), name: `C${i}` }))
  const sent = await ui.api('POST', '/send-bulk', { name: 'Counted', templateName: 'hello_world', contacts })
  t.equal(sent.status, 202)
  await waitFor('the run to end', async () => (await ui.api('GET', `/campaigns/${sent.body.id}`)).body, { until: campaign => campaign.status === 'completed' })

  const page = await ui.newPage(t)
  await page.goto(ui.url('/analytics'))
  const cards = page.getByRole('list', { name: 'Totals' })
  await cards.waitFor()
  const card = (label: string) => cards.getByRole('listitem').filter({ has: page.getByText(label, { exact: true }) })
  t.match(await card('Campaigns').textContent(), /^Campaigns1$/)
  t.match(await card('Recipients').textContent(), /^Recipients5$/)
  t.match(await card('Sent').textContent(), /^Sent5100%$/)
  t.match(await page.getByRole('img', { name: /Recipients by outcome/ }).getAttribute('aria-label'), /Sent 5, .*Failed 0/)
  await ui.checkAccessibility(t, page, 'analytics')

  await page.getByLabel('Period', { exact: true }).selectOption('custom')
  await page.getByLabel('From', { exact: true }).fill('2020-01-01')
  await page.getByLabel('To (included)').fill('2020-01-31')
  await page.getByRole('button', { name: 'Show' }).click()
  await page.getByText('No campaign ran in this period').waitFor()
  t.match(await card('Recipients').textContent(), /^Recipients0$/)

  await page.getByLabel('From', { exact: true }).fill('2020-02-01')
  await page.getByRole('button', { name: 'Show' }).click()
  await page.getByText('The period ends before it starts').waitFor()
})
