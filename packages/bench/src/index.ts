import { benchBulkCreate } from './bulk-create.js'
import { scratchDatabase } from './database.js'
import { benchEngineThroughput } from './engine-throughput.js'

// Machines here are noisy: every figure is printed beside a baseline measured in the same run.
const database = await scratchDatabase()
try {
  console.log(`# fastify-whatsapp-campaigns benchmarks: Node ${process.version}, ${database.label}`)
  await benchBulkCreate(database)
  await benchEngineThroughput(database)
} finally {
  await database.close()
}
