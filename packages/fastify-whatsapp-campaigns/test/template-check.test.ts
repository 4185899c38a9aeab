import t from 'tap'
import { bodyParametersFor } from '../src/campaigns/parameters.js'
import { bodyParameterCount, checkTemplate } from '../src/templates/check.js'
import { templateFromGraph } from '../src/templates/graph-template.js'
import type { Template } from '../src/schemas/templates.js'

function graphTemplate (components: unknown[], extra: Record<string, unknown> = {}): Template {
  const template = templateFromGraph({ id: 1234567890123456, name: 'order_update', language: 'en', status: 'APPROVED', category: 'UTILITY', components, ...extra })
  if (template === null) throw new Error('not a template')
  return template
}

const body = (text: string): Record<string, unknown> => ({ type: 'BODY', text })

t.test('Graph items are read: body, header and button variables, ids as strings', async t => {
  const template = graphTemplate([
    { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' },
    body('Hi {{1}}, order {{2}} ships {{3}}; thanks {{1}}'),
    { type: 'FOOTER', text: 'Shop' },
    { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Track', url: 'https://x.test/{{1}}' }, { type: 'QUICK_REPLY', text: 'Stop {{1}}' }] }
  ])
  t.equal(template.id, '1234567890123456')
  t.same(template.body, { text: 'Hi {{1}}, order {{2}} ships {{3}}; thanks {{1}}', parameters: 3, names: ['1', '2', '3'] })
  t.same(template.header, { format: 'TEXT', text: 'Order {{1}}', parameters: 1, names: ['1'] })
  t.same(template.buttons.map(b => b.parameters), [1, 0], "a quick reply's text is not a variable")
  t.equal(template.parameterFormat, 'POSITIONAL')
  t.equal(graphTemplate([body('Hi {{first_name}}')]).parameterFormat, 'NAMED')
  t.equal(templateFromGraph({ name: 'x' }), null, 'no language nor status: not a template')
})

t.test('the count follows bodyParametersFor for every kind of recipient', async t => {
  const cases = [
    { recipient: { phone: '1', name: 'Ana', parameters: ['a', 'b'] }, campaign: ['x'] },
    { recipient: { phone: '1', name: 'Ana', parameters: [] }, campaign: ['{{name}}', 'x', '{{phone}}'] },
    { recipient: { phone: '1', name: 'Ana', parameters: null }, campaign: [] },
    { recipient: { phone: '1', name: null, parameters: null }, campaign: [] }
  ]
  for (const { recipient, campaign } of cases) t.equal(bodyParameterCount(recipient, campaign), bodyParametersFor(recipient, campaign).length)
})

t.test('the verdicts, with messages that say what is wrong', async t => {
  const use = { templateName: 'order_update', language: 'en', parameters: ['Ana'] }
  t.same(checkTemplate(graphTemplate([body('Hi {{1}}')]), use), { ok: true })
  t.same(checkTemplate(graphTemplate([body('Hi {{1}}, {{2}}')]), use), {
    ok: false, statusCode: 422, code: 'WAC_TEMPLATE_PARAMETERS', message: 'template order_update (en) needs 2 body parameters; the campaign gives 1'
  })
  t.match(checkTemplate(undefined, use), { ok: false, statusCode: 422, code: 'WAC_TEMPLATE_NOT_FOUND', message: /^template order_update \(en\) does not exist/ })
  t.match(checkTemplate(graphTemplate([body('Hi {{1}}')], { status: 'PAUSED' }), use), { statusCode: 409, code: 'WAC_TEMPLATE_NOT_APPROVED', message: /^template order_update \(en\) is PAUSED: Meta sends only APPROVED templates/ })
  t.match(checkTemplate(graphTemplate([body('Hi {{1}}')], { status: 'PENDING' }), use), { statusCode: 409 })
  t.match(checkTemplate(graphTemplate([{ type: 'HEADER', format: 'IMAGE' }, body('Hi {{1}}')]), use), { statusCode: 422, code: 'WAC_TEMPLATE_COMPONENTS', message: /has a IMAGE header/ })
  t.match(checkTemplate(graphTemplate([{ type: 'HEADER', format: 'TEXT', text: 'Hi {{1}}' }, body('Hi {{1}}')]), use), { code: 'WAC_TEMPLATE_COMPONENTS', message: /needs 1 header parameter;/ })
  t.same(checkTemplate(graphTemplate([{ type: 'HEADER', format: 'TEXT', text: 'Hello' }, body('Hi {{1}}')]), use), { ok: true }, 'a fixed text header needs nothing')
  t.match(checkTemplate(graphTemplate([body('Hi {{1}}'), { type: 'BUTTONS', buttons: [{ type: 'URL', url: 'https://x.test/{{1}}' }] }]), use), { code: 'WAC_TEMPLATE_COMPONENTS', message: /URL button/ })
  t.match(checkTemplate(graphTemplate([body('Hi {{first_name}}')]), use), { code: 'WAC_TEMPLATE_COMPONENTS', message: /named body parameters \(\{\{first_name\}\}\)/ })
  t.same(checkTemplate(graphTemplate([]), { ...use, parameters: [] }), { ok: true }, 'no body, no parameters')
  t.match(checkTemplate(graphTemplate([]), use), { message: 'template order_update (en) needs 0 body parameters; the campaign gives 1' })
})

t.test("contacts' own parameters and names count", async t => {
  const template = graphTemplate([body('Hi {{1}}, {{2}}')])
  const use = { templateName: 'order_update', language: 'en', parameters: [] as string[] }
  t.same(checkTemplate(template, { ...use, contacts: [{ parameters: ['a', 'b'] }, { parameters: ['c', 'd'] }] }), { ok: true })
  t.same(checkTemplate(template, { ...use, contacts: [] }), { ok: true }, 'no contacts: nothing is sent with a wrong count')
  t.match(checkTemplate(template, { ...use, contacts: [{ name: 'Ana' }, { name: 'Bo' }] }), { message: 'template order_update (en) needs 2 body parameters; the campaign gives 1' })
  t.match(checkTemplate(template, { ...use, contacts: [{ parameters: ['a', 'b'] }, { name: 'Ana' }, { name: null }, { name: 'Bo' }] }), {
    code: 'WAC_TEMPLATE_PARAMETERS',
    message: 'template order_update (en) needs 2 body parameters; 2 of 4 contacts get 1 (the first at position 1, from its own parameters or, with none given anywhere, its name), and 1 other contact another wrong count'
  })
  t.same(checkTemplate(template, { ...use, parameters: ['{{name}}', '{{phone}}'], contacts: [{ name: null }, { parameters: null }] }), { ok: true }, 'the campaign\'s parameters serve every contact without its own')
})
