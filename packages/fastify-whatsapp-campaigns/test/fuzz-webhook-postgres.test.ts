import { Type, type TSchema } from '@sinclair/typebox'
import fc from 'fast-check'
import t from 'tap'
import { postgresStore } from '../src/index.js'
import { WebhookError, WebhookMessage, WebhookPreference, WebhookStatus } from '../src/schemas/webhook-body.js'
import { QualityUpdateValue } from '../src/webhooks/quality-signals.js'
import { signWebhookBody } from '../src/whatsapp/webhook-signature.js'
import { buildTestApp, contactsFor, phoneFor, prefix, waitForStatus } from './helpers/app.js'
import { hostileString, hostileValue, shapedLike } from './helpers/hostile.js'
import { answerProblem } from './helpers/hostile-requests.js'
import { freshDatabase, postgresUrl, skipWithoutPostgres } from './helpers/postgres.js'

/*
 * The webhook route under bodies signed with the app secret, so that they get past the signature to
 * the parsing and the store: any JSON, and bodies shaped like Meta's with wrong types inside. Always a
 * 200 or a 4xx; and once the app is closed, nothing left half: the status journal applied to the last
 * entry, and no error logged.
 */
const runs = Number(process.env.FUZZ_RUNS ?? 80) * 10
const appSecret = 'fuzz-secret'
const phoneNumberId = '100200300'

const change = (field: string, value: TSchema) => Type.Object({ field: Type.Literal(field), value })
const MetaBody = Type.Object({
  object: Type.Literal('whatsapp_business_account'),
  entry: Type.Array(Type.Object({
    id: Type.String(),
    changes: Type.Array(Type.Union([
      change('messages', Type.Object({
        messaging_product: Type.Literal('whatsapp'),
        metadata: Type.Object({ display_phone_number: Type.String(), phone_number_id: Type.String() }),
        statuses: Type.Optional(Type.Array(WebhookStatus)),
        messages: Type.Optional(Type.Array(WebhookMessage)),
        errors: Type.Optional(Type.Array(WebhookError))
      })),
      change('user_preferences', Type.Object({
        metadata: Type.Object({ phone_number_id: Type.String() }),
        user_preferences: Type.Array(WebhookPreference)
      })),
      change('message_template_status_update', Type.Object({
        event: Type.Union([Type.Literal('APPROVED'), Type.Literal('PAUSED'), Type.Literal('DISABLED'), Type.String()]),
        message_template_id: Type.Integer(),
        message_template_name: Type.String(),
        message_template_language: Type.String(),
        reason: Type.Union([Type.String(), Type.Null()])
      })),
      change('phone_number_quality_update', QualityUpdateValue),
      change('account_update', Type.Unknown())
    ]))
  }))
})

if (postgresUrl === undefined) {
  skipWithoutPostgres(t)
} else {
  const { pool } = await freshDatabase(t)
  const errors: string[] = []
  const { app } = await buildTestApp(t, {
    store: postgresStore(pool),
    plugin: { rateLimit: false, webhook: { appSecret } },
    log: line => { if (JSON.parse(line).level >= 50) errors.push(line) }
  })

  // Messages for statuses to reach, and a campaign running from the number for a quality update to pause.
  const created = (await app.inject({ method: 'POST', url: `${prefix}/campaigns`, payload: { name: 'sent', templateName: 'hello', contacts: contactsFor(6) } })).json()
  await app.inject({ method: 'POST', url: `${prefix}/campaigns/${created.id as number}/run` })
  await waitForStatus(app, created.id, ['completed'])
  const wamids = (await pool.query('SELECT wamid FROM campaign_messages WHERE wamid IS NOT NULL ORDER BY wamid')).rows.map(row => row.wamid as string)
  t.equal(wamids.length, 6, 'statuses have messages to name')

  // Values real traffic carries, beside the hostile ones: ids of sent messages, the number, its recipients.
  const named = {
    id: fc.oneof(fc.constantFrom(...wamids), hostileString),
    phone_number_id: fc.oneof(fc.constant(phoneNumberId), hostileString),
    recipient_id: fc.integer({ min: 0, max: 7 }).map(phoneFor),
    from: fc.integer({ min: 0, max: 7 }).map(phoneFor),
    wa_id: fc.integer({ min: 0, max: 7 }).map(phoneFor),
    body: fc.constantFrom('STOP', 'stop', 'START', 'hello', 'ストップ', '\u0000STOP', 'STOP\ud800')
  }
  const bodies = fc.oneof(
    { arbitrary: shapedLike(MetaBody, { named, wrongTypeInTen: 0 }).map(value => JSON.stringify(value)), weight: 3 },
    { arbitrary: shapedLike(MetaBody, { named }).map(value => JSON.stringify(value)), weight: 4 },
    { arbitrary: hostileValue.map(value => JSON.stringify(value)), weight: 2 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 60 }), weight: 1 }
  )

  t.test('signed hostile bodies: a 200 or a 4xx in the error shape, never a 5xx', async t => {
    const answered: Record<number, number> = {}
    await fc.assert(fc.asyncProperty(bodies, async body => {
      const response = await app.inject({
        method: 'POST',
        url: `${prefix}/webhook`,
        payload: body,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhookBody(body, appSecret) }
      })
      answered[response.statusCode] = (answered[response.statusCode] ?? 0) + 1
      const problem = answerProblem(response, 'POST')
      if (problem !== undefined) throw new Error(problem)
      if (response.statusCode !== 200 && response.statusCode >= 300 && response.statusCode < 400) throw new Error(`answered ${response.statusCode}`)
    }), { numRuns: runs, includeErrorInReport: true })
    t.ok((answered[200] ?? 0) > runs / 4, `taken often enough to reach the store: ${JSON.stringify(answered)}`)
  })

  t.test('closed, it left nothing half: the journal applied, no error logged', async t => {
    await app.close()
    const journal = await pool.query('SELECT count(*) AS n FROM campaign_status_journal')
    t.equal(Number(journal.rows[0].n), 0, 'every journaled status applied')
    t.strictSame(errors, [], 'no error logged')
    const reached = await pool.query('SELECT count(*) AS n FROM campaign_messages WHERE delivered_at IS NOT NULL OR read_at IS NOT NULL OR replied_at IS NOT NULL')
    t.ok(Number(reached.rows[0].n) > 0, `the statuses and replies reached the messages they named (${reached.rows[0].n as string} of 6)`)
  })
}
