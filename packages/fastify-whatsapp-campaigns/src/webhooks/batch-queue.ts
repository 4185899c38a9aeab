export interface BatchQueueOptions<T, R> {
  /** Handles one batch (items in the order they came), all or nothing. */
  call: (items: T[]) => Promise<R>
  /** How much an item weighs against `maxSize`. */
  sizeOf: (item: T) => number
  /** The weight gathered into one call at most; a single item heavier than this still goes whole. */
  maxSize: number
  /**
   * Calls under way at once (1 unless given). More than one hides a call's latency (a commit's flush)
   * from the items that arrive meanwhile, for calls whose order does not matter.
   */
  concurrency?: number
}

interface Waiting<T, R> {
  item: T
  size: number
  resolve: (result: R) => void
  reject: (error: unknown) => void
}

/**
 * Items that arrive together share one call: the first goes at once; while calls are under way (one,
 * or `concurrency`), the items that arrive wait, and all of them go in the next call. So a burst of webhook requests costs a few
 * statements and commits rather than one each. An item's promise settles when the call holding it
 * has (with that call's result) or has failed; as a call is all or nothing, its items can then be
 * tried again as they were.
 */
export class BatchQueue<T, R> {
  private readonly call: (items: T[]) => Promise<R>
  private readonly sizeOf: (item: T) => number
  private readonly maxSize: number
  private readonly concurrency: number
  private waiting: Array<Waiting<T, R>> = []
  private running = 0
  private idle: Array<() => void> = []

  constructor (options: BatchQueueOptions<T, R>) {
    // Async, so that even a call that throws at once rejects rather than throwing from pump.
    this.call = async items => await options.call(items)
    this.sizeOf = options.sizeOf
    this.maxSize = options.maxSize
    this.concurrency = options.concurrency ?? 1
  }

  /** Resolves once `item` is handled, in a call that may hold others too. */
  async add (item: T): Promise<R> {
    return await new Promise<R>((resolve, reject) => {
      this.waiting.push({ item, size: this.sizeOf(item), resolve, reject })
      this.pump()
    })
  }

  /** Resolves when nothing is waiting or under way: what was given is handled, or its callers were told it failed. */
  async close (): Promise<void> {
    while (this.running > 0 || this.waiting.length > 0) await new Promise<void>(resolve => this.idle.push(resolve))
  }

  private pump (): void {
    while (this.running < this.concurrency && this.waiting.length > 0) {
      const batch = this.nextBatch()
      this.running++
      this.call(batch.map(waiting => waiting.item)).then(
        result => { for (const waiting of batch) waiting.resolve(result) },
        (error: unknown) => { for (const waiting of batch) waiting.reject(error) }
      ).finally(() => {
        this.running--
        this.pump()
        if (this.running === 0) for (const resolve of this.idle.splice(0)) resolve()
      })
    }
  }

  /** The oldest waiting items, up to the cap (the first one always, however heavy). */
  private nextBatch (): Array<Waiting<T, R>> {
    let count = 1
    let size = this.waiting[0].size
    while (count < this.waiting.length && size + this.waiting[count].size <= this.maxSize) {
      size += this.waiting[count].size
      count++
    }
    return this.waiting.splice(0, count)
  }
}
