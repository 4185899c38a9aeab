/**
 * The shared send timeline per sending number (the rules are in ../pacing.ts), one atomic statement
 * each. Not scoped by tenant, unlike every other query: the limit is Meta's per phone number,
 * whoever sends through it. The clock is the database's, the one every instance shares, read with
 * clock_timestamp() (the moment, not the transaction's start) and, when the row exists, after its
 * lock is taken: a reservation that queued behind another starts from when it got its turn.
 */
import type { SqlClient } from '../sql-client.js'
import { checkReservation, checkThrottle, rateRecovery, slowestThrottledRate, throttleQuietMs, type Reservation } from '../pacing.js'

const clockMs = '(extract(epoch FROM clock_timestamp()) * 1000)::float8'

export async function reserveSlots (db: SqlClient, numberKey: string, count: number, maxRate: number): Promise<Reservation> {
  checkReservation(count, maxRate)
  // A new number starts now at maxRate. A known one starts where its last reservation ended (or now,
  // if that is past), at its current rate, which wins back a little unless it was throttled within
  // the quiet time: SET sees the row as it was.
  const { rows: [row] } = await db.query<{ first_slot_at: number, interval_ms: number, now: number }>(
    `INSERT INTO campaign_send_pacing AS p (number_key, rate, reserved_at, reserved_from, interval_ms, next_slot_at)
     SELECT $1, $3::float8, clock.now, clock.now, 1000 / $3::float8, clock.now + $2::int * 1000 / $3::float8
       FROM (SELECT ${clockMs} AS now) clock
     ON CONFLICT (number_key) DO UPDATE
        SET (reserved_at, reserved_from, interval_ms, next_slot_at, rate) = (
              SELECT clock.now, slot.start, 1000 / slot.rate, slot.start + $2::int * 1000 / slot.rate,
                     least($3::float8, slot.rate * CASE WHEN p.throttled_at <= clock.now - $5::float8 THEN $4::float8 ELSE 1 END)
                FROM (SELECT ${clockMs} AS now) clock,
                     LATERAL (SELECT greatest(p.next_slot_at, clock.now) AS start, least($3::float8, p.rate) AS rate) slot)
     RETURNING reserved_from AS first_slot_at, interval_ms, reserved_at AS now`,
    [numberKey, count, maxRate, rateRecovery, throttleQuietMs]
  )
  return { firstSlotAt: Number(row.first_slot_at), intervalMs: Number(row.interval_ms), now: Number(row.now) }
}

export async function throttle (db: SqlClient, numberKey: string, factor: number): Promise<void> {
  checkThrottle(factor)
  // Slowed to `factor` of the rate, not below one a second (nor raised to it); once per quiet time, however many instances
  // saw the burst. next_slot_at stays: slots already handed out are never handed out again. A
  // number never reserved has no rate to slow, so there is nothing to insert.
  await db.query(
    `UPDATE campaign_send_pacing
        SET rate = least(rate, greatest($2::float8, rate * $4::float8)), throttled_at = clock.now
       FROM (SELECT ${clockMs} AS now) clock
      WHERE number_key = $1 AND throttled_at <= clock.now - $3::float8`,
    [numberKey, slowestThrottledRate, throttleQuietMs, factor]
  )
}
