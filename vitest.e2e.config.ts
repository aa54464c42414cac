import { defineConfig } from 'vitest/config';

// End-to-end tests against a real local Flink (scripts/flink.sh), one line per run (FLINK_LINE). `npm run test:e2e`.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 900_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
