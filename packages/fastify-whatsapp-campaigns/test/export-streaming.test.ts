/**
 * The CSV export streams: over real HTTP, the store is read a page at a time only as fast as the client
 * takes the file, and a client that goes away stops the reading. 100,000 recipients on the memory store.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { request } from 'undici'
import { memoryStore, type CampaignStore, type MessageQuery } from '../src/index.js'
import { messagesCsv } from '../src/routes/messages-csv.js'
import { buildTestApp, prefix } from './helpers/app.js'
import { awkwardContacts, seedRun } from './helpers/page-api-suite.js'

const recipients = 100_000
const base = memoryStore()
const { id } = await seedRun(base, 'default', awkwardContacts(recipients))
const pages: MessageQuery[] = []
const store: CampaignStore = { ...base, messages: async (tenant, campaign, query) => { pages.push(query); return await base.messages(tenant, campaign, query) } }

const { app } = await buildTestApp(t, { store })
const address = await app.listen({ host: '127.0.0.1', port: 0 })
const url = `${address}${prefix}/campaigns/${id}/messages.csv`

/** Pages of 1,000, and one more that finds the end: a run of whole pages cannot know it ended before it. */
const everyPage = recipients / 1000 + 1

t.test('the CSV stream reads a page only when its reader wants more: one or two ahead, whatever the run', async t => {
  pages.length = 0
  const csv = messagesCsv(await app.whatsappCampaigns.exportMessages('default', id), error => { throw error })
  const chunks = csv[Symbol.asyncIterator]()
  await chunks.next()
  await sleep(200)
  t.ok(pages.length <= 2, `${pages.length} pages read while the reader waits`)
  let rows = 0
  for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) rows++
  t.equal(pages.length, everyPage, 'then every page, once')
  t.ok(rows > 0)
})

t.test('over HTTP a slow client holds the reading back too, by the sockets\' buffers (the system\'s, not the run\'s)', async t => {
  pages.length = 0
  const response = await request(url)
  t.equal(response.statusCode, 200)
  const chunks = response.body[Symbol.asyncIterator]()
  let bytes = (await chunks.next()).value.length as number
  await sleep(300)
  const ahead = pages.length
  // What the kernel's send and receive buffers of a loopback connection hold (a few MB, more on a busy machine that grows them), never the whole run.
  t.ok(ahead >= 1 && ahead < everyPage * 0.8, `while the client waits, ${ahead} of ${everyPage} pages are read`)
  let lines = 0
  for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) {
    bytes += next.value.length
    for (let at = next.value.indexOf(10); at !== -1; at = next.value.indexOf(10, at + 1)) lines++
  }
  t.equal(pages.length, everyPage, 'then every page, once')
  t.ok(bytes > 5_000_000, `${bytes} bytes`)
  t.ok(lines >= recipients, 'every row came (names hold line breaks of their own, so there are more lines than rows)')
})

t.test('a client that goes away stops the reading', async t => {
  pages.length = 0
  const response = await request(url)
  const chunks = response.body[Symbol.asyncIterator]()
  await chunks.next()
  response.body.destroy()
  await sleep(300)
  const read = pages.length
  await sleep(300)
  t.equal(pages.length, read, `no page read after the client left (${read} read before)`)
  t.ok(read < recipients / 1000, 'nothing like the whole run')
})
