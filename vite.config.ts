/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';

// `base: './'` makes every asset URL relative, so dist/ works from any sub-path (and offline).
// `--mode e2e` adds test-only pages (kernel harness) and compiles test hooks in (import.meta.env.MODE).
export default defineConfig(({ mode }) => ({
  base: './',
  plugins: [react()],
  worker: { format: 'es' },
  build: {
    outDir: mode === 'e2e' ? 'dist-e2e' : 'dist',
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      input: {
        main: resolve(__dirname, 'index.html'),
        ...(mode === 'e2e' ? { kernel: resolve(__dirname, 'e2e/harness/kernel.html') } : {}),
      },
    },
  },
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
  },
}));
