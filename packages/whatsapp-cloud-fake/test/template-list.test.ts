import t from 'tap'
import Fastify from 'fastify'
import { request } from 'undici'
import { signatureOf, type CloudApiFake, type TemplateDefinition } from '../src/index.js'
import { TOKEN, fakeFor, post, templateSend } from './helpers.js'

async function list (fake: CloudApiFake, query = '', token: string | null = TOKEN, waba = fake.businessAccountId): Promise<{ status: number, json: any }> {
  const response = await request(`${fake.apiUrl}/${waba}/message_templates${query}`, {
    headers: token === null ? {} : { authorization: `Bearer ${token}` }
  })
  return { status: response.statusCode, json: await response.body.json() }
}

const orderUpdate: TemplateDefinition = {
  name: 'order_update',
  language: 'en',
  category: 'UTILITY',
  components: [
    { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://x.test/h.png'] } },
    { type: 'BODY', text: 'Hi {{1}}, order {{2}} is on its way', example: { body_text: [['Ana', '42']] } },
    { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Track', url: 'https://shop.test/track/{{1}}' }] }
  ]
}

t.test("the list in Meta's shape: components given or derived, ids as strings, language-less entries left out", async t => {
  const fake = await fakeFor(t, {
    templates: [orderUpdate, { name: 'welcome', language: 'en_US', bodyParameters: 1 }, { name: 'anything' }, { name: 'hi', language: 'de', status: 'PAUSED' }]
  })
  const { status, json } = await list(fake)
  t.equal(status, 200)
  t.same(json.data.map((d: any) => `${d.name}:${d.language}:${d.status}:${d.category}`), ['order_update:en:APPROVED:UTILITY', 'welcome:en_US:APPROVED:MARKETING', 'hi:de:PAUSED:MARKETING'])
  t.same(json.data[0].components, orderUpdate.components)
  t.match(json.data[1], { parameter_format: 'POSITIONAL', components: [{ type: 'BODY', text: /\{\{1\}\}/, example: { body_text: [['value 1']] } }] })
  t.match(json.data[0].id, /^\d{16}$/)
  t.equal(json.paging.next, undefined, 'one page')
  t.equal((await list(fake, '?status=PAUSED')).json.data.length, 1)
  t.same((await list(fake, '?name=welcome')).json.data.map((d: any) => d.name), ['welcome'])
})

t.test('pages: limit, the after cursor and a next URL that leads to the rest', async t => {
  const templates = Array.from({ length: 7 }, (_, i) => ({ name: `t${i}`, language: 'en' }))
  const fake = await fakeFor(t, { templates })
  const names: string[] = []
  let url: string | undefined = `${fake.apiUrl}/${fake.businessAccountId}/message_templates?limit=3`
  let pages = 0
  while (url !== undefined) {
    const response = await request(url, { headers: { authorization: `Bearer ${TOKEN}` } })
    const json: any = await response.body.json()
    names.push(...json.data.map((d: any) => d.name))
    url = json.paging?.next
    pages++
  }
  t.same(names, templates.map(x => x.name))
  t.equal(pages, 3)
  const second = await list(fake, `?limit=3&after=${(await list(fake, '?limit=3')).json.paging.cursors.after}`)
  t.same(second.json.data.map((d: any) => d.name), ['t3', 't4', 't5'])
  t.equal((await list(fake, '?after=nonsense')).status, 400)
  t.equal((await list(fake, '?limit=0')).json.error.code, 100)
})

t.test('the token is checked as on sends, and the account must be the fake\'s', async t => {
  const fake = await fakeFor(t, { templates: [orderUpdate], businessAccountId: '555000111' })
  t.equal(fake.businessAccountId, '555000111')
  t.match(await list(fake, '', null), { status: 401, json: { error: { code: 190 } } })
  t.match(await list(fake, '', 'wrong'), { status: 401, json: { error: { code: 190 } } })
  t.match(await list(fake, `?access_token=${TOKEN}`, null), { status: 200 })
  t.match(await list(fake, '', TOKEN, '999'), { status: 400, json: { error: { code: 100, error_subcode: 33 } } })
  const sandbox = await fakeFor(t)
  t.same((await list(sandbox)).json, { data: [] }, 'without templates: an empty list')
})

t.test('a derived or given BODY sets the count a send must carry', async t => {
  const fake = await fakeFor(t, { templates: [{ ...orderUpdate, name: 'welcome', language: 'en_US' }] })
  t.equal((await post(fake)).json.error.code, 132000, "the given BODY's two variables")
  const two = templateSend(undefined, { template: { name: 'welcome', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }] } })
  t.equal((await post(fake, { body: two })).status, 200)
})

t.test('setTemplateStatus changes sends and the list, and posts message_template_status_update', async t => {
  const received: any[] = []
  const app = Fastify()
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => { done(null, body) })
  app.post('/webhook', async request => {
    const raw = request.body as string
    received.push({ body: JSON.parse(raw), signed: request.headers['x-hub-signature-256'] === signatureOf(raw, 's') })
    return ''
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.teardown(() => app.close())
  const fake = await fakeFor(t, {
    templates: [{ name: 'welcome', language: 'en_US' }],
    businessAccountId: '777',
    webhooks: { url: `http://127.0.0.1:${(app.server.address() as { port: number }).port}/webhook`, appSecret: 's' }
  })
  t.throws(() => { fake.setTemplateStatus('nope', 'en', 'PAUSED') }, /no template nope \(en\)/)
  fake.setTemplateStatus('welcome', 'en_US', 'PAUSED', 'LOW_QUALITY')
  t.equal((await post(fake)).json.error.code, 132015)
  t.equal((await list(fake)).json.data[0].status, 'PAUSED')
  await fake.webhooks.idle()
  t.equal(received.length, 1)
  t.ok(received[0].signed)
  const id = (await list(fake)).json.data[0].id
  t.same(received[0].body, {
    object: 'whatsapp_business_account',
    entry: [{
      id: '777',
      changes: [{
        value: { event: 'PAUSED', message_template_id: Number(id), message_template_name: 'welcome', message_template_language: 'en_US', reason: 'LOW_QUALITY' },
        field: 'message_template_status_update'
      }]
    }]
  })
  t.equal(fake.webhooks.deliveries[0].templateStatuses, 1)
  fake.setTemplateStatus('welcome', 'en_US', 'APPROVED')
  t.equal((await post(fake)).status, 200)
  await fake.webhooks.idle()
  t.equal(received[1].body.entry[0].changes[0].value.reason, 'NONE')

  const quiet = await fakeFor(t, { templates: [{ name: 'welcome', language: 'en_US' }] })
  quiet.setTemplateStatus('welcome', 'en_US', 'DISABLED')
  t.equal((await post(quiet)).json.error.code, 132016, 'without webhooks only the status changes')
})
