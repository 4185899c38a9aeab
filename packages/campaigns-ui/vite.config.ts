import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// The page is built into dist/web, beside the compiled plugin that serves it. Asset URLs are relative to
// the <base href> the plugin writes into index.html, so one build serves under any prefix.
export default defineConfig({
  root: 'web',
  base: './',
  plugins: [react()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    sourcemap: false
  },
  server: {
    // `npm run dev` beside a running reference server on its default port
    proxy: { '/api': 'http://127.0.0.1:3000' }
  }
})
