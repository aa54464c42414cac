import { defineConfig } from 'vitest/config';

// Fast tests: no Flink, no Prometheus binaries. `npm test`.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/regression/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
