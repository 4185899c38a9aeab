/** Conformance: runs as the engine drives them — start, claim, record, leases, finish, rerun. */
import type { RunError } from '../../schemas/campaign.js'
import { allMessages, allowed, anyStatus, claimIssued, contacts, draft, leaseFor, sendAll, sentOutcome, sleep, started, tenantA, tenantB, type Group } from './context.js'

const tokenExpired: RunError = { code: 190, title: 'Access token expired', message: 'Error validating access token' }

export function startRuns ({ test }: Group): void {
  test('runs: startRun sets the campaign running with one pending message per contact, in order', async (t, store) => {
    const campaign = draft({ parameters: ['{{name}}'], contacts: [...contacts(4)].reverse() })
    const { id } = await store.create(tenantA, campaign)
    const plan = allowed(await store.startRun(tenantA, id, ['draft']))
    t.strictSame({ ...plan, runId: 0 }, {
      tenant: tenantA, campaignId: id, runId: 0, templateName: 'diwali_offer', language: 'en', parameters: ['{{name}}'], totalCount: 4
    })
    t.ok(Number.isInteger(plan.runId) && plan.runId > 0, 'an integer run id')
    const summary = (await store.get(tenantA, id))!
    t.strictSame([summary.status, summary.totalCount, summary.successCount, summary.failedCount], ['running', 4, 0, 0])
    const messages = (await store.messages(tenantA, id, { limit: 10 }))!
    t.strictSame(messages.map(m => m.phone), campaign.contacts.map(c => c.phone), 'in the contact order')
    t.strictSame(messages.map(m => m.name), campaign.contacts.map(c => c.name))
    t.ok(messages.every((m, i) => i === 0 || m.position > messages[i - 1].position), 'positions ascend')
    t.ok(messages.every(m => m.status === 'pending' && m.messageId === null && m.attempts === 0 && m.error === undefined), 'all pending, untouched')
    t.strictSame(await store.activeRuns(), [plan])
  })

  test('runs: startRun is refused with the current status when not allowed, not_found when missing', async (t, store) => {
    const plan = await started(store, tenantA)
    t.strictSame(await store.startRun(tenantA, plan.campaignId, ['draft', 'completed', 'failed']), { ok: false, reason: 'status', status: 'running' })
    t.strictSame(await store.startRun(tenantA, plan.campaignId + 1, ['draft']), { ok: false, reason: 'not_found' })
    t.strictSame(await store.activeRuns(), [plan], 'still one run')
  })

  test('runs: of ten concurrent startRun calls exactly one wins', async (t, store) => {
    const { id } = await store.create(tenantA, draft())
    const results = await Promise.all(Array.from({ length: 10 }, async () => await store.startRun(tenantA, id, ['draft', 'completed', 'failed'])))
    t.equal(results.filter(r => r.ok).length, 1, 'one winner')
    t.ok(results.every(r => r.ok || (r.reason === 'status' && r.status === 'running')), 'the others see it running')
    t.equal((await store.activeRuns()).length, 1, 'one run')
    t.equal((await allMessages(store, tenantA, id)).length, 3, 'one message per contact, not per call')
  })

  test('runs: never two running runs of a campaign, even when the caller allows running', async (t, store) => {
    const plan = await started(store, tenantA)
    t.strictSame(await store.startRun(tenantA, plan.campaignId, ['draft', 'running']), { ok: false, reason: 'status', status: 'running' })
    t.strictSame(await store.activeRuns(), [plan])
  })

  test('runs: activeRuns lists the running runs of every tenant', async (t, store) => {
    const a = await started(store, tenantA)
    const b = await started(store, tenantB)
    const done = await started(store, tenantA)
    await store.finishRun(done, { status: 'completed' })
    t.strictSame((await store.activeRuns()).sort((x, y) => x.runId - y.runId), [a, b])
  })
}

export function claims ({ test }: Group): void {
  test('runs: claim takes due pending messages in position order and counts the attempt', async (t, store) => {
    const list = [{ phone: '919876500001', name: 'Asha', parameters: ['a'] }, ...contacts(4, 2)]
    const plan = await started(store, tenantA, draft({ contacts: list }))
    const first = await store.claim(plan, 2, leaseFor())
    t.strictSame(first.map(({ id, ...m }) => m), [
      { phone: '919876500001', name: 'Asha', parameters: ['a'], attempts: 1, pairRateRetries: 0 },
      { phone: list[1].phone, name: list[1].name, parameters: null, attempts: 1, pairRateRetries: 0 }
    ], "the contact's own name and parameters")
    const rest = await store.claim(plan, 10, leaseFor())
    t.strictSame(rest.map(m => m.phone), list.slice(2).map(c => c.phone))
    t.strictSame(await store.claim(plan, 10, leaseFor()), [], 'nothing left')
    t.strictSame(await store.claim(plan, 0, leaseFor()), [], 'a limit of 0 takes nothing')
  })

  test('runs: a claimed message shows as pending and is never claimed twice', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(10) }))
    const seen = new Set<number>()
    for (let batch = await store.claim(plan, 3, leaseFor()); batch.length > 0; batch = await store.claim(plan, 3, leaseFor())) {
      for (const { id } of batch) {
        t.ok(!seen.has(id), `message ${id} claimed once`)
        seen.add(id)
      }
    }
    t.equal(seen.size, 10)
    const messages = await allMessages(store, tenantA, plan.campaignId)
    t.ok(messages.every(m => m.status === 'pending' && m.attempts === 1), 'sending is pending to the outside')
    t.equal((await store.messages(tenantA, plan.campaignId, { status: 'pending', limit: 20 }))!.length, 10, 'and for the filter')
  })

  test('runs: concurrent claims never return the same message', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(40) }))
    const batches = await Promise.all(Array.from({ length: 6 }, async () => await store.claim(plan, 5, leaseFor())))
    const ids = batches.flat().map(m => m.id)
    t.equal(new Set(ids).size, ids.length, 'no message in two batches')
    const rest = await store.claim(plan, 100, leaseFor())
    t.equal(new Set([...ids, ...rest.map(m => m.id)]).size, 40, 'every message exactly once')
  })

  test('runs: progress counts pending, due and sending', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(4) }))
    t.strictSame(await store.progress(plan, new Date()), { status: 'running', pending: 4, due: 4, sending: 0, doubt: 0, nextDueAt: null })
    await store.claim(plan, 1, leaseFor())
    t.strictSame(await store.progress(plan, new Date()), { status: 'running', pending: 3, due: 3, sending: 1, doubt: 0, nextDueAt: null })
  })
}

export function outcomes ({ test }: Group): void {
  test('runs: record moves claimed messages and keeps the counters in step', async (t, store) => {
    const plan = await started(store, tenantA)
    const [a, b, c] = await store.claim(plan, 3, leaseFor())
    await store.record(plan, [
      { id: a.id, status: 'sent', messageId: 'wamid.A' },
      { id: b.id, status: 'failed', code: 131026, title: 'Message undeliverable' },
      { id: c.id, status: 'failed', code: 'NETWORK_ERROR', title: 'Connection reset' }
    ])
    const summary = (await store.get(tenantA, plan.campaignId))!
    t.strictSame([summary.totalCount, summary.successCount, summary.failedCount], [3, 1, 2])
    const messages = (await store.messages(tenantA, plan.campaignId, { limit: 10 }))!
    t.strictSame(messages.map(m => [m.status, m.messageId, m.error, m.attempts]), [
      ['sent', 'wamid.A', undefined, 1],
      ['failed', null, { code: 131026, title: 'Message undeliverable' }, 1],
      ['failed', null, { code: 'NETWORK_ERROR', title: 'Connection reset' }, 1]
    ], "Meta's codes stay numbers, ours words")
    t.ok(messages.every(m => new Date(m.updatedAt).toISOString() === m.updatedAt), 'ISO timestamps')
    t.strictSame(await store.progress(plan, new Date()), { status: 'running', pending: 0, due: 0, sending: 0, doubt: 0, nextDueAt: null })
  })

  test('runs: a message given two outcomes in one batch takes the first, counted once', async (t, store) => {
    const plan = await started(store, tenantA)
    const [message] = await store.claim(plan, 1, leaseFor())
    await store.record(plan, [
      { id: message.id, status: 'sent', messageId: 'wamid.first-recorded' },
      { id: message.id, status: 'failed', code: 131026, title: 'Undeliverable' }
    ])
    const summary = (await store.get(tenantA, plan.campaignId))!
    t.strictSame([summary.successCount, summary.failedCount], [1, 0], 'counted once')
    const [shown] = (await store.messages(tenantA, plan.campaignId, { limit: 1 }))!
    t.strictSame([shown.status, shown.messageId, shown.error ?? null], ['sent', 'wamid.first-recorded', null], 'as first recorded')
  })

  test('runs: recording the same outcomes twice changes nothing', async (t, store) => {
    const plan = await started(store, tenantA)
    const batch = await store.claim(plan, 3, leaseFor())
    const outcome = batch.map((m, i) => i === 0
      ? { id: m.id, status: 'failed' as const, code: 131026, title: 'Undeliverable' }
      : sentOutcome(m.id))
    await store.record(plan, outcome)
    const once = await store.get(tenantA, plan.campaignId)
    const messages = await store.messages(tenantA, plan.campaignId, { limit: 10 })
    await store.record(plan, outcome)
    await store.record(plan, [])
    t.strictSame(await store.get(tenantA, plan.campaignId), once)
    t.strictSame(await store.messages(tenantA, plan.campaignId, { limit: 10 }), messages)
    t.strictSame([once!.successCount, once!.failedCount], [2, 1])
  })

  test('runs: an outcome for a message that is not sending is ignored', async (t, store) => {
    const plan = await started(store, tenantA)
    const [claimed] = await store.claim(plan, 1, leaseFor())
    const unclaimedId = claimed.id + 1
    await store.record(plan, [
      { id: unclaimedId, status: 'sent', messageId: 'wamid.too-early' },
      { id: 987_654_321, status: 'sent', messageId: 'wamid.nobody' }
    ])
    const messages = (await store.messages(tenantA, plan.campaignId, { limit: 10 }))!
    t.ok(messages.every(m => m.status === 'pending' && m.messageId === null), 'nothing moved')
    t.equal((await store.get(tenantA, plan.campaignId))!.successCount, 0)
  })

  test('runs: retry puts the message back to pending with its attempt counted, due at notBefore', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(2) }))
    const [later, soon] = await store.claim(plan, 2, leaseFor())
    const notBefore = new Date(Date.now() + 3_600_000)
    await store.record(plan, [
      { id: later.id, status: 'retry', code: 131000, title: 'Something went wrong', notBefore },
      { id: soon.id, status: 'retry', code: 'NETWORK_ERROR', title: 'Timeout', notBefore: new Date(Date.now() - 1000) }
    ])
    const [first] = (await store.messages(tenantA, plan.campaignId, { limit: 1 }))!
    t.strictSame([first.status, first.attempts, first.error], ['pending', 1, { code: 131000, title: 'Something went wrong' }], 'the last error shows')
    t.strictSame(await store.progress(plan, new Date()), { status: 'running', pending: 2, due: 1, sending: 0, doubt: 0, nextDueAt: notBefore })
    const again = await store.claim(plan, 10, leaseFor())
    t.strictSame(again.map(m => [m.id, m.attempts]), [[soon.id, 2]], 'only the due one, second attempt')
    const summary = (await store.get(tenantA, plan.campaignId))!
    t.strictSame([summary.successCount, summary.failedCount], [0, 0], 'a retry is no outcome')
    await store.record(plan, [{ id: soon.id, status: 'sent', messageId: 'wamid.soon' }])
    const [, second] = (await store.messages(tenantA, plan.campaignId, { limit: 2 }))!
    t.strictSame([second.status, second.attempts, second.error], ['sent', 2, undefined], 'sent clears the error')
  })

  test('runs: pair-rate retries count apart; a claim says how many the message had', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(2) }))
    const [a, b] = await store.claim(plan, 2, leaseFor())
    t.strictSame([a.pairRateRetries, b.pairRateRetries], [0, 0])
    const retry = (id: number, pairRate?: boolean) => pairRate === undefined
      ? { id, status: 'retry' as const, code: 131000, title: 'Something went wrong', notBefore: new Date(Date.now() - 1000) }
      : { id, status: 'retry' as const, code: 131056, title: 'Pair rate limit hit', notBefore: new Date(Date.now() - 1000), pairRate }
    await store.record(plan, [retry(a.id, true), retry(b.id)])
    const again = await store.claim(plan, 2, leaseFor())
    t.strictSame(again.map(m => [m.id, m.attempts, m.pairRateRetries]), [[a.id, 2, 1], [b.id, 2, 0]])
    await store.record(plan, [retry(a.id, true), retry(b.id, false)])
    const third = await store.claim(plan, 2, leaseFor())
    t.strictSame(third.map(m => [m.id, m.attempts, m.pairRateRetries]), [[a.id, 3, 2], [b.id, 3, 0]], 'every attempt counts; only pair-rate ones count apart')
    const [message] = (await store.messages(tenantA, plan.campaignId, { limit: 1 }))!
    t.strictSame(message.error, { code: 131056, title: 'Pair rate limit hit' }, 'the last error shows')
  })

  test('runs: an unsent message goes back to pending at once, its attempt given back and its last error kept', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(2) }))
    const [a, b] = await store.claim(plan, 2, leaseFor())
    await store.record(plan, [{ id: a.id, status: 'retry', code: 131000, title: 'Something went wrong', notBefore: new Date(Date.now() - 1000) }, { id: b.id, status: 'unsent' }])
    const again = await store.claim(plan, 2, leaseFor())
    t.strictSame(again.map(m => [m.id, m.attempts]), [[a.id, 2], [b.id, 1]], 'the retry counts an attempt, the unsent one does not')
    await store.record(plan, again.map(m => ({ id: m.id, status: 'unsent' as const })))
    const messages = (await store.messages(tenantA, plan.campaignId, { limit: 2 }))!
    t.strictSame(messages.map(m => [m.status, m.attempts, m.error?.code]), [['pending', 1, 131000], ['pending', 0, undefined]], 'still pending, the earlier error kept')
    const summary = (await store.get(tenantA, plan.campaignId))!
    t.strictSame([summary.successCount, summary.failedCount], [0, 0], 'nothing counted')
    t.strictSame((await store.claim(plan, 2, leaseFor())).map(m => m.id), [a.id, b.id], 'due at once')
  })

  test('runs: an unsent message refused for a reason (Meta paused the run) shows it, its attempt given back', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(1) }))
    const [message] = await store.claim(plan, 1, leaseFor())
    await store.record(plan, [{ id: message.id, status: 'retry', code: 131000, title: 'Something went wrong', notBefore: new Date(Date.now() - 1000) }])
    const [again] = await store.claim(plan, 1, leaseFor())
    await store.record(plan, [{ id: again.id, status: 'unsent', error: { code: 131048, title: 'Spam rate limit hit' } }])
    const [shown] = (await store.messages(tenantA, plan.campaignId, { limit: 1 }))!
    t.strictSame([shown.status, shown.attempts, shown.error], ['pending', 1, { code: 131048, title: 'Spam rate limit hit' }], 'pending, one attempt, the reason shown')
    t.strictSame((await store.claim(plan, 1, leaseFor())).map(m => m.id), [message.id], 'due at once')
  })

  test('runs: a retried message is claimed again once notBefore has passed', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(1) }))
    const [message] = await store.claim(plan, 1, leaseFor())
    await store.record(plan, [{ id: message.id, status: 'retry', code: 130429, title: 'Rate limit hit', notBefore: new Date(Date.now() + 300) }])
    t.strictSame(await store.claim(plan, 1, leaseFor()), [], 'not yet')
    await sleep(400)
    t.strictSame((await store.claim(plan, 1, leaseFor())).map(m => m.attempts), [2])
  })

  test('runs: failExpiredLeases fails what ran out of lease as an unknown outcome, never resending it', async (t, store) => {
    const plan = await started(store, tenantA)
    const claimed = await claimIssued(store, plan, 2, leaseFor(60_000))
    t.equal(await store.failExpiredLeases(plan, new Date()), 0, 'leases still running')
    t.equal(await store.failExpiredLeases(plan, new Date(Date.now() + 120_000)), 2)
    const messages = (await store.messages(tenantA, plan.campaignId, { limit: 10 }))!
    t.strictSame(messages.map(m => [m.status, m.error?.code]), [['failed', 'UNKNOWN_OUTCOME'], ['failed', 'UNKNOWN_OUTCOME'], ['pending', undefined]])
    t.equal((await store.get(tenantA, plan.campaignId))!.failedCount, 2)
    t.strictSame((await store.claim(plan, 10, leaseFor())).map(m => m.phone), [contacts(3)[2].phone], 'only the one never sent')
    await store.record(plan, claimed.map(m => sentOutcome(m.id)))
    const summary = (await store.get(tenantA, plan.campaignId))!
    t.strictSame([summary.successCount, summary.failedCount], [0, 2], 'a late outcome changes nothing: failed is final')
    t.equal(await store.failExpiredLeases(plan, new Date(Date.now() + 120_000)), 1, 'the third, claimed with a 60 s lease')
    t.equal(await store.failExpiredLeases(plan, new Date(Date.now() + 120_000)), 0, 'each once')
  })
}

export function finishing ({ test }: Group): void {
  test('runs: finishRun completed sets the run and the campaign completed', async (t, store) => {
    const plan = await started(store, tenantA)
    await sendAll(store, plan, (id, i) => i === 1 ? { id, status: 'failed', code: 131026, title: 'Undeliverable' } : sentOutcome(id))
    await store.finishRun(plan, { status: 'completed' })
    const summary = (await store.get(tenantA, plan.campaignId))!
    t.strictSame([summary.status, summary.totalCount, summary.successCount, summary.failedCount, summary.error], ['completed', 3, 2, 1, undefined])
    t.strictSame(await store.activeRuns(), [])
  })

  test("runs: finishRun failed fails what is left with the run's reason; what was sending is unknown", async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(4) }))
    const [sent] = await store.claim(plan, 2, leaseFor())
    await store.record(plan, [{ id: sent.id, status: 'sent', messageId: 'wamid.1' }])
    await store.finishRun(plan, { status: 'failed', error: tokenExpired })
    const summary = (await store.get(tenantA, plan.campaignId))!
    t.strictSame([summary.status, summary.error], ['failed', tokenExpired])
    t.strictSame([summary.totalCount, summary.successCount, summary.failedCount], [4, 1, 3], 'every recipient counted once')
    const messages = (await store.messages(tenantA, plan.campaignId, { limit: 10 }))!
    t.strictSame(messages.map(m => [m.status, m.error?.code]), [['sent', undefined], ['failed', 'UNKNOWN_OUTCOME'], ['failed', 190], ['failed', 190]])
    t.equal(messages[2].error?.title, tokenExpired.title)
    t.strictSame(await store.claim(plan, 10, leaseFor()), [], 'nothing left to send')
    t.strictSame(await store.activeRuns(), [])
  })

  test('runs: finishRun completed with messages left fails them as not sent', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(2) }))
    await store.finishRun(plan, { status: 'completed' })
    const summary = (await store.get(tenantA, plan.campaignId))!
    t.strictSame([summary.status, summary.successCount, summary.failedCount, summary.error], ['completed', 0, 2, undefined])
    t.ok((await store.messages(tenantA, plan.campaignId, { limit: 10 }))!.every(m => m.status === 'failed' && m.error?.code === 'NOT_SENT'))
  })

  test('runs: finishing twice, or recording after the finish, changes nothing', async (t, store) => {
    const plan = await started(store, tenantA)
    const claimed = await store.claim(plan, 3, leaseFor())
    await store.finishRun(plan, { status: 'completed' })
    const finished = await store.get(tenantA, plan.campaignId)
    await store.finishRun(plan, { status: 'failed', error: tokenExpired })
    await store.record(plan, claimed.map(m => sentOutcome(m.id)))
    t.equal(await store.failExpiredLeases(plan, new Date(Date.now() + 3_600_000)), 0)
    t.strictSame(await store.get(tenantA, plan.campaignId), finished)
    t.strictSame([finished!.status, finished!.failedCount], ['completed', 3])
  })

  test('runs: a rerun is a new run with fresh counters; messages shows the latest run only', async (t, store) => {
    const first = await started(store, tenantA)
    await sendAll(store, first, (id, i) => i === 0 ? { id, status: 'failed', code: 131026, title: 'Undeliverable' } : sentOutcome(id))
    await store.finishRun(first, { status: 'completed' })
    await store.update(tenantA, first.campaignId, { contacts: contacts(2, 500) }, ['completed'])
    const second = allowed(await store.startRun(tenantA, first.campaignId, ['completed', 'failed']))
    t.ok(second.runId !== first.runId, 'a new run')
    t.equal(second.totalCount, 2)
    const summary = (await store.get(tenantA, first.campaignId))!
    t.strictSame([summary.status, summary.totalCount, summary.successCount, summary.failedCount], ['running', 2, 0, 0])
    const messages = await allMessages(store, tenantA, first.campaignId)
    t.strictSame(messages.map(m => [m.phone, m.status]), contacts(2, 500).map(c => [c.phone, 'pending']))
    t.strictSame(await store.activeRuns(), [second])
    t.strictSame(await store.claim(first, 10, leaseFor()), [], 'the old run has nothing to send')
    t.strictSame(await store.progress(first, new Date()), { status: 'completed', pending: 0, due: 0, sending: 0, doubt: 0, nextDueAt: null })
    await sendAll(store, second)
    await store.finishRun(second, { status: 'completed' })
    const after = (await store.get(tenantA, first.campaignId))!
    t.strictSame([after.status, after.successCount, after.failedCount], ['completed', 2, 0])
  })

  test('runs: the error comes from the latest run, and goes with a rerun', async (t, store) => {
    const first = await started(store, tenantA)
    await store.finishRun(first, { status: 'failed', error: { code: 'RUN_HALTED', title: 'Halted', message: 'The account is restricted' } })
    t.strictSame((await store.get(tenantA, first.campaignId))!.error, { code: 'RUN_HALTED', title: 'Halted', message: 'The account is restricted' })
    await store.startRun(tenantA, first.campaignId, ['failed'])
    const summary = (await store.get(tenantA, first.campaignId))!
    t.strictSame([summary.status, summary.error], ['running', undefined])
  })

  test('runs: message pages follow the position cursor and the status filter', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(7) }))
    await sendAll(store, plan, (id, i) => i % 3 === 0 ? { id, status: 'failed', code: 131026, title: 'Undeliverable' } : sentOutcome(id))
    const all = await allMessages(store, tenantA, plan.campaignId)
    t.strictSame(all.map(m => m.phone), contacts(7).map(c => c.phone))
    const firstPage = (await store.messages(tenantA, plan.campaignId, { limit: 3 }))!
    const secondPage = (await store.messages(tenantA, plan.campaignId, { limit: 3, after: firstPage[2].position }))!
    t.strictSame([...firstPage, ...secondPage], all.slice(0, 6))
    t.strictSame(await store.messages(tenantA, plan.campaignId, { limit: 3, after: all[6].position }), [], 'past the end')
    const failed = (await store.messages(tenantA, plan.campaignId, { status: 'failed', limit: 10 }))!
    t.strictSame(failed.map(m => m.phone), [0, 3, 6].map(i => contacts(7)[i].phone))
    const failedAfter = (await store.messages(tenantA, plan.campaignId, { status: 'failed', limit: 1, after: failed[0].position }))!
    t.strictSame(failedAfter.map(m => m.phone), [contacts(7)[3].phone])
    t.strictSame(await store.messages(tenantA, plan.campaignId, { status: 'pending', limit: 10 }), [])
  })
}

export function counters ({ test }: Group): void {
  test('runs: counters are the run\'s status and counts as kept with it; null for a run that is gone', async (t, store) => {
    const plan = await started(store, tenantA, draft({ contacts: contacts(3) }))
    t.strictSame(await store.counters(plan), { status: 'running', totalCount: 3, successCount: 0, failedCount: 0, skippedCount: 0 })
    const [first, second] = await store.claim(plan, 2, leaseFor())
    await store.record(plan, [sentOutcome(first.id), { id: second.id, status: 'failed', code: 131026, title: 'Undeliverable' }])
    t.strictSame(await store.counters(plan), { status: 'running', totalCount: 3, successCount: 1, failedCount: 1, skippedCount: 0 })
    t.strictSame(await store.counters({ ...plan, tenant: tenantB }), null, "another tenant's run is not there")
    allowed(await store.delete(tenantA, plan.campaignId, anyStatus))
    t.strictSame(await store.counters(plan), null, 'gone with its campaign')
  })
}
