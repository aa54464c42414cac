import { defineConfig } from 'vitest/config';

// Tests against real Prometheus binaries (Debian package `prometheus`), no Flink. `npm run test:integration`.
export default defineConfig({
  test: {
    include: ['test/integration/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
