import { open, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * PGlite is one process's database: two servers on the same DATA_DIR would corrupt it. A lock file
 * holding the owner's pid keeps the second one out; a lock left by a process that died is taken over.
 * Returns the release function.
 */
export async function lockDataDir (directory: string): Promise<() => Promise<void>> {
  const path = join(directory, 'server.lock')
  if (heldHere.has(path)) throw inUse(directory, process.pid)
  for (;;) {
    try {
      const file = await open(path, 'wx')
      await file.writeFile(String(process.pid))
      await file.close()
      heldHere.add(path)
      return async () => {
        heldHere.delete(path)
        await rm(path, { force: true })
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
    const owner = Number(await readFile(path, 'utf8').catch(() => ''))
    // Our own pid in a lock we do not hold is a leftover of an earlier process that had it (containers reuse pids).
    if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) throw inUse(directory, owner)
    await rm(path, { force: true })
  }
}

/** Locks this process holds: a second server in the same process is refused too. */
const heldHere = new Set<string>()

function inUse (directory: string, owner: number): Error {
  return new Error(`DATA_DIR ${directory} is in use by process ${owner}: stop it, or give this server its own DATA_DIR`)
}

function isAlive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
