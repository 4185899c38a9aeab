import t from 'tap'
import { createCampaign, startUi } from './helpers/browser-harness.js'

const token = 'page-token-value'
const ui = await startUi(t, { API_TOKEN: token })

t.test('with API_TOKEN the page asks for the token once per tab: a wrong one is refused with a clear message', async t => {
  await createCampaign(ui, 'Guarded', 3)
  const page = await ui.newPage(t)
  const assets: number[] = []
  page.on('response', response => { if (response.url().includes('/assets/')) assets.push(response.status()) })
  await page.goto(ui.url('/'))
  await page.getByRole('heading', { name: 'API token needed' }).waitFor()
  t.ok(assets.length > 0 && assets.every(status => status === 200), 'the assets load without a token')
  await ui.checkAccessibility(t, page, 'token-prompt')

  await page.getByLabel('API token', { exact: true }).fill('not-the-token')
  await page.getByRole('button', { name: 'Continue' }).click()
  const refused = page.getByRole('alert').filter({ hasText: 'That token was refused' })
  await refused.waitFor()
  t.match(await refused.textContent(), /Check the server's API_TOKEN/)
  t.equal(await page.evaluate('sessionStorage.length'), 0, 'a refused token is not kept')
  await ui.checkAccessibility(t, page, 'token-refused')

  await page.getByLabel('API token', { exact: true }).fill(token)
  await page.getByRole('button', { name: 'Continue' }).click()
  await page.getByRole('link', { name: 'Guarded', exact: true }).waitFor()

  await page.reload()
  await page.getByRole('link', { name: 'Guarded', exact: true }).waitFor()
  t.equal(await page.getByRole('heading', { name: 'API token needed' }).count(), 0, 'kept for the tab: not asked again')

  const other = await ui.newPage(t)
  await other.goto(ui.url('/campaigns'))
  await other.getByRole('heading', { name: 'API token needed' }).waitFor()
  t.pass('another tab (a new session) asks again')
})
