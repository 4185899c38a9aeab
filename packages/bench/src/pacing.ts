import { setTimeout as sleep } from 'node:timers/promises'
import Fastify from 'fastify'
import campaigns, { postgresStore } from 'fastify-whatsapp-campaigns'
import { Pool } from 'undici'
import type { BenchDatabase } from './database.js'
import { startFakeProcess, type FakeProcess } from './fake-process.js'
import { phoneFor, report } from './measure.js'
import { worstWindow } from './windows.js'

// A number of its own: a number's pacing state is kept in the database, and other benchmarks use theirs.
const phoneNumberId = '101'
const accessToken = 'bench-token'

/** What the fake saw of one sender over a measured span. */
interface PacingFigures {
  seconds: number
  accepted: number
  /** Accepted per second over the span. */
  rate: number
  /** The most requests (accepted or not) in any sliding second: what the sender offered. */
  worstReceived: number
  worstAccepted: number
  throttled: number
}

/**
 * Pacing at Meta's top tier: the engine configured for `limit` msg/s (only that: what a user sets)
 * against the fake with 100-300 ms answers and the same limit enforced (going over shows as 130429),
 * over `seconds` (BENCH_PACING_SECONDS, default 60). Beside it, measured in the same run: the
 * configured limit, and a bare timer-driven undici sender at the same limit (the machine's own
 * jitter), over up to 15 s. The fake runs in its own process, as Meta is elsewhere, and a thread in
 * front of it times each request as its first bytes come in (startFakeProcess with `judge`): arrivals
 * must not bunch when the sender's event loop stalls, nor when the fake's does.
 */
export async function benchPacing ({ db, query }: BenchDatabase, limit = 1000, seconds = Number(process.env.BENCH_PACING_SECONDS ?? 60)): Promise<void> {
  if (!(seconds > 0)) throw new Error(`BENCH_PACING_SECONDS must be a positive number (got ${process.env.BENCH_PACING_SECONDS})`)
  const fake = await startFakeProcess({ accessToken, messagesPerSecond: limit, latencyMs: { min: 100, max: 300 }, keepLog: 'outcomes' }, { judge: true })
  try {
    const baselineSeconds = Math.min(seconds, 15)
    const baseline = await measure(fake, baselineSeconds, async stop => { await barePacer(fake.apiUrl, limit, stop) })
    await fake.reset()

    const count = Math.ceil(limit * seconds * 1.2) + 1000
    const app = Fastify({ logger: { level: 'warn' } })
    await app.register(campaigns, {
      store: postgresStore(db),
      whatsapp: { apiUrl: fake.apiUrl, phoneNumberId, accessToken },
      sending: { messagesPerSecond: limit },
      maxContacts: count
    })
    await app.ready()
    const contacts = Array.from({ length: count }, (_, i) => ({ phone: phoneFor(i), name: `Contact ${i}` }))
    const campaign = await app.whatsappCampaigns.create('bench-pacing', { name: 'pacing', templateName: 'hello', contacts })
    let closed = false
    try {
      const engine = await measure(fake, seconds, async stop => {
        await app.whatsappCampaigns.run('bench-pacing', campaign.id)
        await stop
        // Stops claiming; what is in flight finishes (after the measured span, so it does not count).
        closed = true
        await app.close()
      })

      const percent = (figures: PacingFigures): string => `${(100 * figures.rate / limit).toFixed(1)}% of the limit`
      const row = (figures: PacingFigures): string =>
        `${figures.rate.toFixed(1)} msg/s (${percent(figures)}), worst second ${figures.worstReceived} received / ${figures.worstAccepted} accepted, ${figures.throttled} × 130429`
      report(`Pacing at a configured ${limit.toLocaleString('en')} msg/s, 100-300 ms API latency, the fake enforcing the same limit`, [
        ['configured limit (baseline)', `${limit.toLocaleString('en')} msg/s; no second may hold more`],
        ['the judge (a thread timing arrivals in front of the fake)', `${fake.priority} priority`],
        [`bare timer pacer, undici, ${baseline.seconds} s (baseline)`, row(baseline)],
        [`engine, ${engine.seconds} s`, row(engine)],
        ['ratio engine / limit', (engine.rate / limit).toFixed(3)],
        ['ratio engine / bare pacer', (engine.rate / baseline.rate).toFixed(3)],
        ['worst second / limit', `${(engine.worstReceived / limit).toFixed(3)} (target: at most 1)`]
      ])
    } finally {
      if (!closed) await app.close()
      // The run was stopped midway and is still `running`: another benchmark's engine would resume it.
      await query("DELETE FROM campaigns WHERE tenant = 'bench-pacing'")
    }
  } finally {
    await fake.close()
  }
}

/**
 * Runs `sender` (which must stop sending when `stop` resolves) and judges what the fake received over
 * `seconds` from its first request.
 */
async function measure (fake: FakeProcess, seconds: number, sender: (stop: Promise<void>) => Promise<void>): Promise<PacingFigures> {
  let stopNow: () => void = () => {}
  const stop = new Promise<void>(resolve => { stopNow = resolve })
  let failed: unknown
  const sending = sender(stop).catch((error: unknown) => { failed = error ?? new Error('the sender failed') })
  // The span starts at the first request the fake receives.
  let start: number | undefined
  while ((start = await fake.firstTime()) === undefined) {
    if (failed !== undefined) throw failed
    await sleep(5)
  }
  await sleep(start + seconds * 1000 - Date.now())
  stopNow()
  await sending
  if (failed !== undefined) throw failed
  const inSpan = (await fake.log()).filter(entry => entry.time >= start && entry.time < start + seconds * 1000)
  const accepted = inSpan.filter(entry => entry.accepted)
  return {
    seconds,
    accepted: accepted.length,
    rate: accepted.length / seconds,
    worstReceived: worstWindow(inSpan.map(entry => entry.time), 1000),
    worstAccepted: worstWindow(accepted.map(entry => entry.time), 1000),
    throttled: inSpan.filter(entry => entry.code === 130429).length
  }
}

/**
 * The simplest pacer that can keep the rate: send i goes at start + i / rate, fired without waiting for
 * the answers (enough connections for rate × the longest latency), catching up after a late timer.
 */
async function barePacer (apiUrl: string, rate: number, stop: Promise<void>): Promise<void> {
  const url = new URL(apiUrl)
  const pool = new Pool(url.origin, { connections: Math.ceil(rate * 0.5) })
  const path = `${url.pathname}/${phoneNumberId}/messages`
  const inFlight = new Set<Promise<void>>()
  let stopped = false
  void stop.then(() => { stopped = true })
  const start = performance.now()
  try {
    // eslint-disable-next-line no-unmodified-loop-condition -- stop's callback sets it while the loop awaits
    for (let i = 0; !stopped; i++) {
      const due = start + i * 1000 / rate
      const wait = due - performance.now()
      if (wait >= 1) await sleep(wait)
      const sending: Promise<void> = pool.request({
        path,
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to: phoneFor(i), type: 'template', template: { name: 'hello', language: { code: 'en' }, components: [{ type: 'body', parameters: [{ type: 'text', text: `Contact ${i}` }] }] } })
      }).then(async ({ body }) => { await body.dump() }, () => {}).finally(() => inFlight.delete(sending))
      inFlight.add(sending)
    }
    await Promise.all(inFlight)
  } finally {
    await pool.close()
  }
}
