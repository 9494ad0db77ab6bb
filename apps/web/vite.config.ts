import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = process.env.TANGRAM_API ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
  server: { host: '127.0.0.1', port: 5173, proxy: { '/api': api, '/healthz': api } },
  build: { outDir: 'dist', chunkSizeWarningLimit: 1500, sourcemap: false },
});
