import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';

const parse = (yaml: string) => parseConfig(yaml, 'config.yml', { baseDir: '/nonexistent' });
function errorOf(yaml: string): string {
  try {
    parse(yaml);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('remote_write section', () => {
  it("Prometheus's defaults, plus max_disk_bytes", () => {
    const [rw] = parse('remote_write:\n  - url: http://mimir:9009/api/v1/push\n').remoteWrite;
    expect(rw).toEqual({
      url: 'http://mimir:9009/api/v1/push',
      // sha256("http://mimir:9009/api/v1/push"), first 6 hex digits
      name: expect.stringMatching(/^[0-9a-f]{6}$/),
      protobufMessage: 'prometheus.WriteRequest',
      remoteTimeoutMs: 30_000,
      writeRelabelConfigs: [],
      queue: { capacity: 10_000, minShards: 1, maxShards: 50, maxSamplesPerSend: 2000, batchSendDeadlineMs: 5000, minBackoffMs: 30, maxBackoffMs: 5000, retryOnHttp429: false, maxDiskBytes: 1024 ** 3 },
      metadata: { send: true, sendIntervalMs: 60_000, maxSamplesPerSend: 2000 },
    });
  });

  it('every key', () => {
    const [rw] = parse(`
remote_write:
  - url: https://central.example/push
    name: central
    protobuf_message: io.prometheus.write.v2.Request
    remote_timeout: 10s
    headers: {X-Scope-OrgID: team-a}
    authorization: {credentials: tok}
    write_relabel_configs:
      - {source_labels: [__name__], regex: 'go_.*', action: DROP}
      - {action: hashmod, source_labels: [instance], target_label: shard, modulus: 4}
    queue_config: {capacity: 100, min_shards: 2, max_shards: 3, max_samples_per_send: 50, batch_send_deadline: 1s, min_backoff: 10ms, max_backoff: 1s, retry_on_http_429: true, max_disk_bytes: 2097152}
    metadata_config: {send: false, send_interval: 2m, max_samples_per_send: 10}
`).remoteWrite;
    expect(rw?.name).toBe('central');
    expect(rw?.protobufMessage).toBe('io.prometheus.write.v2.Request');
    expect(rw?.headers).toEqual({ 'X-Scope-OrgID': 'team-a' });
    expect(rw?.authorization).toEqual({ type: 'Bearer', credentials: 'tok' });
    expect(rw?.writeRelabelConfigs.map((r) => r.action)).toEqual(['drop', 'hashmod']);
    expect(rw?.queue).toEqual({ capacity: 100, minShards: 2, maxShards: 3, maxSamplesPerSend: 50, batchSendDeadlineMs: 1000, minBackoffMs: 10, maxBackoffMs: 1000, retryOnHttp429: true, maxDiskBytes: 2097152 });
    expect(rw?.metadata).toEqual({ send: false, sendIntervalMs: 120_000, maxSamplesPerSend: 10 });
  });

  it.each([
    ['remote_write: [{}]', /remote_write\[0\]\.url/],
    ['remote_write: [{url: "http://a", protobuf_message: x}]', /protobuf_message/],
    ['remote_write: [{url: "http://a", name: x}, {url: "http://b", name: x}]', /duplicate remote_write name "x"/],
    ['remote_write: [{url: "http://a", write_relabel_configs: [{action: nope}]}]', /unknown relabel action "nope"/],
    ['remote_write: [{url: "http://a", write_relabel_configs: [{action: hashmod, target_label: x}]}]', /requires non-zero modulus/],
    ['remote_write: [{url: "http://a", write_relabel_configs: [{regex: "a)("}]}]', /invalid RE2 regex/],
    ['remote_write: [{url: "http://a", write_relabel_configs: [{action: labeldrop, regex: a, target_label: b}]}]', /requires only 'regex'/],
    ['remote_write: [{url: "http://a", queue_config: {min_shards: 3, max_shards: 2}}]', /min_shards/],
    ['remote_write: [{url: "http://a", queue_config: {max_disk_bytes: 10}}]', /max_disk_bytes/],
    ['remote_write: [{url: "http://a", sample_age_limit: 1m}]', /sample_age_limit/],
  ])('%s is an error', (yaml, message) => {
    expect(errorOf(yaml)).toMatch(message);
  });
});
