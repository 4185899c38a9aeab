/**
 * A sender of signed status webhooks alone in a process, for the ingestion benchmark (webhook-ingest.ts
 * starts it): the server it measures keeps the benchmark's own process, and a sender there would take
 * its event loop. Every body is built and signed before the measured span, so the span holds nothing
 * but the requests; `concurrency` workers share one keep-alive undici Pool, each sending its next body
 * once its last was answered (and, at a set rate, once it is due).
 *
 * Env: INGEST_SPEC, the JSON of a SenderSpec. Prints one JSON line (SenderResult).
 */
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { Pool } from 'undici'
import { metaJson, signatureOf } from 'whatsapp-cloud-fake'
import { requiredEnv } from './child-process.js'
import { phoneFor } from './measure.js'

export interface SenderSpec {
  /** Where to post: the server's origin and the route's path. */
  origin: string
  path: string
  appSecret: string
  /** The run whose messages the statuses name (their callback data, `wac1:<run>:<position>`). */
  runId: number
  /** A message's wamid is this and its position, as the benchmark recorded it. */
  wamidPrefix: string
  phoneNumberId: string
  /** The messages named: positions `first` to `first + count - 1` (`count` a multiple of `block`). */
  first: number
  count: number
  /** Statuses in each body. */
  perBody: number
  /**
   * Positions per block, a multiple of `perBody`: each block's `delivered` bodies go before its `read`
   * ones, far enough apart that a message's read is sent once its delivered was answered.
   */
  block: number
  concurrency: number
  /**
   * Bodies sent per second at most, as Meta posts what a run's sends produce: the n-th body goes no
   * sooner than n / rate seconds into the span, answered or not the ones before it (within
   * `concurrency`). Without it, each worker sends its next body once its last was answered.
   */
  bodiesPerSecond?: number
  /** The span: no body is sent after it. */
  seconds: number
  /** Send the bodies over again when they run out (for a server that stores nothing); else stop there. */
  repeat: boolean
}

export interface SenderResult {
  requests: number
  statuses: number
  /** Statuses of each kind in the bodies answered 200: the bodies are taken in order, so these are the first of each block. */
  delivered: number
  read: number
  /** The first request's time (Date.now()) and the span from it to the last answer. */
  startedAt: number
  ms: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  /** Answers other than 200 (sending stops at the first), and the first of them. */
  refused: number
  firstRefusal?: string
}

interface Body {
  payload: Buffer
  signature: string
  kind: 'delivered' | 'read'
  statuses: number
}

/** A status as Meta posts it: `pricing` on the delivered one only, as Meta gives it on one of delivered or read. */
function statusOf (spec: SenderSpec, position: number, kind: Body['kind'], timestamp: number): Record<string, unknown> {
  const status: Record<string, unknown> = {
    id: spec.wamidPrefix + String(position),
    status: kind,
    timestamp: String(timestamp),
    recipient_id: phoneFor(position - 1),
    biz_opaque_callback_data: `wac1:${spec.runId}:${position}`
  }
  if (kind === 'delivered') status.pricing = { billable: true, pricing_model: 'PMP', category: 'marketing', type: 'regular' }
  return status
}

function bodyOf (spec: SenderSpec, from: number, kind: Body['kind'], timestamp: number): Body {
  const statuses = Array.from({ length: spec.perBody }, (_, i) => statusOf(spec, from + i, kind, timestamp))
  const envelope = {
    object: 'whatsapp_business_account',
    entry: [{
      id: '880000000000001',
      changes: [{
        value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550001111', phone_number_id: spec.phoneNumberId }, statuses },
        field: 'messages'
      }]
    }]
  }
  const payload = Buffer.from(metaJson(envelope))
  return { payload, signature: signatureOf(payload, spec.appSecret), kind, statuses: spec.perBody }
}

/** Every body in sending order: per block, its delivered bodies, then its read ones a second later by Meta's clock. */
function bodiesOf (spec: SenderSpec): Body[] {
  if (spec.count % spec.block !== 0 || spec.block % spec.perBody !== 0) throw new Error(`count ${spec.count} must be a multiple of block ${spec.block}, and block of perBody ${spec.perBody}`)
  const bodies: Body[] = []
  const timestamp = Math.floor(Date.now() / 1000) - 60
  for (let block = spec.first; block < spec.first + spec.count; block += spec.block) {
    for (const [kind, at] of [['delivered', timestamp], ['read', timestamp + 1]] as const) {
      for (let from = block; from < block + spec.block; from += spec.perBody) bodies.push(bodyOf(spec, from, kind, at))
    }
  }
  return bodies
}

/** The value at `share` of the sorted `values` (nearest rank). */
function percentile (sorted: Float64Array, share: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))]
}

async function send (spec: SenderSpec): Promise<SenderResult> {
  const bodies = bodiesOf(spec)
  const pool = new Pool(spec.origin, { connections: spec.concurrency, pipelining: 1 })
  const latencies: number[] = []
  const result: SenderResult = { requests: 0, statuses: 0, delivered: 0, read: 0, startedAt: 0, ms: 0, p50Ms: 0, p99Ms: 0, maxMs: 0, refused: 0 }
  let next = 0
  let issued = 0
  const interval = spec.bodiesPerSecond === undefined ? 0 : 1000 / spec.bodiesPerSecond
  // A server that refuses is not ingesting: the benchmark fails on the first refusal, so the rest would only flood its log.
  let refused = false
  const start = performance.now()
  result.startedAt = Date.now()
  const deadline = start + spec.seconds * 1000
  const worker = async (): Promise<void> => {
    for (;;) {
      if (refused || performance.now() >= deadline) return
      if (next >= bodies.length) {
        if (!spec.repeat) return
        next = 0
      }
      const body = bodies[next++]
      const due = start + interval * issued++
      if (due > performance.now()) await sleep(due - performance.now())
      if (refused || performance.now() >= deadline) return
      const sent = performance.now()
      const { statusCode, body: answer } = await pool.request({
        path: spec.path,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': body.signature },
        body: body.payload
      })
      const text = await answer.text()
      latencies.push(performance.now() - sent)
      result.requests++
      if (statusCode !== 200) {
        result.refused++
        refused = true
        result.firstRefusal ??= `${statusCode}: ${text.slice(0, 300)}`
        continue
      }
      result.statuses += body.statuses
      result[body.kind] += body.statuses
    }
  }
  try {
    await Promise.all(Array.from({ length: spec.concurrency }, worker))
  } finally {
    await pool.close()
  }
  result.ms = performance.now() - start
  const sorted = Float64Array.from(latencies).sort()
  result.p50Ms = percentile(sorted, 0.5)
  result.p99Ms = percentile(sorted, 0.99)
  result.maxMs = sorted.at(-1) ?? 0
  return result
}

console.log(JSON.stringify(await send(JSON.parse(requiredEnv('INGEST_SPEC')) as SenderSpec)))
