import t from 'tap'
import { SenderCache, type SenderAccount } from '../src/whatsapp/sender-cache.js'
import type { WhatsAppSender } from '../src/whatsapp/types.js'

/** Senders that say when they were closed, and with which token they were made. */
function cacheOfFakes () {
  const made: Array<{ token: string, closed: boolean }> = []
  const cache = new SenderCache((account: SenderAccount): WhatsAppSender => {
    const record = { token: account.accessToken, closed: false }
    made.push(record)
    return {
      send: async () => ({ kind: 'sent', messageId: `wamid.${record.token}` }),
      close: async () => { record.closed = true }
    }
  })
  return { cache, made }
}

const account = (accessToken: string, phoneNumberId = '555'): SenderAccount => ({ apiUrl: 'http://fake/v23.0', phoneNumberId, accessToken })

t.test('one sender per number and token, shared by its users', async t => {
  const { cache, made } = cacheOfFakes()
  const a = cache.lend(account('one'))
  const b = cache.lend(account('one'))
  t.equal(a.sender, b.sender, 'shared')
  t.equal(a.numberKey, 'http://fake/v23.0/555')
  const other = cache.lend(account('one', '777'))
  t.not(other.sender, a.sender, 'another number, another sender')
  t.equal(made.length, 2)
  a.release()
  b.release()
  t.equal(made[0].closed, false, 'kept for the next run while its token holds')
  await cache.close()
  t.strictSame(made.map(m => m.closed), [true, true], 'closed with the cache')
})

t.test('a changed token gets a new sender; the old one closes once its last user is done', async t => {
  const { cache, made } = cacheOfFakes()
  const first = cache.lend(account('old'))
  const second = cache.lend(account('old'))
  const renewed = cache.lend(account('new'))
  t.not(renewed.sender, first.sender)
  t.strictSame(made.map(m => [m.token, m.closed]), [['old', false], ['new', false]], 'the old one is still in use')
  t.equal(cache.openCount, 2)
  first.release()
  first.release()
  t.equal(made[0].closed, false, 'a second release by the same user counts once')
  second.release()
  t.equal(made[0].closed, true, 'dropped with its last user')
  t.equal(cache.openCount, 1)
  t.equal(cache.lend(account('new')).sender, renewed.sender, 'the new one is the number\'s now')
  await cache.close()
  t.equal(made[1].closed, true)
})

t.test('a token changed while nobody uses the old sender closes it at once', async t => {
  const { cache, made } = cacheOfFakes()
  cache.lend(account('old')).release()
  cache.lend(account('new'))
  t.strictSame(made.map(m => m.closed), [true, false])
  t.equal(cache.openCount, 1)
  await cache.close()
})
