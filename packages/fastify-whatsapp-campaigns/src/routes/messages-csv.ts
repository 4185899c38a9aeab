/** A run's messages as a CSV file: one row per recipient, quoted by csv-stringify, guarded for spreadsheets. */
import { pipeline, Readable } from 'node:stream'
import { stringify } from 'csv-stringify'
import type { Message } from '../schemas/campaign.js'

/** The header row, and what each column holds. */
export const messageCsvColumns = [
  'position', 'phone', 'name', 'status', 'wamid', 'error_code', 'error_title', 'attempts',
  'sent_at', 'delivered_at', 'read_at', 'replied_at', 'updated_at'
] as const

function csvRow (message: Message): Array<string | number | null> {
  return [
    message.position, message.phone, message.name, message.status, message.messageId,
    message.error?.code ?? null, message.error?.title ?? null, message.attempts,
    message.sentAt, message.deliveredAt, message.readAt, message.repliedAt, message.updatedAt
  ]
}

/**
 * A text cell a spreadsheet would read as a formula (OWASP's CSV injection: it starts with =, +, -,
 * @, a tab or a carriage return) gets a leading apostrophe, so that it shows as the text it is.
 * Names are the recipients' own text, and reach whoever opens the file.
 */
export function guardFormula (value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
}

/**
 * The CSV of `messages`, produced as it is read: the rows are pulled from the iterable only as fast
 * as the consumer takes the text, so memory holds a page, not the run. A BOM first, so that
 * spreadsheets read the names as UTF-8; CRLF between records (RFC 4180). A consumer that stops
 * early (a client gone) ends the iteration.
 */
export function messagesCsv (messages: AsyncIterable<Message>, onError: (error: Error) => void): Readable {
  const csv = stringify({
    header: true,
    columns: [...messageCsvColumns],
    bom: true,
    record_delimiter: 'windows',
    // Any line break in a cell is quoted: csv-stringify quotes only the record delimiter (CRLF) itself,
    // and a lone LF or CR in a name would end the record for most readers.
    quoted_match: /[\r\n]/,
    cast: { string: guardFormula }
  })
  pipeline(Readable.from(messages, { objectMode: true }).map(csvRow), csv, error => { if (error != null) onError(error) })
  return csv
}
