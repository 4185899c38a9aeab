import t from 'tap'
import { phoneFor, startUi } from './helpers/browser-harness.js'

const ui = await startUi(t, { SANDBOX_LATENCY_MS: '0', WHATSAPP_MESSAGES_PER_SECOND: '1000' })

t.test('opt-outs: add phones, search, remove one after confirming', async t => {
  const page = await ui.newPage(t)
  await page.goto(ui.url('/opt-outs'))
  await page.getByText('Nobody has opted out yet.').waitFor()

  await page.getByLabel('Phones to add, one a line').fill(`+${phoneFor(1)}\n${phoneFor(2)}\n${phoneFor(3)}`)
  await page.getByRole('button', { name: 'Add to opt-outs' }).click()
  await page.getByText('3 added to the opt-out list.').waitFor()
  const table = page.getByRole('table', { name: 'Opted-out phones' })
  t.equal(await table.getByRole('row').count(), 4, 'a header and three phones')
  await ui.checkAccessibility(t, page, 'opt-outs')

  await page.getByLabel('Phones to add, one a line').fill(`${phoneFor(1)}\nnot a phone`)
  await page.getByRole('button', { name: 'Add to opt-outs' }).click()
  await page.locator('.opt-outs [role=alert]').waitFor()
  t.match(await page.locator('.opt-outs [role=alert]').textContent(), /not a phone/, "the API's 400 names the bad phone")
  t.equal((await ui.api('GET', '/opt-outs')).body.length, 3, 'and nothing was added')

  await page.getByLabel('Search by phone').fill(`+${phoneFor(2)}`)
  await page.getByRole('button', { name: 'Search' }).click()
  await table.getByRole('row').nth(2).waitFor({ state: 'detached' })
  t.equal(await table.getByRole('row').count(), 2, 'only the phone searched for')
  t.match(await table.getByRole('row').nth(1).textContent(), phoneFor(2))

  await page.getByRole('button', { name: `Remove ${phoneFor(2)}` }).click()
  const confirm = page.getByRole('dialog', { name: `Take ${phoneFor(2)} off the opt-out list?` })
  await ui.checkAccessibility(t, page, 'opt-outs-remove')
  await confirm.getByRole('button', { name: 'Keep it as it is' }).click()
  t.equal((await ui.api('GET', '/opt-outs')).body.length, 3, 'keeping it removes nothing')

  await page.getByRole('button', { name: `Remove ${phoneFor(2)}` }).click()
  await confirm.getByRole('button', { name: 'Take off the list' }).click()
  await page.getByText(`${phoneFor(2)} was taken off the opt-out list.`).waitFor()
  t.same((await ui.api('GET', '/opt-outs')).body.map((entry: any) => entry.phone), [phoneFor(1), phoneFor(3)])
  await page.getByText(`${phoneFor(2)} is not on the opt-out list.`).waitFor()

  await page.getByRole('button', { name: 'Show all' }).click()
  await table.getByRole('row').nth(2).waitFor()
  t.equal(await table.getByRole('row').count(), 3)
})
