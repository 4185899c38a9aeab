import t from 'tap'
import { browserZoneLabel, isoToSchedule, offsetOf, scheduleToIso } from '../web/src/forms/schedule.js'

// Each check runs in a zone of its own: the conversions must follow the browser's zone, whichever it is.
const zones = ['UTC', 'Asia/Kolkata', 'America/New_York', 'Australia/Adelaide']

t.test('a local time becomes ISO with the offset of that date, and back', async t => {
  const original = process.env.TZ
  t.teardown(() => { process.env.TZ = original })
  const expected: Record<string, [string, string]> = {
    UTC: ['2026-12-03T09:00:00+00:00', '2026-07-03T09:00:00+00:00'],
    'Asia/Kolkata': ['2026-12-03T09:00:00+05:30', '2026-07-03T09:00:00+05:30'],
    'America/New_York': ['2026-12-03T09:00:00-05:00', '2026-07-03T09:00:00-04:00'],
    'Australia/Adelaide': ['2026-12-03T09:00:00+10:30', '2026-07-03T09:00:00+09:30']
  }
  for (const zone of zones) {
    process.env.TZ = zone
    const [winter, summer] = expected[zone]
    t.equal(scheduleToIso('2026-12-03T09:00'), winter, `${zone}, December`)
    t.equal(scheduleToIso('2026-07-03T09:00'), summer, `${zone}, July`)
    t.equal(new Date(winter).getTime(), new Date(2026, 11, 3, 9, 0).getTime(), `${zone}: the same instant`)
    t.equal(isoToSchedule(winter), '2026-12-03T09:00', `${zone}: back to the field`)
    // ICU may name a zone by an older alias (Asia/Calcutta): the offset is what must match
    t.match(browserZoneLabel(new Date(winter)), `(UTC${winter.slice(-6)})`)
  }
})

t.test('an empty field is no schedule; a malformed one is refused', async t => {
  t.equal(scheduleToIso(''), null)
  t.equal(scheduleToIso('tomorrow'), undefined)
  t.equal(isoToSchedule(null), '')
  t.equal(isoToSchedule('garbage'), '')
})

t.test('offsets west of UTC and with half hours', async t => {
  const original = process.env.TZ
  t.teardown(() => { process.env.TZ = original })
  process.env.TZ = 'America/St_Johns'
  t.equal(offsetOf(new Date('2026-12-03T12:00:00Z')), '-03:30')
})
