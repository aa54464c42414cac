import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';

function message(yaml: string): string {
  try {
    parseConfig(yaml, 'c.yml');
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('config section push', () => {
  it('reads durations, base-2 byte sizes and counts', () => {
    const c = parseConfig(
      'push:\n  group_ttl: 30s\n  enable_admin_api: true\n  group_by_body_labels: [host, tm_id]\n  remove_finished_jobs: false\n  limits:\n    max_body_size: 1MB\n    max_decoded_body_size: 4194304\n    max_groups: 7\n',
      'c.yml',
    ).push;
    expect(c).toEqual({
      enabled: true,
      groupTtlMs: 30_000,
      removeFinishedJobs: false,
      enableAdminApi: true,
      groupByBodyLabels: ['host', 'tm_id'],
      limits: { maxBodyBytes: 1_048_576, maxDecodedBytes: 4_194_304, maxGroups: 7, maxSeriesPerGroup: 100_000, maxSeriesTotal: 1_000_000 },
    });
  });

  it.each([
    ['push:\n  group_ttl: 10ms\n', 'push.group_ttl'],
    ['push:\n  limits:\n    max_body_size: 12XB\n', 'expected a positive byte size like "16MB"'],
    ['push:\n  limits:\n    max_body_size: 0\n', 'push.limits.max_body_size'],
    ['push:\n  limits:\n    max_body_size: 2MB\n    max_decoded_body_size: 1MB\n', 'push.limits.max_decoded_body_size: is smaller than max_body_size'],
    ['push:\n  limits:\n    max_groups: -1\n', 'push.limits.max_groups'],
    ['push:\n  ttl: 1m\n', 'push.ttl: unknown key'],
    ['push:\n  group_by_body_labels: [job]\n', 'push.group_by_body_labels[0]: expected a label name (not job'],
    ['push:\n  group_by_body_labels: [__name__]\n', 'push.group_by_body_labels[0]'],
    ['push:\n  group_by_body_labels: [tm-id]\n', 'push.group_by_body_labels[0]'],
    ['push:\n  group_by_body_labels: [host, host]\n', 'push.group_by_body_labels: lists a label twice'],
    ['push:\n  group_by_body_labels: tm_id\n', 'push.group_by_body_labels'],
  ])('refuses %j', (yaml, expected) => {
    expect(message(yaml)).toContain(expected);
  });
});
