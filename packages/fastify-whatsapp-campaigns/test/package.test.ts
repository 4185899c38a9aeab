/**
 * What `npm pack` would publish, read the way tools read it: `--json` on stdout, parsed whole (a line
 * printed by a lifecycle script would break it). Runs on the built package: dist/ comes from the build.
 *
 * The pack runs in a copy of the package laid out as in the repository (packages/<name> beside sql/),
 * since its prepack script puts a copy of sql/ in the package, where migrate() looks first: in the
 * checkout itself, tests migrating meanwhile could see it come and go.
 */
import { execFile } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import t, { type Test } from 'tap'

const checkout = fileURLToPath(new URL('..', import.meta.url))
const repositorySql = fileURLToPath(new URL('../../../sql/', import.meta.url))

/** A copy of what the pack reads: the manifest, the README, the build and the scripts, under <root>/packages/<name>, and <root>/sql. */
async function packageCopy (t: Test): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'wac-pack-'))
  t.teardown(async () => { await rm(root, { recursive: true, force: true }) })
  const directory = join(root, 'packages', 'fastify-whatsapp-campaigns')
  await mkdir(directory, { recursive: true })
  for (const entry of ['package.json', 'README.md', 'dist', 'scripts']) await cp(join(checkout, entry), join(directory, entry), { recursive: true })
  await cp(repositorySql, join(root, 'sql'), { recursive: true })
  return directory
}

interface PackResult {
  name: string
  files: Array<{ path: string }>
}

t.test('npm pack --json prints only JSON, listing the built code, the migrations and the README', async t => {
  const packageDirectory = await packageCopy(t)
  const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json'], { cwd: packageDirectory })
  const [pack] = JSON.parse(stdout) as PackResult[]
  t.equal(pack.name, 'fastify-whatsapp-campaigns')
  const paths = pack.files.map(file => file.path)

  for (const path of ['README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/store/conformance.js']) {
    t.ok(paths.includes(path), `ships ${path}`)
  }
  const migrations = readdirSync(repositorySql).filter(name => !name.startsWith('.'))
  t.ok(migrations.length > 0, 'the repository has migrations')
  t.strictSame(paths.filter(path => path.startsWith('sql/')).sort(), migrations.map(name => `sql/${name}`).sort(), 'ships every migration of /sql, and only those, under sql/')

  t.strictSame(paths.filter(path => /^(src|test|scripts)\//.test(path)), [], 'no sources, tests or scripts')
  t.strictSame(paths.filter(path => path.endsWith('.d.ts.map')), [], 'no declaration maps (they point to sources not shipped)')
  t.notOk(existsSync(join(packageDirectory, 'sql')), 'postpack removed the copy of sql/')
  t.strictSame(readdirSync(packageDirectory).filter(name => name.startsWith('.sql-')), [], 'and left no scratch copy')
})
