import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';

describe('query and promql sections', () => {
  it('defaults are Prometheus 3.16 flag defaults', () => {
    expect(defaultConfig().query).toEqual({ timeoutMs: 120_000, maxSamples: 50_000_000, lookbackDeltaMs: 300_000, compat: '3' });
  });
  it('reads the keys; compat quoted or not', () => {
    const c = parseConfig('query:\n  timeout: 30s\n  max_samples: 1000\n  lookback_delta: 1m\npromql:\n  compat: 2\n', 'c.yml');
    expect(c.query).toEqual({ timeoutMs: 30_000, maxSamples: 1000, lookbackDeltaMs: 60_000, compat: '2' });
    expect(parseConfig('promql:\n  compat: "3"\n', 'c.yml').query.compat).toBe('3');
  });
  it('refuses bad values and unknown keys', () => {
    for (const y of ['promql:\n  compat: "4"\n', 'query:\n  timeout: 0s\n', 'query:\n  max_samples: 0\n', 'query:\n  nope: 1\n']) {
      expect(() => parseConfig(y, 'c.yml')).toThrow(ConfigError);
    }
  });
  it('flags override the file and are validated', () => {
    const c = parseConfig('query:\n  timeout: 30s\n', 'c.yml', { overrides: { query: { timeout: '5s', maxSamples: '7', lookbackDelta: '2m', compat: '2' } } });
    expect(c.query).toEqual({ timeoutMs: 5000, maxSamples: 7, lookbackDeltaMs: 120_000, compat: '2' });
    expect(() => defaultConfig({ query: { compat: '1' } })).toThrow('--promql.compat: must be "2" or "3"');
    expect(() => defaultConfig({ query: { maxSamples: '-3' } })).toThrow('--query.max-samples');
    expect(() => defaultConfig({ query: { timeout: 'soon' } })).toThrow('--query.timeout');
  });
});
