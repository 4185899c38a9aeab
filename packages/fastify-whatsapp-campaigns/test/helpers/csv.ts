/**
 * A reader of RFC 4180 CSV for the tests, written apart from the export's writer (csv-stringify) so
 * that a test reads the file as a spreadsheet would: quoted fields may hold commas, quotes (doubled)
 * and line breaks; records end with CRLF.
 */
export function parseCsv (text: string): string[][] {
  const records: string[][] = []
  let record: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (char === '"') {
        quoted = false
      } else {
        field += char
      }
    } else if (char === '"' && field === '') {
      quoted = true
    } else if (char === ',') {
      record.push(field)
      field = ''
    } else if (char === '\r' && text[i + 1] === '\n') {
      record.push(field)
      records.push(record)
      record = []
      field = ''
      i++
    } else if (char === '\r' || char === '\n') {
      throw new Error(`a bare line break outside quotes at ${i}: a reader would split the record there`)
    } else {
      field += char
    }
  }
  if (quoted) throw new Error('the file ends inside a quoted field')
  if (field !== '' || record.length > 0) throw new Error('the last record has no CRLF')
  return records
}
