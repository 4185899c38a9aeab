import t from 'tap'
import { periodOf } from '../web/src/forms/period.js'

const now = new Date('2026-06-15T12:00:00.000Z')

t.test('a preset ends now', async t => {
  t.same(periodOf({ preset: '7d', from: '', to: '' }, now), { from: '2026-06-08T12:00:00.000Z', to: '2026-06-15T12:00:00.000Z' })
  t.same(periodOf({ preset: '24h', from: '', to: '' }, now), { from: '2026-06-14T12:00:00.000Z', to: '2026-06-15T12:00:00.000Z' })
})

t.test('dates of one\'s choice are whole local days, the last included', async t => {
  const original = process.env.TZ
  t.teardown(() => { process.env.TZ = original })
  process.env.TZ = 'Asia/Kolkata'
  t.same(periodOf({ preset: 'custom', from: '2026-06-01', to: '2026-06-01' }, now), { from: '2026-05-31T18:30:00.000Z', to: '2026-06-01T18:30:00.000Z' })
  t.match(periodOf({ preset: 'custom', from: '2026-06-02', to: '2026-06-01' }, now), /ends before it starts/)
  t.match(periodOf({ preset: 'custom', from: '', to: '2026-06-01' }, now), /both dates/)
})
