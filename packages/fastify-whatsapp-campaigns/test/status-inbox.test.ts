/**
 * The StatusInbox and the WebhookIntake over a journal kept in this file's memory, whose calls the
 * test holds open or fails at will: what `add` waits for, the order and size of applies, what a
 * failure does, what close and the sweep leave. The journal of each store is in the conformance suite.
 */
import t from 'tap'
import type { FastifyBaseLogger } from 'fastify'
import type { DeliveryReports, IngestSummary, JournalEntry, StatusReport } from '../src/store/types.js'
import { IngestQueue } from '../src/webhooks/ingest-queue.js'
import { WebhookIntake } from '../src/webhooks/intake.js'
import { StatusInbox, type StatusInboxOptions } from '../src/webhooks/status-inbox.js'

const summary: IngestSummary = { matched: 0, early: 0, replies: 0, optedOut: 0, optedIn: 0 }
const statusesOf = (...wamids: string[]): StatusReport[] =>
  wamids.map(wamid => ({ wamid, origin: null, sentAt: null, deliveredAt: new Date(1000), readAt: null, failed: null }))

interface Logged { level: string, message: string }
function recordingLog (): { log: FastifyBaseLogger, logged: Logged[] } {
  const logged: Logged[] = []
  const at = (level: string) => (...args: unknown[]) => { logged.push({ level, message: String(args.find(arg => typeof arg === 'string')) }) }
  const log = { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), trace: at('trace'), fatal: at('fatal'), silent: () => {}, level: 'debug', child: () => log } as unknown as FastifyBaseLogger
  return { log, logged }
}

class Gate {
  private waiting: Array<() => void> = []
  private closed = false
  close (): void { this.closed = true }
  open (): void {
    this.closed = false
    for (const go of this.waiting.splice(0)) go()
  }

  async pass (): Promise<void> {
    if (this.closed) await new Promise<void>(resolve => this.waiting.push(resolve))
  }
}

/** A journal: entries stored until applied; each call can be made to wait (`hold`) or to fail (`failing`). */
class MemoryJournal {
  readonly entries = new Map<number, StatusReport[]>()
  readonly inserts: string[][] = []
  readonly applies: string[][] = []
  readonly applied: string[] = []
  readonly stranded: Array<{ before: Date, limit: number }> = []
  failing: { insert?: boolean, apply?: boolean } = {}
  /** Applies that hold this wamid fail, as a store fails on a status it cannot take. */
  poison: string | undefined
  private readonly holds = { insert: new Gate(), apply: new Gate() }

  /** Makes the next calls of that kind wait until released. */
  hold (kind: 'insert' | 'apply'): void { this.holds[kind].close() }
  release (kind: 'insert' | 'apply'): void { this.holds[kind].open() }
  private nextId = 1

  journalStatuses = async (statuses: StatusReport[]): Promise<number> => {
    this.inserts.push(statuses.map(s => s.wamid))
    await this.holds.insert.pass()
    if (this.failing.insert === true) throw new Error('journal down')
    const id = this.nextId++
    this.entries.set(id, statuses)
    return id
  }

  applyJournaled = async (entries: JournalEntry[]): Promise<IngestSummary> => {
    this.applies.push(entries.flatMap(entry => entry.statuses.map(s => s.wamid)))
    await this.holds.apply.pass()
    if (this.failing.apply === true) throw new Error('apply failed')
    if (entries.some(entry => entry.statuses.some(s => s.wamid === this.poison))) throw new Error('cannot take it')
    let matched = 0
    for (const entry of entries) {
      const statuses = this.entries.get(entry.id)
      if (statuses === undefined) continue
      this.entries.delete(entry.id)
      this.applied.push(...statuses.map(s => s.wamid))
      matched += statuses.length
    }
    return { ...summary, matched }
  }

  applyStrandedStatuses = async (before: Date, limit: number): Promise<number> => {
    this.stranded.push({ before, limit })
    const ids = [...this.entries.keys()].slice(0, limit)
    for (const id of ids) {
      this.applied.push(...this.entries.get(id)!.map(s => s.wamid))
      this.entries.delete(id)
    }
    return ids.length
  }
}

function inboxOver (journal: MemoryJournal, options: Partial<StatusInboxOptions> = {}): { inbox: StatusInbox, logged: Logged[] } {
  const { log, logged } = recordingLog()
  return { inbox: new StatusInbox({ journal, log, retryMs: 20, ...options }), logged }
}

const turn = async (): Promise<void> => { await new Promise(resolve => setImmediate(resolve)) }
async function until (condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise(resolve => setTimeout(resolve, 5))
}

t.test('add resolves once journaled, before the statuses are applied; a burst shares inserts, a second under way once enough waits; applies go oldest first, capped', async t => {
  const journal = new MemoryJournal()
  const { inbox } = inboxOver(journal, { statusesPerApply: 3, journalOverlapAt: 2 })
  journal.hold('insert')
  journal.hold('apply')
  const first = inbox.add(statusesOf('a'))
  const burst = [inbox.add(statusesOf('b', 'c')), inbox.add(statusesOf('d')), inbox.add(statusesOf('e'))]
  await turn()
  t.strictSame(journal.inserts, [['a'], ['b', 'c']], 'the first at once, the next once two statuses wait; the rest wait for them')
  journal.release('insert')
  await first
  await Promise.all(burst)
  t.strictSame(journal.inserts, [['a'], ['b', 'c'], ['d', 'e']], 'the rest in one insert')
  t.strictSame(journal.applied, [], 'all journaled and answered while the applies are held')
  journal.release('apply')
  await inbox.settled()
  t.strictSame(journal.applied, ['a', 'b', 'c', 'd', 'e'], 'every status applied, in the order it came')
  t.ok(journal.applies.every(apply => apply.length <= 3), 'no apply over the cap')
  await inbox.close()
})

t.test('by default a second insert opens only behind 64 waiting statuses: a burst of fewer waits for the first', async t => {
  const journal = new MemoryJournal()
  const { inbox } = inboxOver(journal)
  journal.hold('insert')
  const adds = [inbox.add(statusesOf('a')), ...Array.from({ length: 63 }, (_, i) => inbox.add(statusesOf(`b${i}`)))]
  await turn()
  t.equal(journal.inserts.length, 1, '63 waiting: one insert under way')
  adds.push(inbox.add(statusesOf('c')))
  await turn()
  t.equal(journal.inserts.length, 2, '64 waiting: a second beside it')
  t.equal(journal.inserts[1].length, 64)
  journal.release('insert')
  await Promise.all(adds)
  await inbox.close()
})

t.test('statuses that come within gatherMs share one apply; a caller of settled does not wait out the gathering', async t => {
  const journal = new MemoryJournal()
  const { inbox } = inboxOver(journal, { gatherMs: 200 })
  for (const wamid of ['a', 'b', 'c']) await inbox.add(statusesOf(wamid))
  t.strictSame(journal.inserts, [['a'], ['b'], ['c']], 'one at a time: an insert each')
  await until(() => journal.applied.length === 3)
  t.strictSame(journal.applies, [['a', 'b', 'c']], 'one apply for the three')
  await inbox.close()

  const patient = new MemoryJournal()
  const { inbox: slow } = inboxOver(patient, { gatherMs: 60_000 })
  await slow.add(statusesOf('x'))
  const started = Date.now()
  await slow.settled()
  t.ok(Date.now() - started < 10_000, 'settled ended the gathering')
  t.strictSame(patient.applied, ['x'])
  await slow.close()
})

t.test('settled waits for what was journaled before it, not for what comes after', async t => {
  const journal = new MemoryJournal()
  const { inbox } = inboxOver(journal)
  await inbox.add(statusesOf('a'))
  await inbox.settled()
  journal.hold('apply')
  await inbox.add(statusesOf('b'))
  let settled = false
  const waiting = inbox.settled().then(() => { settled = true })
  await turn()
  t.notOk(settled, 'b is journaled and its apply is held')
  journal.hold('insert')
  const after = inbox.add(statusesOf('c'))
  journal.release('apply')
  await waiting
  t.strictSame(journal.applied, ['a', 'b'], 'settled once b was applied; c, which came after, is not even journaled')
  journal.release('insert')
  await after
  await inbox.close()
  t.strictSame(journal.applied, ['a', 'b', 'c'])
})

t.test('an insert that fails rejects its callers (the route answers 503 and Meta sends again); the next one goes', async t => {
  const journal = new MemoryJournal()
  const { inbox } = inboxOver(journal)
  journal.failing.insert = true
  await t.rejects(inbox.add(statusesOf('lost')), /journal down/)
  journal.failing.insert = false
  await inbox.add(statusesOf('kept'))
  await inbox.settled()
  t.strictSame(journal.applied, ['kept'])
  await inbox.close()
})

t.test('an apply that fails is logged, leaves the entry journaled and is tried again; settled does not wait for the retry', async t => {
  const journal = new MemoryJournal()
  const { inbox, logged } = inboxOver(journal, { retryMs: 200 })
  journal.failing.apply = true
  await inbox.add(statusesOf('a'))
  await inbox.settled()
  t.strictSame(journal.applied, [], 'the attempt failed, and settled came back')
  t.equal(journal.entries.size, 1, 'still journaled')
  t.ok(logged.some(line => line.level === 'error' && /tried again/.test(line.message)), 'logged as an error')
  journal.failing.apply = false
  await until(() => journal.applied.length > 0)
  t.strictSame(journal.applied, ['a'], 'applied by the retry')
  await inbox.close()
})

t.test('an entry the store cannot apply is tried alone, then set aside, still journaled: the statuses after it are applied', async t => {
  const journal = new MemoryJournal()
  journal.poison = 'bad'
  const { inbox, logged } = inboxOver(journal, { retryMs: 10, gatherMs: 30 })
  journal.hold('apply')
  await inbox.add(statusesOf('a'))
  await inbox.add(statusesOf('bad'))
  await inbox.add(statusesOf('c', 'd'))
  journal.release('apply')
  await until(() => journal.applied.length === 3)
  t.strictSame(journal.applied, ['a', 'c', 'd'], 'everything but the entry that fails')
  t.strictSame([...journal.entries.values()].map(statuses => statuses.map(s => s.wamid)), [['bad']], 'which stays journaled')
  t.ok(logged.some(line => line.level === 'error' && /later sweep/.test(line.message)), 'said once it is set aside')
  await inbox.close()
})

t.test('close applies what was journaled; if that fails, the entries stay journaled for a sweep, with no retry', async t => {
  const journal = new MemoryJournal()
  const { inbox } = inboxOver(journal, { retryMs: 60_000 })
  journal.hold('insert')
  const added = inbox.add(statusesOf('a', 'b'))
  const closed = inbox.close()
  journal.release('insert')
  await added
  await closed
  t.strictSame(journal.applied, ['a', 'b'], 'a request under way when close began is journaled and applied')

  const failing = new MemoryJournal()
  const { inbox: second } = inboxOver(failing, { retryMs: 60_000 })
  failing.failing.apply = true
  await second.add(statusesOf('c'))
  const started = Date.now()
  await second.close()
  t.ok(Date.now() - started < 10_000, 'close did not wait out the retry pause')
  t.equal(failing.entries.size, 1, 'left journaled, for the next process')
})

t.test('back-pressure: past the backlog limit, add waits until the applier catches up', async t => {
  const journal = new MemoryJournal()
  const { inbox } = inboxOver(journal, { backlogLimit: 2 })
  journal.hold('apply')
  await inbox.add(statusesOf('a', 'b'))
  await until(() => journal.applies.length === 1)
  let third = false
  const next = inbox.add(statusesOf('c')).then(() => { third = true })
  await new Promise(resolve => setTimeout(resolve, 30))
  t.notOk(third, 'waits while two statuses are journaled and not applied')
  t.strictSame(journal.inserts, [['a', 'b']], 'not even journaled yet')
  journal.release('apply')
  await next
  await inbox.close()
  t.strictSame(journal.applied, ['a', 'b', 'c'])
})

t.test('start sweeps what a stopped process left, at once and then every strandedAfterMs, a page at a time', async t => {
  const journal = new MemoryJournal()
  for (let i = 0; i < 150; i++) journal.entries.set(1000 + i, statusesOf(`old${i}`))
  const { inbox, logged } = inboxOver(journal, { strandedAfterMs: 40 })
  const before = Date.now()
  inbox.start()
  await until(() => journal.entries.size === 0)
  t.equal(journal.applied.length, 150, 'all swept')
  t.strictSame(journal.stranded.slice(0, 2).map(call => call.limit), [100, 100], 'in pages')
  t.ok(journal.stranded[0].before.getTime() >= before, 'the first sweep takes everything there (this process has journaled nothing yet)')
  t.ok(logged.some(line => line.level === 'info' && /stopped process/.test(line.message)))
  const calls = journal.stranded.length
  await until(() => journal.stranded.length > calls)
  const later = journal.stranded[journal.stranded.length - 1]
  t.ok(later.before.getTime() <= Date.now() - 40, 'later sweeps leave entries younger than strandedAfterMs to their own process')
  await inbox.close()
  const closedAt = journal.stranded.length
  await new Promise(resolve => setTimeout(resolve, 100))
  t.equal(journal.stranded.length, closedAt, 'no sweep after close')
})

t.test('the intake: statuses to the journal; a reply after the statuses before it are applied, through the ingest queue, before it resolves', async t => {
  const journal = new MemoryJournal()
  const { inbox } = inboxOver(journal)
  const ingested: DeliveryReports[] = []
  const ingest = new IngestQueue({ ingest: async reports => { ingested.push(reports); return summary } })
  const intake = new WebhookIntake(ingest, inbox)
  intake.start()
  const reply: DeliveryReports = {
    statuses: statusesOf('s2'),
    inbound: [{ from: '16505551234', phoneNumberId: '1', at: new Date(2000), replyTo: 'wamid.s1', keyword: 'stop' }],
    preferences: [],
    other: []
  }
  journal.hold('apply')
  await intake.receive({ statuses: statusesOf('s1'), inbound: [], preferences: [], other: [] })
  t.strictSame(ingested, [], 'statuses alone never reach the ingest queue')
  const replied = intake.receive(reply)
  await new Promise(resolve => setTimeout(resolve, 20))
  t.strictSame(ingested, [], 'the reply waits while the statuses before it are not applied')
  journal.release('apply')
  await replied
  t.strictSame(journal.applied, ['s1', 's2'], 'the statuses before the reply were applied first')
  t.equal(ingested.length, 1)
  t.strictSame(ingested[0].statuses, [], 'the reply went without its statuses, which are journaled')
  t.equal(ingested[0].inbound.length, 1)
  await intake.close()
})

t.test('the intake over a store without a journal: everything through the ingest queue, before it resolves', async t => {
  const ingested: DeliveryReports[] = []
  const intake = new WebhookIntake(new IngestQueue({ ingest: async reports => { ingested.push(reports); return summary } }))
  intake.start()
  await intake.receive({ statuses: statusesOf('a'), inbound: [], preferences: [], other: [] })
  t.strictSame(ingested.map(reports => reports.statuses.map(s => s.wamid)), [['a']])
  await intake.close()
})
