import { setTimeout as sleep } from 'node:timers/promises'
import type { FastifyBaseLogger } from 'fastify'
import type { RunError } from '../schemas/campaign.js'
import type { CampaignStore, ClaimedMessage, MessageOutcome, RunPlan } from '../store/types.js'
import type { SendOutcome, WhatsAppSender } from '../whatsapp/types.js'
import { bodyParametersFor } from '../campaigns/parameters.js'
import { retryDelay } from './backoff.js'
import { OutcomeBuffer } from './outcome-buffer.js'
import type { Pacer } from './pacer.js'
import type { EngineSettings } from './settings.js'

export interface RunWorkerContext {
  plan: RunPlan
  store: CampaignStore
  sender: WhatsAppSender
  pacer: Pacer
  settings: EngineSettings
  log: FastifyBaseLogger
  /** Aborted when the process shuts down: the worker records what is in flight and leaves the run running. */
  stop: AbortSignal
}

/**
 * Sends one run: claims due recipients in small batches (about a second of sending each), sends them
 * paced and with bounded concurrency, and records outcomes in batches. Ends the run when nothing is
 * pending, or when Meta answers with an error that stops the run.
 */
export async function workRun (ctx: RunWorkerContext): Promise<void> {
  const { plan, store, settings, stop } = ctx
  const outcomes = new OutcomeBuffer(store, plan, settings.recordBatchSize, settings.recordIntervalMs, ctx.log)
  const inFlight = new Set<Promise<void>>()
  let halt: RunError | null = null

  const settle = (message: ClaimedMessage, outcome: SendOutcome): void => {
    const record = toOutcome(message, outcome, ctx)
    if (outcome.kind === 'halt') halt ??= { code: outcome.code, title: outcome.title, message: outcome.message }
    outcomes.add(record)
  }

  // Recipients claimed before a crash whose outcome was never recorded may have been sent: report them.
  await store.failExpiredLeases(plan, new Date())

  while (!stop.aborted && halt === null) {
    const claimSize = Math.max(1, Math.min(settings.recordBatchSize, Math.ceil(ctx.pacer.rate)))
    const batch = await store.claim(plan, claimSize, new Date(Date.now() + settings.leaseMs))
    if (batch.length === 0) {
      await Promise.all(inFlight)
      await outcomes.flush()
      if (halt !== null || stop.aborted) break
      if (await runIsDone(ctx)) {
        await store.finishRun(plan, { status: 'completed' })
        ctx.log.info({ campaignId: plan.campaignId, runId: plan.runId }, 'campaign run completed')
        return
      }
      continue
    }
    // A claimed batch is always sent through, even when stopping: it is about a second of work, and
    // leaving it claimed would turn it into in-doubt recipients after the restart.
    for (const [index, message] of batch.entries()) {
      if (halt !== null) {
        // Claimed here and certainly not sent: they fail for the run's reason, not as in doubt.
        const { code, title } = halt
        for (const unsent of batch.slice(index)) outcomes.add({ id: unsent.id, status: 'failed', code, title })
        break
      }
      await ctx.pacer.take()
      while (inFlight.size >= settings.concurrency) await Promise.race(inFlight)
      const sending: Promise<void> = send(message, ctx).then(outcome => settle(message, outcome))
        .finally(() => inFlight.delete(sending))
      inFlight.add(sending)
    }
  }

  await Promise.all(inFlight)
  await outcomes.flush()
  if (halt !== null) {
    await store.finishRun(plan, { status: 'failed', error: halt })
    ctx.log.warn({ campaignId: plan.campaignId, runId: plan.runId, error: halt }, 'campaign run stopped by the WhatsApp API')
  }
}

/** True when no recipient is left; otherwise waits until one may be due and says false. */
async function runIsDone (ctx: RunWorkerContext): Promise<boolean> {
  const now = new Date()
  const progress = await ctx.store.progress(ctx.plan, now)
  if (progress.pending === 0 && progress.sending === 0) return true
  if (progress.sending > 0) await ctx.store.failExpiredLeases(ctx.plan, now)
  const untilDue = progress.nextDueAt === null ? ctx.settings.idlePollMs : progress.nextDueAt.getTime() - now.getTime()
  // Due rows that could not be claimed are held by another worker for a moment.
  const wait = progress.due > 0 ? 10 : Math.max(1, Math.min(ctx.settings.idlePollMs, untilDue))
  await sleep(wait, undefined, { signal: ctx.stop }).catch(() => {})
  return false
}

async function send (message: ClaimedMessage, ctx: RunWorkerContext): Promise<SendOutcome> {
  try {
    return await ctx.sender.send({
      to: message.phone,
      templateName: ctx.plan.templateName,
      language: ctx.plan.language,
      bodyParameters: bodyParametersFor(message, ctx.plan.parameters)
    })
  } catch (error) {
    // A sender that throws may have sent: never resend it.
    ctx.log.error({ err: error, runId: ctx.plan.runId }, 'the WhatsApp sender threw')
    return { kind: 'unknown', code: 'UNKNOWN_OUTCOME', title: 'The send failed in an unexpected way; it may have been delivered' }
  }
}

function toOutcome (message: ClaimedMessage, outcome: SendOutcome, ctx: RunWorkerContext): MessageOutcome {
  const { id } = message
  switch (outcome.kind) {
    case 'sent':
      ctx.pacer.recover()
      return { id, status: 'sent', messageId: outcome.messageId }
    case 'retry':
      if (outcome.scope === 'number') ctx.pacer.slowDown()
      if (message.attempts >= ctx.settings.maxAttempts) return { id, status: 'failed', code: outcome.code, title: outcome.title }
      return {
        id,
        status: 'retry',
        code: outcome.code,
        title: outcome.title,
        notBefore: new Date(Date.now() + retryDelay(message.attempts, outcome.scope, ctx.settings))
      }
    case 'failed':
    case 'unknown':
    case 'halt':
      return { id, status: 'failed', code: outcome.code, title: outcome.title }
  }
}
