import { Counter, Gauge, Registry } from 'prom-client';
import type { PushObserver } from './receiver.js';

/**
 * The push receiver's self-metrics (`flink_bridge_push_*`), registered in the sidecar's self-metric registries
 * (SelfMetrics' text and OpenMetrics views) so they appear in `/metrics` with the others.
 */
export class PushMetrics implements PushObserver {
  readonly rejectedTotal: Counter<'reason'>;
  readonly groupsGauge: Gauge;
  readonly seriesGauge: Gauge;
  readonly groupsRemoved: Counter<'cause'>;

  constructor(registries: readonly (Registry | Registry<typeof Registry.OPENMETRICS_CONTENT_TYPE>)[]) {
    const registers = [...registries];
    this.rejectedTotal = new Counter({
      name: 'flink_bridge_push_rejected_total',
      help: 'Pushes refused (nothing stored), by reason: path, parse, timestamp, duplicate, conflict, reserved, body_size, encoding, series_limit, group_limit.',
      labelNames: ['reason'] as const,
      registers,
    });
    this.groupsGauge = new Gauge({ name: 'flink_bridge_push_groups', help: 'Push groups held (grouping keys).', registers });
    this.seriesGauge = new Gauge({ name: 'flink_bridge_push_series', help: 'Series held by push groups, their push_time_seconds gauges not counted.', registers });
    this.groupsRemoved = new Counter({
      name: 'flink_bridge_push_groups_removed_total',
      help: 'Push groups removed other than by DELETE, by cause: ttl (no push for push.group_ttl), job_finished (their Flink jobs ended), replaced (the same process pushed under a new random job suffix, push.group_by_body_labels).',
      labelNames: ['cause'] as const,
      registers,
    });
  }

  rejected(reason: string): void {
    this.rejectedTotal.inc({ reason });
  }

  groups(count: number, series: number): void {
    this.groupsGauge.set(count);
    this.seriesGauge.set(series);
  }

  removed(cause: 'ttl' | 'job_finished' | 'replaced', n: number): void {
    if (n > 0) this.groupsRemoved.inc({ cause }, n);
  }
}
