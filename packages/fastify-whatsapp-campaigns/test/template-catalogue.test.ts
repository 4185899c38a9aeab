import t from 'tap'
import { Agent, type Dispatcher } from 'undici'
import { startCloudApiFake } from 'whatsapp-cloud-fake'
import { TemplateCatalogue } from '../src/templates/catalogue.js'

/** Counts the requests the catalogue makes, over a real Agent. */
class CountingAgent extends Agent {
  paths: string[] = []
  override dispatch (options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    this.paths.push(String(options.path))
    return super.dispatch(options, handler)
  }
}

const token = 'a-long-enough-test-token'

async function setup (t: any, count: number, ttlMs = 60_000): Promise<{ catalogue: TemplateCatalogue, agent: CountingAgent, account: { apiUrl: string, accessToken: string, businessAccountId: string }, fake: Awaited<ReturnType<typeof startCloudApiFake>> }> {
  const fake = await startCloudApiFake({
    accessToken: token,
    businessAccountId: '4440004',
    templates: Array.from({ length: count }, (_, i) => ({ name: `t${i}`, language: i % 2 === 0 ? 'en' : 'pt_BR', bodyParameters: i % 3 }))
  })
  const agent = new CountingAgent()
  const catalogue = new TemplateCatalogue({ ttlMs, dispatcher: agent })
  t.teardown(async () => {
    await catalogue.close()
    await agent.close()
    await fake.close()
  })
  return { catalogue, agent, account: { apiUrl: fake.apiUrl, accessToken: token, businessAccountId: '4440004' }, fake }
}

t.test('every page is read, and readers at the same time share one read', async t => {
  const { catalogue, agent, account } = await setup(t, 230)
  const lists = await Promise.all(Array.from({ length: 10 }, async () => await catalogue.list(account)))
  t.equal(lists[0].length, 230)
  t.ok(lists.every(list => list === lists[0]), 'one list for all')
  t.equal(agent.paths.length, 3, '230 templates in pages of 100: three requests, for ten readers')
  t.ok(agent.paths.every(path => path.startsWith('/v23.0/4440004/message_templates?')))
  t.match(agent.paths[1], /after=/)
  t.match(await catalogue.find(account, 't4', 'en'), { name: 't4', language: 'en', body: { parameters: 1 } })
  t.equal(await catalogue.find(account, 't4', 'pt_BR'), undefined, 'by name and language')
  t.equal(agent.paths.length, 3, 'kept: no more reads')
})

t.test('kept for the TTL, then read again; a status change amends what is kept', async t => {
  const { catalogue, agent, account, fake } = await setup(t, 3, 150)
  await catalogue.list(account)
  catalogue.statusChanged({ businessAccountId: '4440004', name: 't0', language: 'en', status: 'PAUSED' })
  catalogue.statusChanged({ businessAccountId: '999', name: 't1', language: 'pt_BR', status: 'PAUSED' })
  t.match(await catalogue.find(account, 't0', 'en'), { status: 'PAUSED' })
  t.match(await catalogue.find(account, 't1', 'pt_BR'), { status: 'APPROVED' }, "another account's change is not ours")
  t.equal(agent.paths.length, 1)
  fake.setTemplateStatus('t2', 'en', 'DISABLED')
  await new Promise(resolve => setTimeout(resolve, 200))
  t.match(await catalogue.find(account, 't2', 'en'), { status: 'DISABLED' })
  t.match(await catalogue.find(account, 't0', 'en'), { status: 'APPROVED' }, 'read again: Graph says what it says')
  t.equal(agent.paths.length, 2)
})

t.test('a read that fails is a 502 naming the account, the token never in it, and nothing is kept', async t => {
  const { catalogue, agent, account } = await setup(t, 1)
  await t.rejects(catalogue.list({ ...account, accessToken: 'another-long-wrong-token' }), {
    statusCode: 502,
    code: 'WAC_TEMPLATES_UNAVAILABLE',
    message: /^The templates of WhatsApp business account 4440004 could not be read, so the template cannot be checked: the Graph API answered 401: Invalid OAuth access token/
  })
  await t.rejects(catalogue.list({ ...account, businessAccountId: '123' }), { statusCode: 502, message: /answered 400: Unsupported get request/ })
  const unreachable = { ...account, apiUrl: 'http://127.0.0.1:9/v23.0' }
  const error = await catalogue.list(unreachable).catch((e: Error) => e)
  t.match(error, { statusCode: 502, message: /the Graph API did not answer/ })
  t.notMatch((error as Error).message, token)
  t.equal((await catalogue.list(account)).length, 1, 'a failure is not kept')
  t.equal(agent.paths.length, 4)
})
