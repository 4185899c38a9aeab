// Copies the repository's migrations (the one definition of the schema, /sql) into the package
// before `npm pack`/`npm publish`, where migrate() looks first. `--clean` removes the copy again
// (postpack), so that a stale copy never shadows the repository's files during development.
import { cp, rm } from 'node:fs/promises'
import { basename } from 'node:path'

const source = new URL('../../../sql/', import.meta.url)
const target = new URL('../sql/', import.meta.url)

await rm(target, { recursive: true, force: true })
if (!process.argv.includes('--clean')) {
  await cp(source, target, { recursive: true, filter: path => !basename(path).startsWith('.') })
  console.log(`copied ${source.pathname} to ${target.pathname}`)
}
