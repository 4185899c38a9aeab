/**
 * The benchmarks that measure a process of their own (its peak RSS) run it as a child: the parent
 * passes its settings in the environment, the child prints one JSON line of results last.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'

/** A setting a child process needs from its parent, which passes it in the environment. */
export function requiredEnv (name: string): string {
  const value = process.env[name]
  if (value === undefined || value === '') throw new Error(`${name} is required`)
  return value
}

/** Runs `script` (a file of this folder's build) with `env` added, and answers the JSON of its last line. */
export async function runChild<T> (what: string, script: string, env: Record<string, string>, nodeOptions: string[] = []): Promise<T> {
  const child = spawn(process.execPath, [...nodeOptions, join(import.meta.dirname, script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { output += chunk })
  const [code] = await once(child, 'exit') as [number | null]
  const line = output.trim().split('\n').at(-1) ?? ''
  if (code !== 0 || !line.startsWith('{')) throw new Error(`the ${what} process exited ${code}: ${output.slice(-1000)}`)
  return JSON.parse(line) as T
}
