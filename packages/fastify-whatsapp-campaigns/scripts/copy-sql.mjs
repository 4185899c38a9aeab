// Copies the repository's migrations (the one definition of the schema, /sql) into the package
// before `npm pack`/`npm publish`, where migrate() looks first. `--clean` removes the copy again
// (postpack), so that a stale copy never shadows the repository's files during development.
//
// Silent on success: `npm pack --json` prints its JSON on the same stdout, and tools parse it. A
// failure throws, so node prints it on stderr and exits non-zero, which fails the pack.
//
// The copy is made beside the target and renamed into place, and the clean renames it away before
// removing it: migrate() in the same checkout (a test running meanwhile) never sees a half-copied
// directory.
import { cp, rename, rm } from 'node:fs/promises'
import { basename } from 'node:path'

const source = new URL('../../../sql/', import.meta.url)
const target = new URL('../sql/', import.meta.url)
const scratch = new URL(`../.sql-${process.pid}/`, import.meta.url)

async function removeTarget () {
  await rm(scratch, { recursive: true, force: true })
  await rename(target, scratch).catch(error => { if (error.code !== 'ENOENT') throw error })
  await rm(scratch, { recursive: true, force: true })
}

await removeTarget()
if (!process.argv.includes('--clean')) {
  await cp(source, scratch, { recursive: true, filter: path => !basename(path).startsWith('.') })
  await rename(scratch, target)
}
