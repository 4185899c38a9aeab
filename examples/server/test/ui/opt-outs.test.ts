import t from 'tap'
import { phoneFor, screenshot, seriousViolations, startUi } from './forms-harness.js'

const ui = await startUi(t)

t.test('opt-outs: add phones, search, remove one after confirming', async t => {
  const page = await ui.newPage(t)
  await page.goto(ui.url('opt-outs'))
  await page.getByText('Nobody has opted out yet.').waitFor()

  await page.getByLabel('Phones to add, one a line').fill(`+${phoneFor(1)}\n${phoneFor(2)}\n${phoneFor(3)}`)
  await page.getByRole('button', { name: 'Add to opt-outs' }).click()
  await page.getByText('3 added to the opt-out list.').waitFor()
  const table = page.getByRole('table', { name: 'Opted-out phones' })
  t.equal(await table.getByRole('row').count(), 4, 'a header and three phones')
  t.same(await seriousViolations(page), [], 'axe: the opt-out page')
  await screenshot(page, 'opt-outs')

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

  page.once('dialog', dialog => { void dialog.dismiss() })
  await page.getByRole('button', { name: `Remove ${phoneFor(2)}` }).click()
  t.equal((await ui.api('GET', '/opt-outs')).body.length, 3, 'dismissing the confirmation removes nothing')

  let asked = ''
  page.once('dialog', dialog => { asked = dialog.message(); void dialog.accept() })
  await page.getByRole('button', { name: `Remove ${phoneFor(2)}` }).click()
  await page.getByText(`${phoneFor(2)} was taken off the opt-out list.`).waitFor()
  t.match(asked, `Take ${phoneFor(2)} off the opt-out list?`)
  t.same((await ui.api('GET', '/opt-outs')).body.map((entry: any) => entry.phone), [phoneFor(1), phoneFor(3)])
  await page.getByText(`${phoneFor(2)} is not on the opt-out list.`).waitFor()

  await page.getByRole('button', { name: 'Show all' }).click()
  await table.getByRole('row').nth(2).waitFor()
  t.equal(await table.getByRole('row').count(), 3)
})
