import t from 'tap'
import { decodeCallbackData, encodeCallbackData } from '../src/whatsapp/callback-data.js'

t.test('a send names its row, and the name reads back', async t => {
  t.equal(encodeCallbackData({ runId: 12, id: 345 }), 'wac1:12:345')
  t.same(decodeCallbackData('wac1:12:345'), { runId: 12, id: 345 })
  t.same(decodeCallbackData(encodeCallbackData({ runId: 2_147_483_647, id: 1 })), { runId: 2_147_483_647, id: 1 })
})

t.test("anything else is another app's: not ours", async t => {
  for (const data of [undefined, null, 42, '', 'wac1:12', 'wac1:0:1', 'wac1:1:01', 'wac2:1:1', ' wac1:1:1', 'wac1:1:1 ', '{"campaign":1}', 'wac1:2147483648:1', `wac1:1:${'9'.repeat(30)}`]) {
    t.equal(decodeCallbackData(data), null, JSON.stringify(data) ?? 'undefined')
  }
})
