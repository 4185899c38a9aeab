export interface BatchQueueOptions<T, R> {
  /** Handles one batch (items in the order they came), all or nothing. */
  call: (items: T[]) => Promise<R>
  /** How much an item weighs against `maxSize`. */
  sizeOf: (item: T) => number
  /** The weight gathered into one call at most; a single item heavier than this still goes whole. */
  maxSize: number
  /**
   * Calls under way at once at most (default 1). Above 1, a call that mostly waits (a commit's flush)
   * overlaps the next: the database can flush both commits together, and the items behind them wait
   * for the sooner of the two rather than for both in turn.
   */
  concurrency?: number
  /**
   * The weight that must be waiting before a call starts beside one under way (default 1: any). Each
   * call has a fixed cost (a statement's round trip); while the calls keep up, one at a time gathers
   * more into each, and a second is worth its cost only once this much piles up behind the first.
   */
  overlapAt?: number
}

interface Waiting<T, R> {
  item: T
  size: number
  resolve: (result: R) => void
  reject: (error: unknown) => void
}

/**
 * Items that arrive together share one call: the first goes at once; while calls are under way (up
 * to `concurrency`), the items that arrive wait, and all of them go in the next call. So a burst of
 * webhook requests costs a few statements and commits rather than one each. An item's promise
 * settles when the call holding it has (with that call's result) or has failed; as a call is all or
 * nothing, its items can then be tried again as they were.
 */
export class BatchQueue<T, R> {
  private readonly call: (items: T[]) => Promise<R>
  private readonly sizeOf: (item: T) => number
  private readonly maxSize: number
  private readonly concurrency: number
  private readonly overlapAt: number
  private waiting: Array<Waiting<T, R>> = []
  private waitingSize = 0
  /** Lanes draining; counted apart from their promises, as a lane leaves before its promise settles. */
  private lanes = 0
  private readonly underWay = new Set<Promise<void>>()

  constructor (options: BatchQueueOptions<T, R>) {
    this.call = options.call
    this.sizeOf = options.sizeOf
    this.maxSize = options.maxSize
    this.concurrency = options.concurrency ?? 1
    this.overlapAt = options.overlapAt ?? 1
  }

  /** Resolves once `item` is handled, in a call that may hold others too. */
  async add (item: T): Promise<R> {
    return await new Promise<R>((resolve, reject) => {
      const size = this.sizeOf(item)
      this.waiting.push({ item, size, resolve, reject })
      this.waitingSize += size
      if (this.lanes === 0 || (this.lanes < this.concurrency && this.waitingSize >= this.overlapAt)) this.startDrain()
    })
  }

  /** Resolves when nothing is waiting or under way: what was given is handled, or its callers were told it failed. */
  async close (): Promise<void> {
    while (this.underWay.size > 0) await Promise.all(this.underWay)
  }

  private startDrain (): void {
    this.lanes++
    const draining: Promise<void> = this.drain().finally(() => { this.underWay.delete(draining) })
    this.underWay.add(draining)
  }

  /**
   * One lane of calls: takes what is waiting, one batch after another, until nothing is, or until
   * what waits is too little for a lane beside another. Leaving is decided and counted in one step,
   * so two lanes never both leave items waiting.
   */
  private async drain (): Promise<void> {
    for (;;) {
      if (this.waiting.length === 0 || (this.lanes > 1 && this.waitingSize < this.overlapAt)) {
        this.lanes--
        return
      }
      const batch = this.nextBatch()
      try {
        const result = await this.call(batch.map(waiting => waiting.item))
        for (const waiting of batch) waiting.resolve(result)
      } catch (error) {
        for (const waiting of batch) waiting.reject(error)
      }
    }
  }

  /** The oldest waiting items, up to the cap. */
  private nextBatch (): Array<Waiting<T, R>> {
    const batch = this.waiting.splice(0, oldestWithin(this.waiting, waiting => waiting.size, this.maxSize))
    for (const waiting of batch) this.waitingSize -= waiting.size
    return batch
  }
}

/** How many of the first items fit within `maxSize` together: the first one always, however heavy. */
export function oldestWithin<T> (items: readonly T[], sizeOf: (item: T) => number, maxSize: number): number {
  let count = 1
  let size = sizeOf(items[0])
  while (count < items.length && size + sizeOf(items[count]) <= maxSize) {
    size += sizeOf(items[count])
    count++
  }
  return count
}
