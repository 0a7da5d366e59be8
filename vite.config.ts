/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { resolve } from 'node:path';

/**
 * Content-Security-Policy for the built site (not the dev server, whose React refresh needs inline
 * scripts): same-origin only, no eval, workers from our own origin. Static hosts that can send
 * headers may send the same policy as a header.
 */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

function csp(): Plugin {
  return {
    name: 'flock-csp',
    apply: 'build',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CSP }, injectTo: 'head-prepend' }],
  };
}

// `base: './'` makes every asset URL relative, so dist/ works from any sub-path (and offline).
// `--mode e2e` adds test-only pages (kernel harness) and compiles test hooks in (import.meta.env.MODE).
export default defineConfig(({ mode }) => ({
  base: './',
  plugins: [react(), csp()],
  worker: { format: 'es' },
  build: {
    outDir: mode === 'e2e' ? 'dist-e2e' : 'dist',
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      input: {
        main: resolve(import.meta.dirname, 'index.html'),
        ...(mode === 'e2e'
          ? { kernel: resolve(import.meta.dirname, 'e2e/harness/kernel.html'), train: resolve(import.meta.dirname, 'e2e/harness/train.html'), conv: resolve(import.meta.dirname, 'e2e/harness/conv.html') }
          : {}),
      },
    },
  },
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
  },
}));
