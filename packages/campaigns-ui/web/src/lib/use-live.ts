import { useCallback, useEffect, useRef, useState } from 'react'
import { nextPollMs } from './poll-interval.js'

export interface Live<T> {
  data: T | undefined
  error: Error | undefined
  loading: boolean
  /** Load again now (after an action, or a retry after an error). */
  reload: () => void
}

/** After the last live answer, a few more reads pick up the delivered and read reports that come in late. */
const settleMs = 10_000

/**
 * Data loaded once per change of `key`, and again every `intervalMs` (longer after a slow load: see
 * nextPollMs) while `isLive(data)` says something runs (and briefly after it stopped); nothing is
 * polled while nothing runs. A newer load cancels the one in flight, so an old answer never
 * overwrites a newer one.
 */
export function useLive<T> (key: string, load: (signal: AbortSignal) => Promise<T>, isLive: (data: T) => boolean, intervalMs = 1500): Live<T> {
  const [data, setData] = useState<T>()
  const [error, setError] = useState<Error>()
  const [loading, setLoading] = useState(true)
  const [tick, setTick] = useState(0)
  const loadRef = useRef(load)
  const liveRef = useRef(isLive)
  const settleUntil = useRef(0)
  loadRef.current = load
  liveRef.current = isLive

  useEffect(() => {
    const controller = new AbortController()
    let timer: ReturnType<typeof setTimeout> | undefined
    setLoading(true)
    const started = performance.now()
    loadRef.current(controller.signal).then(next => {
      if (controller.signal.aborted) return
      setData(next)
      setError(undefined)
      setLoading(false)
      const now = Date.now()
      if (liveRef.current(next)) settleUntil.current = now + settleMs
      if (now < settleUntil.current) timer = setTimeout(() => setTick(value => value + 1), nextPollMs(intervalMs, performance.now() - started))
    }, (reason: unknown) => {
      if (controller.signal.aborted) return
      setError(reason instanceof Error ? reason : new Error(String(reason)))
      setLoading(false)
    })
    return () => {
      controller.abort()
      if (timer !== undefined) clearTimeout(timer)
    }
  }, [key, tick, intervalMs])

  const reload = useCallback(() => setTick(value => value + 1), [])
  return { data, error, loading, reload }
}
