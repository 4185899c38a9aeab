#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { startCloudApiFake } from './fake.js'

const usage = `Usage: whatsapp-cloud-fake [--port 4010] [--host 127.0.0.1] [--access-token sandbox-token]
  [--phone-number-id ID]... [--messages-per-second N] [--latency-ms N | MIN-MAX] [--log]
  [--webhook-url URL --app-secret SECRET]`

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    host: { type: 'string', default: '127.0.0.1' },
    'access-token': { type: 'string' },
    'phone-number-id': { type: 'string', multiple: true },
    'messages-per-second': { type: 'string' },
    'latency-ms': { type: 'string' },
    'webhook-url': { type: 'string' },
    'app-secret': { type: 'string' },
    log: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false }
  }
})

if (values.help) {
  console.log(usage)
  process.exit(0)
}
if ((values['webhook-url'] === undefined) !== (values['app-secret'] === undefined)) {
  console.error('--webhook-url and --app-secret go together\n' + usage)
  process.exit(2)
}

function latency (text: string | undefined): number | { min: number, max: number } | undefined {
  if (text === undefined) return undefined
  const [min, max] = text.split('-').map(Number)
  return max === undefined ? min : { min, max }
}

const fake = await startCloudApiFake({
  port: Number(values.port),
  host: values.host,
  accessToken: values['access-token'],
  phoneNumberIds: values['phone-number-id'],
  messagesPerSecond: values['messages-per-second'] === undefined ? undefined : Number(values['messages-per-second']),
  latencyMs: latency(values['latency-ms']),
  keepLog: false,
  webhooks: values['webhook-url'] === undefined ? undefined : { url: values['webhook-url'], appSecret: values['app-secret'] as string },
  logger: values.log
})
console.log(`WhatsApp Cloud API fake at ${fake.apiUrl} (token: ${values['access-token'] ?? 'sandbox-token'})`)

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => { void fake.close().then(() => process.exit(0)) })
}
