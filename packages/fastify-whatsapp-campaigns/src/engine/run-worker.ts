import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyBaseLogger } from 'fastify'
import type { MessageError, RunError } from '../schemas/campaign.js'
import { cancelled, inDoubt } from '../store/codes.js'
import type { ClaimedMessage, DeliveryLedger, MessageOutcome, RunPlan, RunQueue } from '../store/types.js'
import { encodeCallbackData } from '../whatsapp/callback-data.js'
import type { SendOutcome, WhatsAppSender } from '../whatsapp/types.js'
import { bodyParametersFor } from '../campaigns/parameters.js'
import { retryDelay } from './backoff.js'
import { FailureWindow } from './failure-window.js'
import { IssueMarks } from './issue-marks.js'
import { OutcomeBuffer } from './outcome-buffer.js'
import { RunLog } from './run-log.js'
import { marketingLimitDelayMs, type EngineSettings } from './settings.js'
import type { SlotPacer } from './slot-pacer.js'

export interface RunWorkerContext {
  plan: RunPlan
  queue: RunQueue
  sender: WhatsAppSender
  pacer: SlotPacer
  settings: EngineSettings
  log: FastifyBaseLogger
  /** Aborted when the process shuts down: the worker records what is in flight and leaves the run running. */
  stop: AbortSignal
  /** A pause or a cancel made in this process, seen before each send (other processes see it at their next claim). */
  stoppedHere: () => 'pause' | 'cancel' | undefined
  /** Settles sends in doubt: a status webhook witnessed them, or their window passed. */
  doubts: Pick<DeliveryLedger, 'resolveDoubts'>
  /**
   * How long a send whose outcome was lost (a crash, a connection cut after the request was written)
   * waits in doubt for a status webhook to witness it; undefined without webhooks: such a send fails
   * as UNKNOWN_OUTCOME at once, never resent.
   */
  witnessWindowMs?: number
}

/**
 * Why a worker stops sending before the run is done: Meta stopped the run or asked us to pause it
 * (the worker tells the store), or a person paused or cancelled it (the store knows already).
 */
type Interruption = { kind: 'halt' | 'pause', error: RunError } | { kind: 'paused' } | { kind: 'cancelled', error: MessageError }

/** A claim covers about this much sending, so a pause or a cancel from any instance takes effect within a second. */
const claimSeconds = 0.5

/**
 * A claim's mark runs about this much sending ahead of its sends: what a kill can leave in doubt
 * beyond the requests in flight and the outcomes not yet recorded, for a few small writes a second.
 */
const markAheadSeconds = 0.1

/** The messages of one claim and the end of their lease, which names the claim's mark. */
interface Claim {
  messages: ClaimedMessage[]
  leaseUntil: Date
}

/**
 * Outcomes sent and not yet written that make the worker wait before its next claim: the sender never
 * runs more than a few statements ahead of the database, so memory stays flat and no outcome waits
 * anywhere near its lease.
 */
const mostUnrecorded = 4000

/**
 * Sends one run, sharing it with every other worker on the same run (in this process or another):
 * claims due recipients in small batches, sends them paced and with bounded concurrency, and records
 * outcomes in batches. Stops when nothing is left (and ends the run), when the run is no longer
 * `running` (paused, cancelled, or ended by another worker), or when Meta's answer stops or pauses it.
 *
 * The next batch is claimed while the current one is half sent, so that sending never waits for a
 * claim's round trip. Before a request is written, the claim's mark covers it (IssueMarks): a kill
 * leaves in doubt only what may have been written. Whatever the way out, a recipient claimed and not
 * sent is given back.
 */
export async function workRun (ctx: RunWorkerContext): Promise<void> {
  const { plan, queue, settings, stop } = ctx
  const outcomes = new OutcomeBuffer(queue, plan, settings.recordBatchSize, settings.recordIntervalMs, ctx.log)
  const inFlight = new Set<Promise<void>>()
  /** Wakes the sending loop waiting for a free connection (Promise.race over every send would cost one reaction each). */
  let connectionFreed: (() => void) | undefined
  let interruption: Interruption | null = null
  const runLog = new RunLog(plan, queue, ctx.log)
  const countersAtStart = await queue.counters(plan)
  const failuresAtStart = countersAtStart?.failedCount ?? 0
  runLog.started(countersAtStart)
  const failureWindow = settings.pauseOnFailureRate === false ? undefined : new FailureWindow(settings.pauseOnFailureRate)

  const settle = (message: ClaimedMessage, outcome: SendOutcome): void => {
    ctx.pacer.answered(outcome.kind === 'retry' && outcome.scope === 'number')
    if ((outcome.kind === 'halt' || outcome.kind === 'pause') && interruption === null) {
      interruption = { kind: outcome.kind, error: { code: outcome.code, title: outcome.title, message: outcome.message } }
    }
    const recorded = toOutcome(message, outcome, ctx)
    // A halt stops the run for its own reason; only the sends that ended judge the recipients' share.
    if (failureWindow !== undefined && outcome.kind !== 'halt' && (recorded.status === 'sent' || recorded.status === 'failed')) {
      if (failureWindow.add(recorded.status === 'failed') && interruption === null) interruption = { kind: 'pause', error: failureWindow.reason() }
    }
    outcomes.add(recorded)
  }
  const drain = async (): Promise<void> => {
    await Promise.all(inFlight)
    await outcomes.flush()
  }
  const claimSize = (): number => Math.min(1000, Math.max(1, Math.ceil(ctx.pacer.rate * claimSeconds)))
  const claim = (size: number): Promise<Claim> => {
    const leaseUntil = new Date(Date.now() + settings.leaseMs)
    const claiming = queue.claim(plan, size, leaseUntil).then(messages => ({ messages, leaseUntil }))
    // Awaited later, or given back if the worker leaves first: never an unhandled rejection.
    claiming.catch(() => {})
    return claiming
  }
  const markAhead = (): number => Math.max(1, Math.ceil(ctx.pacer.rate * markAheadSeconds))
  /** Claimed and not yet sent: the batch being sent from `nextToSend` on, and the batch claimed ahead. */
  let batch: ClaimedMessage[] = []
  let nextToSend = 0
  let claimedAhead: Promise<Claim> | undefined

  try {
    // Recipients claimed before a crash whose outcome was never recorded may have been sent: they wait
    // for their witness, or without webhooks are reported.
    await queue.failExpiredLeases(plan, new Date(), leaseExpiry(ctx))

    while (!stop.aborted && interruption === null) {
      await outcomes.backlogBelow(mostUnrecorded)
      const size = claimSize()
      const claimed = await (claimedAhead ?? claim(size))
      batch = claimed.messages
      nextToSend = 0
      claimedAhead = undefined
      const marks = new IssueMarks(queue, plan, batch, claimed.leaseUntil, markAhead())
      if (batch.length === 0) {
        await drain()
        if (interruption !== null || stop.aborted) break
        const state = await runState(ctx)
        if (state === 'done') {
          if (await queue.finishRun(plan, { status: 'completed' })) await runLog.ended('info', 'campaign run completed')
          else await runLog.ended('info', 'campaign run ended by another worker')
          return
        }
        if (state === 'stopped') {
          await runLog.ended('info', 'campaign run no longer running here')
          return
        }
        continue
      }
      // A short batch means the due recipients ran out: claim again only after it.
      const claimAheadAt = batch.length >= size ? Math.floor(batch.length / 2) : Infinity
      // Looked at while sending, like the claim: a round trip between batches would cost slots.
      let failureCheck: Promise<Interruption | null> | undefined
      for (const [index, message] of batch.entries()) {
        if (interruption !== null || stop.aborted) break
        if (index === claimAheadAt) {
          claimedAhead = claim(size)
          failureCheck = tooManyFailures(ctx, failuresAtStart)
          failureCheck.catch(() => {})
        }
        // A free connection first, then the slot: waiting after taking it would send late, in a burst.
        while (inFlight.size >= settings.concurrency) await new Promise<void>(resolve => { connectionFreed = resolve })
        await marks.allow(index)
        await ctx.pacer.take()
        const stoppedHere = ctx.stoppedHere()
        if (stoppedHere !== undefined && interruption === null) {
          interruption = stoppedHere === 'cancel' ? { kind: 'cancelled', error: cancelled } : { kind: 'paused' }
          break
        }
        nextToSend = index + 1
        const sending: Promise<void> = send(message, ctx).then(outcome => settle(message, outcome))
          .finally(() => {
            inFlight.delete(sending)
            connectionFreed?.()
            connectionFreed = undefined
          })
        inFlight.add(sending)
      }
      interruption ??= await (failureCheck ?? tooManyFailures(ctx, failuresAtStart))
    }
  } finally {
    // Not sent: a halt or a cancel fails them for its reason, anything else puts them back.
    const notSent = [...batch.slice(nextToSend), ...(claimedAhead === undefined ? [] : (await claimedAhead.catch(() => undefined))?.messages ?? [])]
    for (const message of notSent) outcomes.add(unsentOutcome(message, interruption))
    // On an error the worker restarts: what it sent is still recorded, by the buffer's own timer.
    if (notSent.length > 0) void outcomes.flush()
  }

  await drain()
  if (interruption?.kind === 'halt') {
    const { error } = interruption
    if (await queue.finishRun(plan, { status: 'failed', error })) await runLog.ended('warn', 'campaign run stopped by the WhatsApp API', { error })
  } else if (interruption?.kind === 'pause') {
    const { error } = interruption
    // Paused here meanwhile (a person, a template's status webhook): the run may have been resumed
    // since, while this worker drained, and its late pause would stop the resumed run.
    if (ctx.stoppedHere() === 'pause') await runLog.ended('info', 'campaign run paused')
    else if (await queue.pauseRun(plan, error)) await runLog.ended('warn', 'campaign run paused itself', { error })
  } else if (interruption !== null) {
    await runLog.ended('info', `campaign run ${interruption.kind}`)
  } else if (stop.aborted) {
    await runLog.ended('info', 'campaign run left running for the next start (shutting down)')
  }
}

/** 'done' when no recipient is left, 'stopped' when the run is no longer running; otherwise waits a little. */
async function runState (ctx: RunWorkerContext): Promise<'done' | 'stopped' | 'wait'> {
  const now = new Date()
  const progress = await ctx.queue.progress(ctx.plan, now)
  if (progress.status !== 'running') return 'stopped'
  if (progress.pending === 0 && progress.sending === 0 && progress.doubt === 0) return 'done'
  if (progress.sending > 0) await ctx.queue.failExpiredLeases(ctx.plan, now, leaseExpiry(ctx))
  if (progress.doubt > 0 && await resolveDoubts(ctx, now) > 0) return 'wait'
  const untilDue = progress.nextDueAt === null ? ctx.settings.idlePollMs : progress.nextDueAt.getTime() - now.getTime()
  if (progress.due === 0 && progress.sending === 0 && progress.doubt === 0 && untilDue > longWaitMs) waitingLong(ctx, progress.pending, progress.nextDueAt)
  // Due rows that could not be claimed are held by another worker for a moment.
  const wait = progress.due > 0 ? 10 : Math.max(1, Math.min(ctx.settings.idlePollMs, untilDue))
  await sleep(wait, undefined, { signal: ctx.stop }).catch(() => {})
  return 'wait'
}

/** A run idle for longer than this says so in the log, once per worker: its recipients wait for their time (131049 retried a day later). */
const longWaitMs = 60_000
const saidWaiting = new WeakSet<RunWorkerContext>()

function waitingLong (ctx: RunWorkerContext, pending: number, until: Date | null): void {
  if (saidWaiting.has(ctx)) return
  saidWaiting.add(ctx)
  ctx.log.info({ campaignId: ctx.plan.campaignId, runId: ctx.plan.runId, pending, until }, 'campaign run still running: its last recipients wait for their retry time')
}

function leaseExpiry (ctx: RunWorkerContext): 'fail' | 'doubt' {
  return ctx.witnessWindowMs === undefined ? 'fail' : 'doubt'
}

/**
 * Settles the run's sends in doubt whose window has passed (without webhooks, at once: no witness is
 * coming). Returns how many went back to pending, to be claimed at once.
 */
async function resolveDoubts (ctx: RunWorkerContext, now: Date): Promise<number> {
  const resolution = await ctx.doubts.resolveDoubts(ctx.plan, now, ctx.witnessWindowMs ?? 0)
  if (resolution.witnessed + resolution.resent + resolution.failed > 0) {
    ctx.log.warn({ campaignId: ctx.plan.campaignId, runId: ctx.plan.runId, ...resolution }, 'sends in doubt settled: witnessed ones are sent, the others sent again or failed')
  }
  return resolution.resent
}

async function tooManyFailures (ctx: RunWorkerContext, failuresAtStart: number): Promise<Interruption | null> {
  const threshold = ctx.settings.pauseAfterFailures
  if (threshold === 0) return null
  const failed = ((await ctx.queue.counters(ctx.plan))?.failedCount ?? 0) - failuresAtStart
  if (failed < threshold) return null
  return {
    kind: 'pause',
    error: {
      code: 'FAILURE_THRESHOLD',
      title: 'Too many recipients failed',
      message: `${failed} recipients failed since the run started (the threshold is ${threshold}), so it paused itself: look at the failures, then resume or cancel.`
    }
  }
}

async function send (message: ClaimedMessage, ctx: RunWorkerContext): Promise<SendOutcome> {
  try {
    return await ctx.sender.send({
      to: message.phone,
      templateName: ctx.plan.templateName,
      language: ctx.plan.language,
      bodyParameters: bodyParametersFor(message, ctx.plan.parameters),
      callbackData: encodeCallbackData({ runId: ctx.plan.runId, id: message.id })
    })
  } catch (error) {
    // A sender that throws may have sent: never resend it.
    ctx.log.error({ err: error, runId: ctx.plan.runId }, 'the WhatsApp sender threw')
    return { kind: 'unknown', code: 'UNKNOWN_OUTCOME', title: 'The send failed in an unexpected way; it may have been delivered' }
  }
}

/** A recipient claimed but not sent when the worker stopped: failed when the run stopped for good, else given back. */
function unsentOutcome (message: ClaimedMessage, interruption: Interruption | null): MessageOutcome {
  if (interruption?.kind === 'halt' || interruption?.kind === 'cancelled') {
    const { code, title } = interruption.error
    return { id: message.id, status: 'failed', code, title }
  }
  return { id: message.id, status: 'unsent' }
}

/** The one place an answer becomes what is stored: retry budgets and backoff are decided here. */
function toOutcome (message: ClaimedMessage, outcome: SendOutcome, ctx: RunWorkerContext): MessageOutcome {
  const { id } = message
  const { settings } = ctx
  switch (outcome.kind) {
    case 'sent':
      return { id, status: 'sent', messageId: outcome.messageId }
    case 'retry': {
      const { code, title } = outcome
      if (outcome.scope === 'recipient') {
        const retries = message.pairRateRetries + 1
        if (retries > settings.maxPairRateRetries) return { id, status: 'failed', code, title }
        return { id, status: 'retry', code, title, pairRate: true, notBefore: new Date(Date.now() + retryDelay(retries, 'recipient', settings)) }
      }
      if (outcome.scope === 'number') void ctx.pacer.throttle().catch((error: unknown) => ctx.log.error({ err: error }, 'could not throttle'))
      const attempts = message.attempts - message.pairRateRetries
      if (attempts >= settings.maxAttempts) return { id, status: 'failed', code, title }
      return { id, status: 'retry', code, title, notBefore: new Date(Date.now() + retryDelay(attempts, outcome.scope, settings)) }
    }
    case 'user-limit': {
      const { code } = outcome
      const retryAt = new Date(Date.now() + marketingLimitDelayMs)
      if (settings.marketingLimitRetry === 'later') return { id, status: 'retry', code, title: outcome.title, notBefore: retryAt }
      return { id, status: 'failed', code, title: `${outcome.title}: Meta's per-user marketing limit; send it again with Retry failed no sooner than ${retryAt.toISOString()}` }
    }
    case 'pause':
      // Nothing is wrong with this recipient: it waits for the resume like the rest, its attempts
      // untouched (else a few pauses would use up its budget without it ever being tried).
      return { id, status: 'unsent', error: { code: outcome.code, title: outcome.title } }
    case 'unknown':
      // Its status webhook will say whether Meta took it.
      if (ctx.witnessWindowMs !== undefined) return { id, status: 'doubt', code: inDoubt.code, title: inDoubt.title }
      return { id, status: 'failed', code: outcome.code, title: outcome.title }
    case 'failed':
      if (outcome.optOut === true) return { id, status: 'failed', code: outcome.code, title: outcome.title, optOut: true }
      return { id, status: 'failed', code: outcome.code, title: outcome.title }
    case 'halt':
      return { id, status: 'failed', code: outcome.code, title: outcome.title }
  }
}
