import t from 'tap'
import * as XLSX from '@e965/xlsx'
import {
  ContactsFileError, contactsFromPastedText, maxContactRows, readContactsFile, sampleContactsCsv, type ContactsSource
} from '../web/src/lib/contacts-file.js'

function source (name: string, content: string | Uint8Array): ContactsSource {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content
  return { name, arrayBuffer: async () => bytes.slice().buffer }
}

function xlsx (rows: unknown[][], bookType: 'xlsx' | 'xls' = 'xlsx'): Uint8Array {
  const book = XLSX.utils.book_new()
  XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows), 'Contacts')
  return new Uint8Array(XLSX.write(book, { type: 'array', bookType }))
}

async function refusal (file: ContactsSource): Promise<ContactsFileError> {
  try {
    await readContactsFile(file)
  } catch (error) {
    if (error instanceof ContactsFileError) return error
    throw error
  }
  throw new Error(`${file.name} was read without an error`)
}

t.test('a CSV with the original app\'s headers, in any case and spacing', async t => {
  const list = await readContactsFile(source('list.csv', 'Customer Name, PHONE NUMBER ,email\nAsha,+91 98765 00001,a@example.com\n\nRavi,919876000002,\n'))
  t.same(list.contacts, [{ phone: '+91 98765 00001', name: 'Asha' }, { phone: '919876000002', name: 'Ravi' }])
  t.same(list.rows, [2, 4], 'rows count the header and skip the blank line')
  t.same(list.ignoredColumns, ['email'])
})

t.test('name and phone aliases: Name / name / Customer Name, Phone / phone / Phone Number / phone_number', async t => {
  for (const [nameHeader, phoneHeader] of [['Name', 'Phone'], ['name', 'phone'], ['customer name', 'Phone Number'], ['NAME', 'phone_number']]) {
    const list = await readContactsFile(source('a.csv', `${phoneHeader},${nameHeader}\n14155550123,Lee\n`))
    t.same(list.contacts, [{ phone: '14155550123', name: 'Lee' }], `${nameHeader} / ${phoneHeader}`)
  }
})

t.test('a row without a name has no name; a row without a phone is kept for the server to refuse', async t => {
  const list = await readContactsFile(source('a.csv', 'phone,name\n14155550123,\n,Nobody\n'))
  t.same(list.contacts, [{ phone: '14155550123' }, { phone: '', name: 'Nobody' }])
})

t.test('unicode names are kept as written, from UTF-8 with or without a BOM', async t => {
  const names = ['José Ñúñez', '渡辺 さくら', 'محمد علي', 'Zoë 👩🏽‍💻', 'Αλέξανδρος']
  const csv = 'Phone,Name\n' + names.map((name, index) => `9198760000${index + 10},"${name}"`).join('\n')
  for (const text of [csv, '\uFEFF' + csv]) {
    const list = await readContactsFile(source('unicode.csv', text))
    t.same(list.contacts.map(contact => contact.name), names)
  }
})

t.test('a CSV Excel wrote in Windows-1252 is decoded as such', async t => {
  const bytes = new Uint8Array([...new TextEncoder().encode('Phone,Name\n14155550123,Jos'), 0xe9, 0x0a])
  const list = await readContactsFile(source('cp1252.csv', bytes))
  t.equal(list.contacts[0].name, 'José')
})

t.test('semicolon-separated CSV and quoted names with commas', async t => {
  t.same((await readContactsFile(source('eu.csv', 'Phone;Name\n4915112345678;Müller, Jan\n'))).contacts, [{ phone: '4915112345678', name: 'Müller, Jan' }])
  t.same((await readContactsFile(source('q.csv', 'Phone,Name\n4915112345678,"Müller, Jan"\n'))).contacts, [{ phone: '4915112345678', name: 'Müller, Jan' }])
})

t.test('numbered parameter columns become the contact\'s own parameters, in order', async t => {
  const list = await readContactsFile(source('p.csv', 'Phone,Name,{{2}},Param 1\n14155550123,Lee,20%,Friday\n14155550124,Kim,,\n'))
  t.same(list.contacts, [{ phone: '14155550123', name: 'Lee', parameters: ['Friday', '20%'] }, { phone: '14155550124', name: 'Kim' }])
  const gap = await refusal(source('gap.csv', 'Phone,{{1}},{{3}}\n14155550123,a,b\n'))
  t.equal(gap.code, 'PARAMETER_GAP')
  t.match(gap.message, /\{\{2\}\} is missing/)
})

t.test('an XLSX with numeric phones keeps every digit', async t => {
  const list = await readContactsFile(source('list.xlsx', xlsx([['Customer Name', 'Phone Number'], ['Asha', 919876000001], [], ['渡辺', '+81 90 1234 5678']])))
  t.same(list.contacts, [{ phone: '919876000001', name: 'Asha' }, { phone: '+81 90 1234 5678', name: '渡辺' }])
  t.same(list.rows, [2, 4])
})

t.test('an old XLS workbook is read too', async t => {
  const list = await readContactsFile(source('old.xls', xlsx([['Phone', 'Name'], [14155550123, 'Lee']], 'xls')))
  t.same(list.contacts, [{ phone: '14155550123', name: 'Lee' }])
})

t.test('a file that is not CSV or XLSX is refused by its name and by its bytes', async t => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d])
  for (const file of [source('photo.png', png), source('photo.csv', png), source('fake.xlsx', 'Phone,Name\n1,a\n'), source('notes.pdf', '%PDF-1.4')]) {
    const error = await refusal(file)
    t.equal(error.code, 'UNSUPPORTED_FILE', file.name)
    t.match(error.message, `"${file.name}" is not a CSV or XLSX file`)
  }
})

t.test('a corrupt XLSX says it cannot be read', async t => {
  const error = await refusal(source('broken.xlsx', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8])))
  t.equal(error.code, 'UNREADABLE_FILE')
  t.match(error.message, /could not be read as a spreadsheet/)
})

t.test('empty files: no bytes, blank lines, a header alone, an empty sheet', async t => {
  for (const file of [source('empty.csv', ''), source('blank.csv', '\n\n  \n'), source('header.csv', 'Phone,Name\n'), source('empty.xlsx', xlsx([]))]) {
    const error = await refusal(file)
    t.equal(error.code, 'EMPTY_FILE', file.name)
    t.match(error.message, `"${file.name}"`)
  }
  t.match((await refusal(source('header.csv', 'Phone,Name\n'))).message, /header row but no contacts/)
})

t.test('no phone column says which columns there are', async t => {
  const error = await refusal(source('names.csv', 'Name,Email\nAsha,a@example.com\n'))
  t.equal(error.code, 'NO_PHONE_COLUMN')
  t.equal(error.message, '"names.csv" has no phone column: its first row must name one "Phone" or "Phone Number" (it has "Name", "Email").')
  t.equal((await refusal(source('names.xlsx', xlsx([['Name'], ['Asha']])))).code, 'NO_PHONE_COLUMN')
})

function bigCsv (rows: number): string {
  let csv = 'Phone,Name\n'
  for (let index = 0; index < rows; index++) csv += `${919800000000 + index},Contact ${index}\n`
  return csv
}

t.test(`${maxContactRows} rows are taken; one more is refused`, async t => {
  const list = await readContactsFile(source('max.csv', bigCsv(maxContactRows)))
  t.equal(list.contacts.length, maxContactRows)
  const error = await refusal(source('over.csv', bigCsv(maxContactRows + 1)))
  t.equal(error.code, 'TOO_MANY_ROWS')
  t.equal(error.message, '"over.csv" has more than 100,000 contacts, the most a campaign holds: split it into smaller files.')
})

t.test('an XLSX of 100,001 rows is refused', async t => {
  const rows: unknown[][] = [['Phone', 'Name']]
  for (let index = 0; index <= maxContactRows; index++) rows.push([919800000000 + index, `C${index}`])
  t.equal((await refusal(source('over.xlsx', xlsx(rows)))).code, 'TOO_MANY_ROWS')
})

t.test('pasted phone,name lines', async t => {
  const list = contactsFromPastedText('phone,name\n+91 98765 00001, Asha\n\n919876000002\n14155550123\tLee\n4915112345678;Müller, Jan\n')
  t.same(list.contacts, [
    { phone: '+91 98765 00001', name: 'Asha' },
    { phone: '919876000002' },
    { phone: '14155550123', name: 'Lee' },
    { phone: '4915112345678', name: 'Müller, Jan' }
  ])
  t.same(list.rows, [2, 4, 5, 6])
  t.same(contactsFromPastedText('  \n\n').contacts, [])
})

t.test('the sample CSV reads back as three contacts', async t => {
  const list = await readContactsFile(source('sample.csv', sampleContactsCsv))
  t.equal(list.contacts.length, 3)
  t.equal(list.contacts[2].name, '渡辺 さくら')
})
