import t from 'tap'
import { classifyContacts, prepareContacts } from '../src/campaigns/contacts.js'
import { phoneFor } from './helpers/app.js'

const rules = { maxContacts: 100_000 }
const phones = (count: number): Array<{ phone: string }> => Array.from({ length: count }, (_, i) => ({ phone: phoneFor(i) }))

t.test('the limit counts distinct phones: a duplicate more is kept once, a phone more is refused', async t => {
  const withDuplicate = prepareContacts([...phones(100_000), { phone: `+${phoneFor(7)}` }], rules)
  t.equal(withDuplicate.length, 100_000, '100,000 distinct phones and a duplicate')
  t.throws(() => prepareContacts(phones(100_001), rules), {
    code: 'WAC_TOO_MANY_CONTACTS',
    message: 'A campaign holds at most 100000 contacts (distinct phones); this list has more, in 100001 rows'
  })
})

t.test('a refused phone says what would make it pass', async t => {
  const reasonOf = (phone: string, defaultCountry?: 'IN'): string => {
    try {
      prepareContacts([{ phone }], { ...rules, defaultCountry })
    } catch (error: any) {
      return error.details[0].reason
    }
    return 'accepted'
  }
  t.match(reasonOf('98760 00001'), /add the country code \(e\.g\. 91 for India, 1 for the US\) or set defaultCountry/)
  t.equal(reasonOf('98760 00001', 'IN'), 'accepted')
  t.match(reasonOf('12345', 'IN'), /not a valid phone number of IN \(the default country\) nor with its country code/)
  t.match(reasonOf('+91 123'), /not a valid phone number for the country code it starts with/)
})

t.test('one classification for create and check: valid rows are what a create keeps, in order', async t => {
  const list = [
    { phone: `+${phoneFor(1)}`, name: ' A ' },
    { phone: 'nope' },
    { phone: phoneFor(1), name: 'again' },
    { phone: phoneFor(2), name: '   ', parameters: ['p'] }
  ]
  const rows = classifyContacts(list, rules)
  t.strictSame(rows.map(row => [row.index, row.verdict]), [[0, 'valid'], [1, 'invalid'], [2, 'duplicate'], [3, 'valid']])
  t.match(rows[2], { verdict: 'duplicate', firstIndex: 0, contact: { phone: phoneFor(1), name: 'again' } })
  t.match(rows[1], { verdict: 'invalid', phone: 'nope', name: null, reason: String })
  const valid = [...list.slice(0, 1), ...list.slice(2)]
  t.strictSame(prepareContacts(valid, rules), rows.flatMap(row => row.verdict === 'valid' ? [row.contact] : []),
    'a create of the list without its invalid row keeps exactly the valid rows')
  t.throws(() => prepareContacts(list, rules), { code: 'WAC_INVALID_CONTACTS', details: [{ index: 1, value: 'nope' }] })
  t.throws(() => classifyContacts(phones(3), { maxContacts: 2 }), { code: 'WAC_TOO_MANY_CONTACTS' }, 'the limit throws the same 400')
})
