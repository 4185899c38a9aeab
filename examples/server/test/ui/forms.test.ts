import { readFile } from 'node:fs/promises'
import * as XLSX from '@e965/xlsx'
import t from 'tap'
import { phoneFor, startUi } from './helpers/browser-harness.js'

const ui = await startUi(t, { SANDBOX_LATENCY_MS: '0', WHATSAPP_MESSAGES_PER_SECOND: '1000' })

function csvFile (name: string, text: string) {
  return { name, mimeType: 'text/csv', buffer: Buffer.from(text) }
}

async function campaignCount (): Promise<number> {
  return Number((await ui.api('GET', '/campaigns')).headers.get('x-total-count'))
}

t.test('a CSV with bad, duplicate and opted-out rows: the preview shows each verdict, only the valid rows are sent', async t => {
  t.equal((await ui.api('POST', '/opt-outs', { phones: [phoneFor(9)] })).status, 200)
  const page = await ui.newPage(t)
  await page.goto(ui.url('/campaigns/new'))
  await page.getByLabel('Campaign name').fill('Diwali offer')
  await page.getByLabel('Template name').fill('hello_world')
  await page.getByRole('button', { name: 'Add parameter' }).click()
  await page.getByRole('button', { name: 'Insert {{name}} into parameter 1' }).click()
  t.equal(await page.getByLabel('{{1}}').inputValue(), '{{name}}')

  const csv = `Customer Name,Phone Number\nAsha,+91 98760 00001\nBad,12345\nAsha again,919876000001\nRavi,${phoneFor(2)}\nOpted,${phoneFor(9)}\n`
  await page.getByLabel('Contacts file (CSV or XLSX)').setInputFiles(csvFile('list.csv', csv))
  const summary = page.locator('.check-summary')
  await summary.waitFor()
  t.match(await summary.textContent(), /5 rows: 2 valid, 3 refused \(1 invalid, 1 duplicate, 1 opted out\)/)
  const preview = page.getByRole('table', { name: 'Verdict per row' })
  t.match(await preview.getByRole('row').nth(2).textContent(), /^3.*12345.*Invalid/, 'the bad row, by its row in the file')
  t.match(await preview.getByRole('row').nth(3).textContent(), /Duplicate.*The same phone as row 2/)
  t.match(await preview.getByRole('row').nth(5).textContent(), /Opted out/)
  await page.getByRole('button', { name: 'Invalid (1)' }).click()
  t.equal(await preview.getByRole('row').count(), 2, 'the filter shows the invalid row alone')
  await ui.checkAccessibility(t, page, 'campaign-form-preview')

  await page.getByRole('button', { name: 'Import 2 valid contacts' }).click()
  t.match(await page.locator('.contacts-editor').textContent(), /2 contacts in the list/)
  await page.getByRole('button', { name: 'Send now' }).click()
  const confirm = page.getByRole('dialog', { name: 'Send now?' })
  t.match(await confirm.textContent(), /“Diwali offer” goes to 2 contacts now, as the template hello_world \(en\)/, 'the confirmation says how many get a message')
  await confirm.getByRole('button', { name: 'Keep it as it is' }).click()
  t.equal(await campaignCount(), 0, 'nothing is sent before the confirmation')
  await page.getByRole('button', { name: 'Send now' }).click()
  await confirm.getByRole('button', { name: 'Send to 2' }).click()
  await page.waitForURL(url => url.pathname === '/campaigns')

  const [listed] = (await ui.api('GET', '/campaigns?limit=1')).body
  t.equal(listed.name, 'Diwali offer')
  const campaign = (await ui.api('GET', `/campaigns/${listed.id}`)).body
  t.same(campaign.contacts.map((contact: any) => [contact.phone, contact.name]), [['919876000001', 'Asha'], [phoneFor(2), 'Ravi']])
  t.same(campaign.parameters, ['{{name}}'])
  t.not(campaign.status, 'draft', 'sent, not saved')
  await page.getByRole('link', { name: 'Diwali offer', exact: true }).waitFor()
  await ui.checkAccessibility(t, page, 'campaign-list-after-send')
})

t.test('bad files get a clear message and nothing is stored', async t => {
  const before = await campaignCount()
  const page = await ui.newPage(t)
  await page.goto(ui.url('/campaigns/new'))
  await page.getByLabel('Campaign name').fill('Never stored')
  await page.getByLabel('Template name').fill('hello_world')
  const input = page.getByLabel('Contacts file (CSV or XLSX)')
  const alert = page.locator('.contacts-import [role=alert]')
  let rows = 'Phone,Name\n'
  for (let i = 0; i <= 100_000; i++) rows += `${phoneFor(i)},C${i}\n`
  const cases = [
    { file: { name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]) }, message: '"photo.png" is not a CSV or XLSX file: choose a .csv, .xlsx or .xls file with a Phone column.' },
    { file: csvFile('empty.csv', ''), message: '"empty.csv" is empty: it needs a header row (Phone, Name) and one row per contact.' },
    { file: csvFile('names.csv', 'Name,Email\nAsha,a@example.com\n'), message: '"names.csv" has no phone column: its first row must name one "Phone" or "Phone Number" (it has "Name", "Email").' },
    { file: csvFile('big.csv', rows), message: '"big.csv" has more than 100,000 contacts, the most a campaign holds: split it into smaller files.' }
  ]
  for (const { file, message } of cases) {
    await input.setInputFiles(file)
    await page.getByText(message).waitFor()
    t.equal(await alert.textContent(), message, file.name)
    t.equal(await page.locator('.check-preview').count(), 0, `${file.name}: no preview`)
  }
  await ui.checkAccessibility(t, page, 'campaign-form-bad-file')

  await input.setInputFiles(csvFile('names.csv', `Phone,Name\n${phoneFor(99)},Fixed\n`))
  await page.locator('.check-summary').waitFor()
  t.match(await page.locator('.check-summary').textContent(), /^1 row: 1 valid/, 'the same file, fixed, can be chosen again')

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download a sample CSV' }).click()])
  t.equal(download.suggestedFilename(), 'contacts-sample.csv')
  const sample = await readFile(await download.path(), 'utf8')
  t.match(sample, /^Phone,Name\n\+91 98765 00001,Asha\n/, 'the sample has the columns the reader takes')

  await page.getByRole('button', { name: 'Send now' }).click()
  t.equal(await page.locator('form > [aria-live] [role=alert]').textContent(), 'Add contacts first: choose a file, paste lines or add one by one.')

  const names = ['José Ñúñez', '渡辺 さくら', 'محمد علي', 'Zoë 👩🏽‍💻']
  await input.setInputFiles(csvFile('unicode.csv', 'Phone,Name\n' + names.map((name, i) => `${phoneFor(100 + i)},${name}`).join('\n')))
  await page.locator('.check-summary').waitFor()
  for (const name of names) t.equal(await page.getByRole('cell', { name, exact: true }).count(), 1, `${name} shown as written`)
  t.equal(await campaignCount(), before, 'no campaign was created')
})

t.test('pasted lines, then Save draft; the edit form changes the name and the list, and asks before leaving unsaved changes', async t => {
  const page = await ui.newPage(t)
  await page.goto(ui.url('/campaigns/new'))
  await page.getByLabel('Campaign name').fill('Reminder')
  await page.getByLabel('Template name').fill('hello_world')
  await page.getByLabel('Or paste contacts, one phone,name per line').fill(`${phoneFor(20)},Asha\n${phoneFor(21)},Ravi\n${phoneFor(22)}`)
  await page.getByRole('button', { name: 'Check pasted contacts' }).click()
  await page.getByRole('button', { name: 'Import 3 valid contacts' }).click()
  await page.getByRole('button', { name: 'Save draft' }).click()
  await page.waitForURL(/\/campaigns\/\d+$/)
  const id = Number(new URL(page.url()).pathname.split('/').pop())
  t.equal((await ui.api('GET', `/campaigns/${id}`)).body.status, 'draft')

  await page.goto(ui.url(`/campaigns/${id}/edit`))
  const name = page.getByLabel('Campaign name')
  t.equal(await name.inputValue(), 'Reminder')
  await name.fill('Reminder, second week')
  await page.getByRole('button', { name: `Remove ${phoneFor(21)}` }).click()
  await page.getByLabel('Phone to add').fill(`+${phoneFor(23)}`)
  await page.getByLabel('Name (optional)').fill('Meera')
  await page.getByRole('button', { name: 'Add contact' }).click()
  await page.getByText(`Added ${phoneFor(23)}.`).waitFor()
  await page.getByLabel('Phone to add').fill(phoneFor(20))
  await page.getByRole('button', { name: 'Add contact' }).click()
  await page.getByText(`${phoneFor(20)} is already in the list.`).waitFor()
  await ui.checkAccessibility(t, page, 'campaign-edit')

  let asked = ''
  page.once('dialog', dialog => { asked = dialog.message(); void dialog.dismiss() })
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Campaigns' }).click()
  t.match(asked, /unsaved changes/, 'leaving through the sidebar asks first')
  t.match(page.url(), new RegExp(`/campaigns/${id}/edit$`), 'and staying keeps the form')

  // An entry of the page's own history behind this one: Back to it is a popstate the router would follow.
  await page.evaluate('window.history.pushState(null, "", window.location.href)')
  const backAsked = new Promise<string>(resolve => page.once('dialog', dialog => { resolve(dialog.message()); void dialog.dismiss() }))
  await page.evaluate('window.history.back()')
  t.match(await backAsked, /unsaved changes/, 'Back asks first')
  t.match(page.url(), new RegExp(`/campaigns/${id}/edit$`))
  t.equal(await name.inputValue(), 'Reminder, second week', 'and staying keeps what was typed')

  await page.getByRole('button', { name: 'Save', exact: true }).click()
  await page.waitForURL(new RegExp(`/campaigns/${id}$`))
  const saved = (await ui.api('GET', `/campaigns/${id}`)).body
  t.equal(saved.name, 'Reminder, second week')
  t.same(saved.contacts.map((contact: any) => contact.phone), [phoneFor(20), phoneFor(22), phoneFor(23)])

  await page.goto(ui.url(`/campaigns/${id}/edit`))
  await page.getByLabel('Campaign name').fill('Not kept')
  page.once('dialog', dialog => { void dialog.accept() })
  await page.getByRole('button', { name: 'Cancel' }).click()
  await page.waitForURL(new RegExp(`/campaigns/${id}$`))
  t.equal((await ui.api('GET', `/campaigns/${id}`)).body.name, 'Reminder, second week', 'Cancel keeps what was saved')
})

t.test('a schedule is sent with the browser\'s offset', async t => {
  const page = await ui.newPage(t)
  await page.goto(ui.url('/campaigns/new'))
  await page.getByLabel('Campaign name').fill('Later')
  await page.getByLabel('Template name').fill('hello_world')
  await page.getByLabel('Or paste contacts, one phone,name per line').fill(phoneFor(30))
  await page.getByRole('button', { name: 'Check pasted contacts' }).click()
  await page.getByRole('button', { name: 'Import 1 valid contact' }).click()
  const local = await page.evaluate(() => {
    const at = new Date(Date.now() + 3 * 86_400_000)
    const pad = (n: number) => String(n).padStart(2, '0')
    return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T09:30`
  })
  await page.getByLabel('Schedule for (optional)').fill(local)
  t.match(await page.locator('.schedule .hint').textContent(), /Your time zone: .+ \(UTC[+-]\d{2}:\d{2}\)/)
  const expected = await page.evaluate(value => new Date(value).toISOString(), local)
  await page.getByRole('button', { name: 'Schedule', exact: true }).click()
  await page.waitForURL(/\/campaigns\/\d+$/)
  const id = Number(new URL(page.url()).pathname.split('/').pop())
  const campaign = (await ui.api('GET', `/campaigns/${id}`)).body
  t.equal(campaign.status, 'scheduled')
  t.equal(new Date(campaign.scheduledAt).toISOString(), expected)
})

t.test('an XLSX file: numeric phones and its own parameter columns', async t => {
  const book = XLSX.utils.book_new()
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet([['Name', 'Phone', '{{1}}'], ['Asha', Number(phoneFor(40)), 'Friday'], ['Ravi', Number(phoneFor(41)), '']]), 'Contacts')
  const buffer = Buffer.from(XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }))
  const page = await ui.newPage(t)
  await page.goto(ui.url('/campaigns/new'))
  await page.getByLabel('Campaign name').fill('From a workbook')
  await page.getByLabel('Template name').fill('hello_world')
  await page.getByLabel('Contacts file (CSV or XLSX)').setInputFiles({ name: 'list.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer })
  await page.getByRole('button', { name: 'Import 2 valid contacts' }).click()
  await page.getByRole('button', { name: 'Save draft' }).click()
  await page.waitForURL(/\/campaigns\/\d+$/)
  const id = Number(new URL(page.url()).pathname.split('/').pop())
  t.same((await ui.api('GET', `/campaigns/${id}`)).body.contacts, [
    { phone: phoneFor(40), name: 'Asha', parameters: ['Friday'] },
    { phone: phoneFor(41), name: 'Ravi', parameters: null }
  ])
})

t.test('editing a campaign longer than the detail carries: every contact is paged in, and a rename sends no list', async t => {
  const contacts = Array.from({ length: 2500 }, (_, i) => ({ phone: phoneFor(1000 + i), name: `Contact ${i}` }))
  const created = await ui.api('POST', '/campaigns', { name: 'Large', templateName: 'hello_world', contacts })
  t.equal(created.status, 201)
  t.equal(created.body.contactsTruncated, true, 'longer than the detail carries')
  const page = await ui.newPage(t)
  const bodies: string[] = []
  page.on('request', request => { if (request.method() === 'PUT') bodies.push(request.postData() ?? '') })
  await page.goto(ui.url(`/campaigns/${created.body.id}/edit`))
  await page.getByText('2,500 contacts in the list.').waitFor()
  await page.getByLabel('Search the list').fill('Contact 2499')
  t.equal(await page.getByRole('button', { name: `Remove ${phoneFor(3499)}` }).count(), 1, 'the last contact is there')
  await page.getByLabel('Campaign name').fill('Large, renamed')
  await page.getByRole('button', { name: 'Save', exact: true }).click()
  await page.waitForURL(new RegExp(`/campaigns/${created.body.id}$`))
  t.same(bodies.map(body => JSON.parse(body)), [{ name: 'Large, renamed' }])
  const contactsAfter = (await ui.api('GET', `/campaigns/${created.body.id}/contacts?limit=1000&after=2000`)).body
  t.equal(contactsAfter.length, 500, 'the list is as it was')
})

t.test('the edit form replaces the list from a file', async t => {
  const created = await ui.api('POST', '/campaigns', { name: 'Replaced', templateName: 'hello_world', contacts: [{ phone: phoneFor(50) }, { phone: phoneFor(51) }] })
  const page = await ui.newPage(t)
  await page.goto(ui.url(`/campaigns/${created.body.id}/edit`))
  await page.getByText('2 contacts in the list.').waitFor()
  await page.getByLabel('Contacts file (CSV or XLSX)').setInputFiles(csvFile('new.csv', `Phone,Name\n${phoneFor(60)},Nia\nnot a phone,Bad\n`))
  await page.getByRole('button', { name: 'Add 1 valid contact to the list' }).waitFor()
  await page.getByRole('button', { name: 'Replace the list with 1 valid contact' }).click()
  await page.getByText('1 contact in the list.').waitFor()
  await page.getByRole('button', { name: 'Save', exact: true }).click()
  await page.waitForURL(new RegExp(`/campaigns/${created.body.id}$`))
  t.same((await ui.api('GET', `/campaigns/${created.body.id}`)).body.contacts, [{ phone: phoneFor(60), name: 'Nia', parameters: null }])
})
