/**
 * The fake Cloud API alone in a process, for fake-process.ts (which forks it with IPC and the advanced
 * serializer): argv[2] holds its options as JSON, argv[3] is `true` when it judges a rate. It answers
 * the parent's calls and exits when the parent's channel closes, whether the parent closed it or died.
 */
import { startCloudApiFake } from 'whatsapp-cloud-fake'
import { startArrivalFront } from './arrival-front.js'
import { ownCpuMs } from './cpu.js'
import type { FakeMessage, FakeProcessOptions, FakeRequest, LogColumns } from './fake-process.js'

const arrivalHeader = 'x-judge-arrival'
const send = process.send?.bind(process)
if (send === undefined) throw new Error('fake-child.js is started by fake-process.ts, with an IPC channel')
process.once('disconnect', () => { process.exit(0) })

const judge = process.argv[3] === 'true'
const options = JSON.parse(process.argv[2] ?? '{}') as FakeProcessOptions
// A judge of a per-second limit times arrivals in a thread of their own, which goes ahead of the
// processes it judges and is never held up by the fake's work or its collections.
const fake = await startCloudApiFake(judge ? { ...options, arrivalHeader } : options)
const front = judge ? await startArrivalFront(Number(new URL(fake.url).port), arrivalHeader) : undefined
const priority = front?.priority ?? 'unchanged'
const apiUrl = front === undefined ? fake.apiUrl : `${front.url}/v23.0`

const calls = {
  log: (): LogColumns => {
    const entries = fake.log
    return {
      times: Float64Array.from(entries, entry => entry.time),
      accepted: Uint8Array.from(entries, entry => entry.accepted ? 1 : 0),
      codes: Int32Array.from(entries, entry => entry.code ?? 0)
    }
  },
  firstTime: (): number | undefined => fake.log[0]?.time,
  accepted: (): number => fake.accepted(),
  cpuMs: ownCpuMs,
  reset: (): void => { fake.reset() },
  close: async (): Promise<void> => {
    await front?.close()
    await fake.close()
  }
} satisfies Record<FakeRequest['call'], () => unknown>

process.on('message', (message: FakeRequest) => {
  const reply = (answer: FakeMessage): void => { send(answer) }
  Promise.resolve().then(() => calls[message.call]()).then(
    result => { reply({ id: message.id, result }) },
    (error: unknown) => { reply({ id: message.id, error: error instanceof Error ? error.message : String(error) }) }
  )
})
send({ ready: apiUrl, priority } satisfies FakeMessage)
