import t from 'tap'
import { nextPollMs, slowReadFactor } from '../web/src/lib/poll-interval.js'

t.test('a quick read polls at the page\'s interval', async t => {
  t.equal(nextPollMs(2000, 15), 2000)
  t.equal(nextPollMs(2000, 400), 2000, 'up to a fifth of the interval')
})

t.test('a slow read waits that many times its own length before the next', async t => {
  t.equal(slowReadFactor, 5)
  t.equal(nextPollMs(2000, 600), 3000)
  t.equal(nextPollMs(2000, 3200.4), 16_002, 'a read of seconds: one poll in six is reading')
})
