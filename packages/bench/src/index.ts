import { benchBulkCreate } from './bulk-create.js'
import { benchCampaignDetail } from './campaign-detail.js'
import { scratchDatabase, type BenchDatabase } from './database.js'
import { benchEngineThroughput } from './engine-throughput.js'
import { benchPacing } from './pacing.js'
import { benchPageRender } from './page-render.js'
import { benchPeakRss } from './peak-rss.js'
import { benchWebhookIngest } from './webhook-ingest.js'

const benchmarks: Record<string, (database: BenchDatabase) => Promise<void>> = {
  create: benchBulkCreate,
  throughput: benchEngineThroughput,
  pacing: benchPacing,
  detail: benchCampaignDetail,
  ingest: benchWebhookIngest,
  page: benchPageRender,
  rss: benchPeakRss
}

// `npm run bench` runs them all; `npm run bench -- pacing rss` only those named.
const chosen = process.argv.slice(2)
const unknown = chosen.filter(name => !(name in benchmarks))
if (unknown.length > 0) {
  console.error(`Unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(benchmarks).join(', ')}`)
  process.exit(2)
}

// Shared machines are noisy: every figure is printed beside a baseline measured in the same run.
const database = await scratchDatabase()
try {
  console.log(`# fastify-whatsapp-campaigns benchmarks: Node ${process.version}, ${database.label}`)
  for (const [name, bench] of Object.entries(benchmarks)) {
    if (chosen.length === 0 || chosen.includes(name)) await bench(database)
  }
} finally {
  await database.close()
}
