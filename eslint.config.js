import neostandard from 'neostandard'

export default [
  ...neostandard({
    ts: true,
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/coverage/**',
      '**/.tap/**',
      '**/data/**',
      // The plugin's copy of /sql, made by scripts/copy-sql.mjs at pack time
      'packages/fastify-whatsapp-campaigns/sql/**'
    ]
  }),
  {
    name: 'fastify-whatsapp-campaigns/house-style',
    rules: {
      // `void promise` as a statement marks a promise left running on purpose; void in an expression stays an error
      'no-void': ['error', { allowAsStatement: true }]
    }
  },
  {
    name: 'fastify-whatsapp-campaigns/typebox-schemas',
    files: ['packages/fastify-whatsapp-campaigns/src/schemas/**/*.ts'],
    rules: {
      // Each TypeBox schema and its Static type share one name on purpose; tsc still reports a real redeclaration
      '@typescript-eslint/no-redeclare': 'off'
    }
  }
]
