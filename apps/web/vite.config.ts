import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The UI is served by `sightline serve` at / on the main port; in development (`npm run dev -w
// @sightline/web`) Vite serves it and forwards the API to a server on 4800.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    target: 'es2022',
    // No inline scripts or styles: the server's Content-Security-Policy allows only files.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:4800', '/healthz': 'http://127.0.0.1:4800' },
  },
});
