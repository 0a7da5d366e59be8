import { defineConfig } from 'vitest/config';
export default defineConfig({ test: { include: [process.env.EXP ?? 'bench/*.exp.ts'], environment: 'node' } });
