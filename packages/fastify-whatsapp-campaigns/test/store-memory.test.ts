import t from 'tap'
import { memoryStore } from '../src/store/memory.js'
import { suite } from '../src/store/conformance.js'

suite({ test: async (name, fn) => await t.test(name, fn), factory: () => memoryStore() })
