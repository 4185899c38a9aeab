import swagger from '@fastify/swagger'
import t from 'tap'
import { memoryStore } from '../src/index.js'
import { buildTestApp, prefix } from './helpers/app.js'

interface Operation {
  summary?: string
  description?: string
  tags?: string[]
  parameters?: Array<{ in: string }>
  requestBody?: unknown
  responses: Record<string, { description?: string, content?: Record<string, { schema?: any }> }>
}

const { app, routes: registered } = await buildTestApp(t, {
  store: memoryStore(),
  plugin: { webhook: { appSecret: 'app-secret', verifyToken: 'verify-me' } },
  beforePlugin: async app => { await app.register(swagger, { openapi: { info: { title: 'campaigns', version: '0.0.0' } } }) }
})
/** Every route the plugin registers, as Fastify saw it (HEAD is Fastify's copy of each GET). */
const routes = registered.flatMap(route => [route.method].flat()
  .filter(method => method !== 'HEAD' && route.url.startsWith(prefix))
  .map(method => ({ method: method.toLowerCase(), url: route.url })))
const document = app.swagger() as unknown as { paths: Record<string, Record<string, Operation>> }
const pathOf = (url: string): string => url.replace(/:(\w+)/g, '{$1}')
const isErrorShape = (schema: any): boolean => ['statusCode', 'error', 'message', 'code'].every(key => schema?.properties?.[key] !== undefined)

t.test('the walk found every part of the API', async t => {
  const found = new Set(routes.map(route => `${route.method.toUpperCase()} ${route.url.slice(prefix.length)}`))
  for (const expected of [
    'POST /campaigns', 'GET /campaigns/:id', 'POST /campaigns/:id/run', 'POST /campaigns/:id/resume',
    'POST /campaigns/:id/preflight', 'POST /preflight', 'GET /templates',
    'GET /opt-outs', 'POST /opt-outs', 'DELETE /opt-outs/:phone',
    'GET /campaigns/:id/stats', 'GET /analytics', 'GET /campaigns/:id/messages.csv',
    'POST /contacts/check', 'POST /send-bulk', 'GET /webhook', 'POST /webhook'
  ]) t.ok(found.has(expected), expected)
})

for (const { method, url } of routes) {
  t.test(`${method.toUpperCase()} ${url}`, async t => {
    const operation = document.paths[pathOf(url)]?.[method]
    if (operation === undefined) return t.fail('is in the OpenAPI document')
    t.match(operation.summary, /\S{3}/, 'has a summary')
    t.ok((operation.tags ?? []).length > 0, 'has a tag')
    const statuses = Object.keys(operation.responses)
    const success = statuses.filter(status => /^2/.test(status))
    t.ok(success.length > 0, `documents its success (${statuses.join(', ')})`)
    for (const status of success) {
      const response = operation.responses[status]
      if (status === '204') continue
      t.ok(Object.values(response.content ?? {}).some(media => media.schema !== undefined), `${status} has a schema`)
    }
    for (const status of statuses.filter(status => /^[45]/.test(status))) {
      const media = Object.values(operation.responses[status].content ?? {})
      t.ok(media.length > 0 && media.every(entry => isErrorShape(entry.schema)), `${status} is in the error shape`)
    }
    const takesInput = (operation.parameters ?? []).length > 0 || operation.requestBody !== undefined
    if (takesInput) t.ok(statuses.includes('400'), 'documents the 400 of bad input')
    if (url.includes('/:id') || url.includes('/:phone')) t.ok(statuses.includes('404'), 'documents the 404 of what is not there')
    const isWebhook = url === `${prefix}/webhook`
    if (!isWebhook) t.ok(statuses.includes('429'), 'documents the 429 of the rate limit')
    if (operation.requestBody !== undefined) t.ok(statuses.includes('415'), 'documents the 415 of a body that is not JSON')
  })
}
