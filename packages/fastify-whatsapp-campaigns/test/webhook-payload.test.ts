import t from 'tap'
import { defaultStartKeywords, defaultStopKeywords, keywordReader } from '../src/whatsapp/keywords.js'
import { parseWebhookBody, type ParsedWebhook } from '../src/whatsapp/webhook-payload.js'

const readKeyword = keywordReader({ stopKeywords: defaultStopKeywords, startKeywords: defaultStartKeywords })
const metadata = { display_phone_number: '15550001111', phone_number_id: '1001' }

function parse (values: Array<{ field?: string, value: unknown }>, entryId = '102290129340398'): ParsedWebhook {
  const result = parseWebhookBody({ object: 'whatsapp_business_account', entry: [{ id: entryId, changes: values.map(v => ({ field: 'messages', ...v })) }] }, readKeyword)
  if (!result.ok) throw new Error(result.reason)
  return result.webhook
}

const at = (s: number): Date => new Date(s * 1000)

t.test('statuses: with and without recipient_id, pricing, conversation; read without delivered; duplicates merged', async t => {
  const { reports, ignored } = parse([{
    value: {
      metadata,
      statuses: [
        { id: 'wamid.A', status: 'sent', timestamp: '1750000000', recipient_id: '16505551234', conversation: { id: 'c', origin: { type: 'marketing' } }, biz_opaque_callback_data: 'wac1:7:3' },
        { id: 'wamid.A', status: 'delivered', timestamp: '1750000000', pricing: { billable: true, pricing_model: 'PMP', category: 'marketing' } },
        { id: 'wamid.A', status: 'delivered', timestamp: '1750000009' },
        { id: 'wamid.B', status: 'read', timestamp: '1750000100', recipient_user_id: 'US.13491208655302741918' },
        { id: 'wamid.C', status: 'failed', timestamp: '1750000200', errors: [{ code: 131026, message: 'Message undeliverable.', error_data: { details: 'x' } }] },
        { id: 'wamid.D', status: 'failed', timestamp: '1750000300' },
        { id: 'wamid.E', status: 'played', timestamp: '1750000000' },
        { status: 'sent', timestamp: '1750000000' },
        { id: 'wamid.F', status: 'sent', timestamp: 'yesterday' },
        { id: 'wamid.G', status: 'sent', timestamp: '1750000000', biz_opaque_callback_data: '{"another":"app"}' }
      ]
    }
  }])
  t.strictSame(reports.statuses.map(s => s.wamid), ['wamid.A', 'wamid.B', 'wamid.C', 'wamid.D', 'wamid.G'])
  t.strictSame(reports.statuses[0], { wamid: 'wamid.A', origin: { runId: 7, id: 3 }, sentAt: at(1750000000), deliveredAt: at(1750000000), readAt: null, failed: null })
  t.match(reports.statuses[1], { readAt: at(1750000100), deliveredAt: null, origin: null })
  t.strictSame(reports.statuses[2].failed, { at: at(1750000200), code: 131026, title: 'Message undeliverable.' })
  t.match(reports.statuses[3].failed, { code: 'UNKNOWN_FAILURE' })
  t.equal(reports.statuses[4].origin, null, "another app's callback data is not ours")
  t.equal(ignored.statuses, 3, 'played, no id, bad timestamp')
})

t.test('system errors, template status updates, test payloads', async t => {
  const webhook = parse([
    { value: { metadata, errors: [{ code: 131000, title: 'Something went wrong', message: 'x' }] } },
    { field: 'message_template_status_update', value: { event: 'APPROVED', message_template_id: 1234567890123456, reason: null } }
  ], '0')
  t.equal(webhook.ignored.systemErrors, 1)
  t.strictSame(webhook.systemErrors, [{ code: 131000, title: 'Something went wrong' }])
  t.strictSame(webhook.reports.other, [{ field: 'message_template_status_update', accountId: '0', value: { event: 'APPROVED', message_template_id: 1234567890123456, reason: null } }])
  const test = parse([{ value: { metadata, statuses: [{ id: 'ABGGFlA5FpafAgo6EhGSHC6fmNyu', status: 'sent', timestamp: '1750000000' }] } }], '0')
  t.equal(test.reports.statuses[0].wamid, 'ABGGFlA5FpafAgo6EhGSHC6fmNyu')
})

t.test('inbound: keywords, a button tap with context, messages without a phone number id', async t => {
  const { reports, ignored } = parse([{
    value: {
      metadata,
      contacts: [{ profile: { name: 'A' }, wa_id: '16505551234' }],
      messages: [
        { from: '16505551234', id: 'wamid.i1', timestamp: '1750000000', type: 'text', text: { body: 'STOP' } },
        { from: '16505551235', id: 'wamid.i2', timestamp: '1750000001', type: 'text', text: { body: ' stop   all ' } },
        { from: '16505551236', id: 'wamid.i3', timestamp: '1750000002', type: 'button', button: { payload: 'Unsubscribe', text: 'Unsubscribe' }, context: { from: '15550001111', id: 'wamid.T' } },
        { from: '16505551237', id: 'wamid.i4', timestamp: '1750000003', type: 'text', text: { body: 'please stop' } },
        { from: '16505551238', id: 'wamid.i5', timestamp: '1750000004', type: 'text', text: { body: 'start' } },
        { from_user_id: 'US.1', id: 'wamid.i6', timestamp: '1750000005', type: 'text', text: { body: 'STOP' } },
        { from: '16505551239', id: 'wamid.i7', timestamp: '1750000006', type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'x', title: 'Stop' } } }
      ]
    }
  }, { value: { messages: [{ from: '1', id: 'w', timestamp: '1', type: 'text', text: { body: 'hi' } }] } }])
  t.strictSame(reports.inbound.map(m => m.keyword), ['stop', 'stop', 'stop', null, 'start', 'stop'])
  t.strictSame(reports.inbound[2], { from: '16505551236', phoneNumberId: '1001', at: at(1750000002), replyTo: 'wamid.T', keyword: 'stop' })
  t.equal(reports.inbound[0].replyTo, null)
  t.equal(ignored.messages, 2, 'no from, no metadata')
})

t.test('user_preferences: stop and resume', async t => {
  const { reports, ignored } = parse([{
    field: 'user_preferences',
    value: {
      metadata,
      user_preferences: [
        { wa_id: '16505551234', detail: 'User requested to stop marketing messages', category: 'marketing_messages', value: 'stop', timestamp: 1750000000 },
        { wa_id: '16505551235', category: 'marketing_messages', value: 'resume', timestamp: 1750000001 },
        { wa_id: '16505551236', value: 'maybe', timestamp: 1750000002 }
      ]
    }
  }])
  t.strictSame(reports.preferences, [
    { phone: '16505551234', phoneNumberId: '1001', value: 'stop', at: at(1750000000) },
    { phone: '16505551235', phoneNumberId: '1001', value: 'resume', at: at(1750000001) }
  ])
  t.equal(ignored.preferences, 1)
})

t.test('the frame: wrong at the top is refused, another object ignored', async t => {
  t.match(parseWebhookBody([], readKeyword), { ok: false })
  t.match(parseWebhookBody({ object: 'whatsapp_business_account', entry: {} }, readKeyword), { ok: false, reason: /entry/ })
  t.match(parseWebhookBody({ object: 'whatsapp_business_account', entry: [{ changes: 'x' }] }, readKeyword), { ok: false, reason: /changes/ })
  t.match(parseWebhookBody({ object: 'page', entry: 'anything' }, readKeyword), { ok: true, webhook: { whatsapp: false, reports: { statuses: [] } } })
  t.match(parseWebhookBody({ object: 'whatsapp_business_account' }, readKeyword), { ok: true, webhook: { whatsapp: true } })
})
