import t from 'tap'
import { BatchQueue } from '../src/webhooks/batch-queue.js'

/** A queue whose calls each wait until the test lets that one go. */
function heldQueue (concurrency: number, maxSize = 10, overlapAt?: number): { queue: BatchQueue<string, string>, calls: string[][], finish: (index: number, fail?: boolean) => void } {
  const calls: string[][] = []
  const endings: Array<(fail: boolean) => void> = []
  const queue = new BatchQueue<string, string>({
    call: async items => {
      calls.push(items)
      const failed = await new Promise<boolean>(resolve => endings.push(resolve))
      if (failed) throw new Error(`call ${items.join('')} failed`)
      return items.join('')
    },
    sizeOf: () => 1,
    maxSize,
    concurrency,
    overlapAt
  })
  return { queue, calls, finish: (index, fail = false) => { endings[index](fail) } }
}

const turn = async (): Promise<void> => { await new Promise(resolve => setImmediate(resolve)) }

t.test('with a concurrency of 2: two calls under way, the rest gathered into the next that frees, capped', async t => {
  const { queue, calls, finish } = heldQueue(2, 3)
  const settled: string[] = []
  const add = async (item: string): Promise<void> => { settled.push(`${item}:${await queue.add(item)}`) }
  const adds = ['a', 'b', 'c', 'd', 'e', 'f'].map(add)
  await turn()
  t.strictSame(calls, [['a'], ['b']], 'the first two go at once, each alone')
  finish(1)
  await turn()
  t.strictSame(calls, [['a'], ['b'], ['c', 'd', 'e']], 'the lane that freed takes what waits, up to the cap')
  t.strictSame(settled, ['b:b'], 'a call settles its own items, whatever is still under way')
  finish(0)
  await turn()
  t.strictSame(calls[3], ['f'], 'the other lane takes the rest')
  const closed = queue.close()
  let closedYet = false
  void closed.then(() => { closedYet = true })
  finish(3)
  await turn()
  t.notOk(closedYet, 'close waits for every call under way')
  finish(2, true)
  await t.rejects(adds[2], /call cde failed/, 'a failed call rejects its own items')
  await closed
  await Promise.allSettled(adds)
  t.strictSame(settled.sort(), ['a:a', 'b:b', 'f:f'])
})

t.test('with overlapAt: a second call starts only once that much waits behind the first, and leaves when less does', async t => {
  const { queue, calls, finish } = heldQueue(2, 10, 3)
  const adds = [queue.add('a'), queue.add('b'), queue.add('c')]
  await turn()
  t.strictSame(calls, [['a']], 'two waiting, fewer than 3: no second call')
  adds.push(queue.add('d'))
  await turn()
  t.strictSame(calls, [['a'], ['b', 'c', 'd']], 'three waiting: a second call takes them')
  adds.push(queue.add('e'))
  finish(0)
  await turn()
  t.equal(calls.length, 2, 'the lane that freed leaves the one waiting item to the lane under way')
  finish(1)
  await turn()
  t.strictSame(calls[2], ['e'], 'which takes it')
  adds.push(queue.add('f'), queue.add('g'))
  finish(2)
  await turn()
  t.strictSame(calls[3], ['f', 'g'], 'one lane left: it takes whatever waits, however little')
  finish(3)
  t.strictSame(await Promise.all(adds), ['a', 'bcd', 'bcd', 'bcd', 'e', 'fg', 'fg'])
  await queue.close()
})

t.test('with the default concurrency of 1: one call under way, everything else waits for it', async t => {
  const { queue, calls, finish } = heldQueue(1)
  const adds = [queue.add('a'), queue.add('b'), queue.add('c')]
  await turn()
  t.strictSame(calls, [['a']])
  finish(0)
  await turn()
  t.strictSame(calls, [['a'], ['b', 'c']])
  finish(1)
  t.strictSame(await Promise.all(adds), ['a', 'bc', 'bc'])
  await queue.close()
})

t.test('a call that throws before it returns a promise fails its own items only, and the queue goes on', async t => {
  const calls: string[][] = []
  const queue = new BatchQueue<string, string>({
    call: (items: string[]) => {
      calls.push(items)
      if (items.includes('bad')) throw new Error('thrown at once')
      return Promise.resolve(items.join(''))
    },
    sizeOf: () => 1,
    maxSize: 1
  })
  const bad = queue.add('bad')
  const good = queue.add('good')
  await t.rejects(bad, /thrown at once/)
  t.equal(await good, 'good')
  t.strictSame(calls, [['bad'], ['good']])
  await queue.close()
})
