/**
 * The arrival front's thread (arrival-front.ts): a TCP relay in front of the fake that writes, into each
 * request's head, the moment its first bytes came in. This thread holds nothing but the connections,
 * so its collections are short, and it runs ahead of every other process: when a request arrived is
 * decided here, not by the fake's own event loop, which stalls for its collections.
 *
 * It reads HTTP/1.1 as our senders write it: a head, then a body of `content-length` bytes, one
 * request after the other on a connection. Anything else (chunked bodies, a head over 64 KiB) closes
 * the connection rather than relaying a request with no arrival.
 */
import { connect, createServer, type Socket } from 'node:net'
import { parentPort, workerData } from 'node:worker_threads'

const { port, header } = workerData as { port: number, header: string }
const endOfHead = Buffer.from('\r\n\r\n')
const CONTENT_LENGTH = /\r\ncontent-length:\s*(\d+)\s*\r\n/i
const CHUNKED = /\r\ntransfer-encoding:/i
const mostHead = 64 * 1024

/** Open connections, closed with the front: a sender's idle keep-alive one would hold it open for a minute. */
const open = new Set<Socket>()

function relay (client: Socket): void {
  const fake = connect(port, '127.0.0.1')
  open.add(client)
  client.setNoDelay(true)
  fake.setNoDelay(true)
  const closeBoth = (): void => {
    open.delete(client)
    client.destroy()
    fake.destroy()
  }
  client.on('error', closeBoth).on('close', closeBoth)
  fake.on('error', closeBoth).on('close', closeBoth)
  fake.pipe(client)

  let bodyLeft = 0
  let head: Buffer | undefined
  let arrival = 0
  client.on('data', (chunk: Buffer) => {
    let at = 0
    while (at < chunk.length) {
      if (bodyLeft > 0) {
        const end = Math.min(chunk.length, at + bodyLeft)
        fake.write(chunk.subarray(at, end))
        bodyLeft -= end - at
        at = end
        continue
      }
      if (head === undefined) arrival = performance.timeOrigin + performance.now()
      head = head === undefined ? chunk.subarray(at) : Buffer.concat([head, chunk.subarray(at)])
      const headEnd = head.indexOf(endOfHead)
      if (headEnd < 0) {
        if (head.length > mostHead) closeBoth()
        return
      }
      const text = head.subarray(0, headEnd + 2).toString('latin1')
      if (CHUNKED.test(text)) {
        closeBoth()
        return
      }
      const firstLineEnd = text.indexOf('\r\n')
      fake.write(`${text.slice(0, firstLineEnd + 2)}${header}: ${arrival}${text.slice(firstLineEnd)}\r\n`, 'latin1')
      bodyLeft = Number(CONTENT_LENGTH.exec(text)?.[1] ?? 0)
      // What followed the head in this chunk: its body, maybe the next request.
      chunk = head.subarray(headEnd + 4)
      at = 0
      head = undefined
    }
  })
}

const server = createServer(relay)
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  parentPort?.postMessage({ port: typeof address === 'object' && address !== null ? address.port : 0 })
})
parentPort?.on('message', (message: string) => {
  if (message !== 'close') return
  server.close(() => { process.exit(0) })
  for (const client of open) client.destroy()
})
