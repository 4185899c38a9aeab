import Papa from 'papaparse'
import type { Contact } from 'fastify-whatsapp-campaigns'

/**
 * Reads a contact list in the browser: a CSV or XLSX (or XLS) file, or pasted `phone,name` lines, into
 * the plugin's `Contact`s. Phones are passed on as written: the server normalises and judges them
 * (`POST /contacts/check`), so the page shows one verdict, the server's, and never a second opinion.
 */

/** The plugin's default `maxContacts`: a longer file would be refused whole, so it is refused here first. */
export const maxContactRows = 100_000

export type ContactsFileErrorCode = 'UNSUPPORTED_FILE' | 'EMPTY_FILE' | 'NO_PHONE_COLUMN' | 'TOO_MANY_ROWS' | 'UNREADABLE_FILE' | 'PARAMETER_GAP'

/** A file the page cannot take, with a message written for the person who chose it. */
export class ContactsFileError extends Error {
  readonly code: ContactsFileErrorCode
  constructor (code: ContactsFileErrorCode, message: string) {
    super(message)
    this.name = 'ContactsFileError'
    this.code = code
  }
}

export interface ContactList {
  contacts: Contact[]
  /** For each contact, its row in the file (1 = the header of a file, the first line of pasted text). */
  rows: number[]
  /** Columns neither a name, a phone nor a numbered template parameter: read and left out. */
  ignoredColumns: string[]
}

/** The little of a browser `File` this needs, so tests can pass their own. */
export interface ContactsSource {
  name: string
  arrayBuffer: () => Promise<ArrayBuffer>
}

export const sampleContactsCsv = 'Phone,Name\n+91 98765 00001,Asha\n+1 415 555 0123,José\n+44 20 7946 0958,渡辺 さくら\n'

const nameAliases = new Set(['name', 'customername'])
const phoneAliases = new Set(['phone', 'phonenumber'])
/** `{{1}}`, `param 1`, `parameter 1`: the template's body parameter of that number, for this contact alone. */
const parameterHeader = /^(?:\{\{(\d{1,3})\}\}|param(?:eter)?(\d{1,3}))$/

/** Headers compare without case, spaces, underscores or dashes: `Phone Number`, `phone_number`, `PHONE-NUMBER`. */
function headerKey (header: string): string {
  return header.toLowerCase().replace(/[\s_-]+/g, '')
}

const numberFormat = new Intl.NumberFormat('en')
const countLimit = numberFormat.format(maxContactRows)

function tooMany (fileName: string): ContactsFileError {
  return new ContactsFileError('TOO_MANY_ROWS', `"${fileName}" has more than ${countLimit} contacts, the most a campaign holds: split it into smaller files.`)
}

function isBlankRow (cells: readonly string[]): boolean {
  return cells.every(cell => cell.trim() === '')
}

interface Columns {
  phone: number
  name: number | null
  parameters: number[]
  ignored: string[]
}

function findColumns (header: readonly string[], fileName: string): Columns {
  let phone: number | null = null
  let name: number | null = null
  const numbered = new Map<number, number>()
  const ignored: string[] = []
  header.forEach((raw, column) => {
    const key = headerKey(raw)
    const parameter = parameterHeader.exec(key)
    if (phone === null && phoneAliases.has(key)) phone = column
    else if (name === null && nameAliases.has(key)) name = column
    else if (parameter !== null && !numbered.has(Number(parameter[1] ?? parameter[2]))) numbered.set(Number(parameter[1] ?? parameter[2]), column)
    else if (raw.trim() !== '') ignored.push(raw.trim())
  })
  if (phone === null) {
    const found = header.map(cell => cell.trim()).filter(cell => cell !== '')
    throw new ContactsFileError('NO_PHONE_COLUMN',
      `"${fileName}" has no phone column: its first row must name one "Phone" or "Phone Number"` +
      (found.length > 0 ? ` (it has ${found.map(cell => `"${cell}"`).join(', ')}).` : '.'))
  }
  const parameters: number[] = []
  for (let number = 1; number <= numbered.size; number++) {
    const column = numbered.get(number)
    if (column === undefined) {
      throw new ContactsFileError('PARAMETER_GAP',
        `"${fileName}" numbers its parameter columns with a gap: {{${number}}} is missing (number them {{1}}, {{2}}, … in order).`)
    }
    parameters.push(column)
  }
  return { phone, name, parameters, ignored }
}

/** Turns rows of cells (the first the header) into contacts; blank rows are skipped. */
export function contactsFromRows (table: readonly (readonly string[])[], fileName: string): ContactList {
  const headerIndex = table.findIndex(row => !isBlankRow(row))
  if (headerIndex === -1) throw new ContactsFileError('EMPTY_FILE', `"${fileName}" is empty: it needs a header row (Phone, Name) and one row per contact.`)
  const columns = findColumns(table[headerIndex], fileName)
  const contacts: Contact[] = []
  const rows: number[] = []
  for (let index = headerIndex + 1; index < table.length; index++) {
    const cells = table[index]
    if (isBlankRow(cells)) continue
    if (contacts.length === maxContactRows) throw tooMany(fileName)
    contacts.push(contactFrom(cells, columns))
    rows.push(index + 1)
  }
  if (contacts.length === 0) throw new ContactsFileError('EMPTY_FILE', `"${fileName}" has a header row but no contacts under it.`)
  return { contacts, rows, ignoredColumns: columns.ignored }
}

function contactFrom (cells: readonly string[], columns: Columns): Contact {
  const contact: Contact = { phone: (cells[columns.phone] ?? '').trim() }
  const name = columns.name === null ? '' : (cells[columns.name] ?? '').trim()
  if (name !== '') contact.name = name
  const parameters = columns.parameters.map(column => (cells[column] ?? '').trim())
  // A contact's own parameters replace the campaign's whole; a row that leaves them all empty keeps the campaign's.
  if (parameters.some(value => value !== '')) contact.parameters = parameters
  return contact
}

const delimiters = [',', ';', '\t', '|']

/**
 * The separator its header row uses most (`,`, `;` as Excel writes in much of Europe, tab, `|`).
 * Papa's own guess weighs every row and picks a comma from a name such as "Müller, Jan".
 */
function delimiterOf (text: string): string {
  const header = text.slice(0, 65536).split(/\r\n|\r|\n/).find(line => line.trim() !== '') ?? ''
  const counts = delimiters.map(delimiter => header.split(delimiter).length)
  const most = Math.max(...counts)
  return delimiters[counts.indexOf(most)]
}

/** A CSV's text, its first row the header. */
export function contactsFromCsv (text: string, fileName: string): ContactList {
  const table: string[][] = []
  let filled = 0
  let over = false
  Papa.parse<string[]>(text, {
    delimiter: delimiterOf(text),
    step (result, parser) {
      table.push(result.data)
      if (!isBlankRow(result.data)) filled++
      // The header plus one row past the limit is enough to refuse: the rest is not read.
      if (filled > maxContactRows + 1) {
        over = true
        parser.abort()
      }
    }
  })
  if (over) throw tooMany(fileName)
  return contactsFromRows(table, fileName)
}

/**
 * Pasted lines, one contact each: `phone,name` (a tab or semicolon also separates; a name may hold
 * commas). A first line that is a header (`phone,name`) is skipped.
 */
export function contactsFromPastedText (text: string): ContactList {
  const contacts: Contact[] = []
  const rows: number[] = []
  const lines = text.split(/\r\n|\r|\n/)
  lines.forEach((line, index) => {
    const [phone = '', ...rest] = line.split(/[,;\t]/)
    if (phone.trim() === '' && rest.every(part => part.trim() === '')) return
    if (contacts.length === 0 && phoneAliases.has(headerKey(phone))) return
    if (contacts.length === maxContactRows) throw tooMany('The pasted text')
    const contact: Contact = { phone: phone.trim() }
    const name = rest.join(',').trim()
    if (name !== '') contact.name = name
    contacts.push(contact)
    rows.push(index + 1)
  })
  return { contacts, rows, ignoredColumns: [] }
}

type FileKind = 'csv' | 'spreadsheet'

const zipSignature = [0x50, 0x4b, 0x03, 0x04]
const oleSignature = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]

function startsWith (bytes: Uint8Array, signature: readonly number[]): boolean {
  return signature.every((byte, index) => bytes[index] === byte)
}

/** The kind is read from the bytes, not trusted from the name: a picture renamed .csv is still a picture. */
function fileKind (name: string, bytes: Uint8Array): FileKind | null {
  const extension = /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase() ?? ''
  if (extension === 'xlsx' || extension === 'xls') {
    return startsWith(bytes, zipSignature) || startsWith(bytes, oleSignature) ? 'spreadsheet' : null
  }
  if (extension === 'csv' || extension === 'txt') return looksLikeText(bytes) ? 'csv' : null
  return null
}

/** Text has no NUL bytes in its first few kilobytes; binaries (images, PDFs, archives) nearly always do. */
function looksLikeText (bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 8192)
  return !head.includes(0) && !startsWith(bytes, zipSignature)
}

/** UTF-8 when the bytes are; otherwise Windows-1252, what Excel writes a CSV in on many machines. */
function decodeText (bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return new TextDecoder('windows-1252').decode(bytes)
  }
}

/** The first sheet's cells as text; numbers (phones typed as numbers) written out in full, never as 9.2E+11. */
async function spreadsheetRows (bytes: Uint8Array, fileName: string): Promise<string[][]> {
  // SheetJS is large: loaded only when a spreadsheet is chosen, so the page itself stays small.
  const XLSX = await import('@e965/xlsx')
  let sheet
  try {
    const book = XLSX.read(bytes, { type: 'array', dense: true })
    sheet = book.Sheets[book.SheetNames[0]]
  } catch (error) {
    throw new ContactsFileError('UNREADABLE_FILE', `"${fileName}" could not be read as a spreadsheet (${(error as Error).message}): save it again as .xlsx or .csv.`)
  }
  if (sheet === undefined || sheet['!ref'] === undefined) throw new ContactsFileError('EMPTY_FILE', `"${fileName}" is empty: its first sheet has no cells.`)
  const rows = XLSX.utils.sheet_to_json<unknown[]>(sheet, { header: 1, raw: true, defval: '', blankrows: true })
  return rows.map(row => row.map(cellText))
}

function cellText (value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value)
  if (value instanceof Date) return value.toISOString()
  return value === null || value === undefined ? '' : String(value)
}

/** Reads a chosen file: CSV, XLSX or XLS. Throws a `ContactsFileError` saying what is wrong with it. */
export async function readContactsFile (file: ContactsSource): Promise<ContactList> {
  const bytes = new Uint8Array(await file.arrayBuffer())
  if (bytes.length === 0) throw new ContactsFileError('EMPTY_FILE', `"${file.name}" is empty: it needs a header row (Phone, Name) and one row per contact.`)
  const kind = fileKind(file.name, bytes)
  if (kind === null) {
    throw new ContactsFileError('UNSUPPORTED_FILE', `"${file.name}" is not a CSV or XLSX file: choose a .csv, .xlsx or .xls file with a Phone column.`)
  }
  if (kind === 'csv') return contactsFromCsv(decodeText(bytes), file.name)
  return contactsFromRows(await spreadsheetRows(bytes, file.name), file.name)
}
