import { benchBulkCreate } from './bulk-create.js'
import { scratchDatabase } from './database.js'
import { benchEngineThroughput } from './engine-throughput.js'
import { benchPacing } from './pacing.js'
import { benchPeakRss } from './peak-rss.js'

// Machines here are noisy: every figure is printed beside a baseline measured in the same run.
const database = await scratchDatabase()
try {
  console.log(`# fastify-whatsapp-campaigns benchmarks: Node ${process.version}, ${database.label}`)
  await benchBulkCreate(database)
  await benchEngineThroughput(database)
  await benchPacing(database)
  await benchPeakRss(database)
} finally {
  await database.close()
}
