/**
 * What `npm pack` would publish, read the way tools read it: `--json` on stdout, parsed whole (a line
 * printed by a lifecycle script would break it). Runs on the built package: dist/ comes from the build.
 */
import { execFile } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import t from 'tap'

const packageDirectory = fileURLToPath(new URL('..', import.meta.url))
const repositorySql = fileURLToPath(new URL('../../../sql/', import.meta.url))
const packagedSql = fileURLToPath(new URL('../sql/', import.meta.url))

interface PackResult {
  name: string
  files: Array<{ path: string }>
}

t.test('npm pack --json prints only JSON, listing the built code, the migrations and the README', async t => {
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
  t.notOk(existsSync(packagedSql), 'postpack removed the copy of sql/')
  t.strictSame(readdirSync(packageDirectory).filter(name => name.startsWith('.sql-')), [], 'and left no scratch copy')
})
