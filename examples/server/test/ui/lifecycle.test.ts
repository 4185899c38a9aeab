import t from 'tap'
import { createCampaign, eventually, startUi, waitForStatus } from './helpers/browser-harness.js'

// Slow sending, so a run is still going while the test pauses, resumes and cancels it.
const ui = await startUi(t, { WHATSAPP_MESSAGES_PER_SECOND: '4' })
const page = await ui.newPage(t)
const rowOf = (name: string) => page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) })

t.test('send a draft from the list, then pause, resume and cancel it', async t => {
  const id = await createCampaign(ui, 'Slow one', 60)
  await page.goto(ui.url('/campaigns'))
  const row = rowOf('Slow one')
  t.match(await row.textContent(), /Draft/)

  await row.getByRole('button', { name: 'Send now' }).click()
  const send = page.getByRole('dialog', { name: 'Send “Slow one” now?' })
  t.match(await send.textContent(), /60 people on its list will get the template hello_world/)
  await send.getByRole('button', { name: 'Send now' }).click()
  await row.getByRole('progressbar', { name: 'Progress of Slow one' }).waitFor()
  await eventually('a few sends and an estimate', async () => /left/.test(await row.textContent() ?? ''))
  t.match(await row.textContent(), /Running/)

  await row.getByRole('button', { name: 'Pause' }).click()
  await eventually('the paused badge', async () => /Paused/.test(await row.textContent() ?? ''))
  t.match(await waitForStatus(ui, id, ['paused']), { status: 'paused' })
  t.equal(await row.getByRole('button', { name: 'Edit' }).count(), 1, 'a paused campaign can be edited (its name)')
  await ui.checkAccessibility(t, page, 'campaigns-paused')

  await row.getByRole('button', { name: 'Resume' }).click()
  await eventually('the running badge again', async () => /Running/.test(await row.textContent() ?? ''))
  t.equal(await row.getByRole('button', { name: 'Edit' }).count(), 0, 'no Edit while running')

  await row.getByRole('button', { name: 'Cancel' }).click()
  const cancel = page.getByRole('dialog', { name: 'Cancel “Slow one”?' })
  t.match(await cancel.textContent(), /The \d+ people not sent yet will not get the message/)
  await ui.checkAccessibility(t, page, 'confirm-cancel')
  await cancel.getByRole('button', { name: 'Cancel the run' }).click()
  await eventually('the cancelled badge', async () => /Cancelled/.test(await row.textContent() ?? ''))
  const cancelled = await waitForStatus(ui, id, ['cancelled'])
  t.ok(cancelled.successCount < 60 && cancelled.failedCount > 0, 'the unsent recipients failed as cancelled')
  t.equal(await row.getByRole('button', { name: 'Rerun', exact: true }).count(), 1, 'a cancelled campaign can be rerun')
})

t.test('the detail of a running campaign follows it live', async t => {
  const id = await createCampaign(ui, 'Watched', 12, 100)
  t.equal((await ui.api('POST', `/campaigns/${id}/run`)).status, 202)
  await page.goto(ui.url(`/campaigns/${id}`))
  await page.getByRole('heading', { name: 'Watched', level: 1 }).waitFor()
  await page.getByRole('progressbar', { name: 'Progress of Watched' }).waitFor()
  await ui.checkAccessibility(t, page, 'campaign-detail-running')
  await eventually('the run to complete on the page', async () => /Completed/.test(await page.getByRole('main').textContent() ?? ''), 30_000)
  const tabs = page.getByRole('tablist', { name: 'Recipients by status' })
  await eventually('no recipient left pending', async () => /^Pending\s*0$/.test((await tabs.getByRole('tab', { name: /^Pending/ }).textContent()) ?? ''))
})
