import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { Test } from 'tap'
import { buildServer } from '../../src/app.js'
import { configFromEnv } from '../../src/config.js'

/**
 * The reference server built in this process (PGlite in a temporary directory, the sandbox), for
 * `inject`: closed and its directory removed at the test's end. `env` is read as the server reads its own.
 */
export async function buildInProcessServer (t: Test, env: Record<string, string> = {}): Promise<FastifyInstance> {
  const dataDir = await mkdtemp(join(tmpdir(), 'wac-in-process-'))
  t.teardown(async () => { await rm(dataDir, { recursive: true, force: true }) })
  const app = await buildServer(configFromEnv({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env }))
  t.teardown(async () => { await app.close() })
  return app
}
