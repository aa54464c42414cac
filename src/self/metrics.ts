import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The sidecar's own metrics (`flink_bridge_*`), recorded with prom-client and copied into the series store as the
 * `self` source by {@link SelfSource} (src/self/self-source.ts), so that `/metrics`, PromQL, rules and remote-write
 * see them like any other series. One instance per process (the only allowed singleton-like object, DESIGN.md §4),
 * passed explicitly to the components that record into it. Structurally it is the Flink REST client's request
 * observer (`onRequest`), without importing from `sources/`.
 */
export class SelfMetrics {
  /** The one registry; read only by SelfSource (one registry: prom-client renames shared metric objects per format). */
  readonly registry = new Registry();
  private readonly registries = [this.registry];

  readonly restRequests = new Counter({
    name: 'flink_bridge_rest_requests_total',
    help: 'HTTP attempts to the Flink REST API, retries included, by poll-plan endpoint and outcome (HTTP status, timeout, connect, invalid).',
    labelNames: ['endpoint', 'code'] as const,
    registers: this.registries,
  });
  readonly restRequestDuration = new Histogram({
    name: 'flink_bridge_rest_request_duration_seconds',
    help: 'Duration of HTTP attempts to the Flink REST API, by poll-plan endpoint.',
    labelNames: ['endpoint'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: this.registries,
  });
  readonly pollDuration = new Histogram({
    name: 'flink_bridge_poll_duration_seconds',
    help: 'Duration of complete Flink REST poll cycles.',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: this.registries,
  });
  readonly pollCycles = new Counter({
    name: 'flink_bridge_poll_cycles_total',
    help: 'Flink REST poll cycles, by result (success: every endpoint answered; partial: some endpoints failed; unreachable: /overview failed).',
    labelNames: ['result'] as const,
    registers: this.registries,
  });
  readonly pollRequests = new Gauge({
    name: 'flink_bridge_poll_requests',
    help: 'HTTP requests made by the last poll cycle (retries included); O(jobs + vertices + TaskManagers), see README.',
    registers: this.registries,
  });
  readonly pollRequestsExpected = new Gauge({
    name: 'flink_bridge_poll_requests_planned',
    help: 'Requests the request-count formula predicts for the last cycle without discovery, exceptions or retries: 4 + T + sum over polled jobs of (3 + V_running).',
    registers: this.registries,
  });
  readonly endpointErrors = new Counter({
    name: 'flink_bridge_poll_endpoint_errors_total',
    help: 'Poll-plan endpoints that failed in a cycle (their series are missing for that cycle), by endpoint and error code.',
    labelNames: ['endpoint', 'code'] as const,
    registers: this.registries,
  });
  readonly aggregatedEmpty = new Counter({
    name: 'flink_bridge_aggregated_metrics_empty_total',
    help: 'Aggregated subtask-metric answers that came back empty although ids were requested (one id unknown to Flink empties the whole answer); names are re-discovered.',
    registers: this.registries,
  });
  readonly samplesIngested = new Counter({
    name: 'flink_bridge_samples_ingested_total',
    help: 'Samples appended to the series store, by source.',
    labelNames: ['source'] as const,
    registers: this.registries,
  });
  readonly storeSeries = new Gauge({
    name: 'flink_bridge_store_series',
    help: 'Series held in the in-memory series store.',
    registers: this.registries,
  });
  readonly storeSamples = new Gauge({
    name: 'flink_bridge_store_samples',
    help: 'Samples held in the in-memory series store.',
    registers: this.registries,
  });
  readonly storeRejected = new Counter({
    name: 'flink_bridge_store_rejected_samples_total',
    help: 'Samples or series the series store refused, by reason (out_of_order, duplicate, series_limit, invalid_name, conflict, unknown_ref).',
    labelNames: ['reason'] as const,
    registers: this.registries,
  });
  readonly lastPollSuccess = new Gauge({
    name: 'flink_bridge_last_poll_success_timestamp_seconds',
    help: 'Unix time of the last poll cycle in which the Flink REST API answered.',
    registers: this.registries,
  });

  readonly remoteWriteRequests = new Counter({
    name: 'flink_bridge_remote_write_requests_total',
    help: 'Requests to the remote-write receiver (POST /api/v1/write), by protocol (1.0, 2.0, unknown) and HTTP status code.',
    labelNames: ['protocol', 'code'] as const,
    registers: this.registries,
  });
  readonly remoteWriteRefused = new Counter({
    name: 'flink_bridge_remote_write_refused_requests_total',
    help: 'Remote-write requests refused whole (nothing written), by reason (decode, too_large, too_many_series, invalid_labels, out_of_order, duplicate, series_limit, conflict, native_histogram, unsupported_media_type).',
    labelNames: ['reason'] as const,
    registers: this.registries,
  });
  readonly remoteWriteHistogramsRefused = new Counter({
    name: 'flink_bridge_remote_write_native_histograms_refused_total',
    help: 'Native histogram samples received by remote-write and refused (native histograms are not supported; the request gets a 400).',
    registers: this.registries,
  });

  // Remote-write sender, named after Prometheus's prometheus_remote_storage_* (storage/remote/queue_manager.go).
  readonly remoteStorageSamples = new Counter({
    name: 'flink_bridge_remote_storage_samples_total',
    help: 'Samples of the remote-write sender by remote and outcome: sent (acknowledged by the receiver), retried (a send attempt failed recoverably), failed (refused with a non-retryable status, reason = status), dropped (reason relabel or disk_limit).',
    labelNames: ['remote_name', 'url', 'outcome', 'reason'] as const,
    registers: this.registries,
  });
  readonly remoteStoragePendingSamples = new Gauge({
    name: 'flink_bridge_remote_storage_samples_pending',
    help: 'Samples in the durable log not yet acknowledged by the receiver.',
    labelNames: ['remote_name', 'url'] as const,
    registers: this.registries,
  });
  readonly remoteStorageBytesOnDisk = new Gauge({
    name: 'flink_bridge_remote_storage_bytes_on_disk',
    help: 'Bytes of the durable log (segment files) of a remote.',
    labelNames: ['remote_name', 'url'] as const,
    registers: this.registries,
  });
  readonly remoteStoragePendingBytes = new Gauge({
    name: 'flink_bridge_remote_storage_bytes_pending',
    help: 'Bytes of the durable log not yet acknowledged by the receiver.',
    labelNames: ['remote_name', 'url'] as const,
    registers: this.registries,
  });
  readonly remoteStorageHighestSent = new Gauge({
    name: 'flink_bridge_remote_storage_queue_highest_sent_timestamp_seconds',
    help: 'Newest sample timestamp acknowledged by the receiver, Unix seconds.',
    labelNames: ['remote_name', 'url'] as const,
    registers: this.registries,
  });
  readonly remoteStorageMetadata = new Counter({
    name: 'flink_bridge_remote_storage_metadata_total',
    help: 'Family metadata entries of remote-write 1.0 metadata requests (metadata_config) by outcome: sent, retried, failed (non-retryable status or given up at the next interval).',
    labelNames: ['remote_name', 'url', 'outcome'] as const,
    registers: this.registries,
  });
  readonly remoteStorageShards = new Gauge({
    name: 'flink_bridge_remote_storage_shards',
    help: 'Concurrent senders of a remote (this version sends in order from one log: 1).',
    labelNames: ['remote_name', 'url'] as const,
    registers: this.registries,
  });

  // Notifier (src/notify/), named after Prometheus's prometheus_notifications_* (notifier/metric.go); `destination`
  // is an Alertmanager's POST URL or `webhook:<name>` (webhook URLs may carry tokens, so their names are used).
  readonly notificationsSent = new Counter({
    name: 'flink_bridge_notifications_sent_total',
    help: 'Alerts delivered (2xx) to an Alertmanager or webhook, by destination.',
    labelNames: ['destination'] as const,
    registers: this.registries,
  });
  readonly notificationsErrors = new Counter({
    name: 'flink_bridge_notifications_errors_total',
    help: 'Alerts in failed send attempts (network error, timeout, non-2xx), by destination; retried attempts count again.',
    labelNames: ['destination'] as const,
    registers: this.registries,
  });
  readonly notificationsRetried = new Counter({
    name: 'flink_bridge_notifications_retried_total',
    help: 'Alerts sent again after a failed attempt (Prometheus drops a failed batch; the sidecar retries until the alerts expire), by destination.',
    labelNames: ['destination'] as const,
    registers: this.registries,
  });
  readonly notificationsDropped = new Counter({
    name: 'flink_bridge_notifications_dropped_total',
    help: 'Alerts not delivered, by destination and reason: queue_full (oldest dropped), expired (endsAt passed while retrying), rejected (non-retryable status), shutdown (not sent before the stop deadline).',
    labelNames: ['destination', 'reason'] as const,
    registers: this.registries,
  });
  readonly notificationsQueueLength = new Gauge({
    name: 'flink_bridge_notifications_queue_length',
    help: 'Notifications waiting in the queue of a destination (alerts for an Alertmanager, group messages for a webhook).',
    labelNames: ['destination'] as const,
    registers: this.registries,
  });
  readonly notificationsQueueCapacity = new Gauge({
    name: 'flink_bridge_notifications_queue_capacity',
    help: 'The capacity of each destination\'s notification queue (alerting.notification_queue_capacity).',
    registers: this.registries,
  });
  readonly notificationsLatency = new Histogram({
    name: 'flink_bridge_notifications_latency_seconds',
    help: 'Duration of successful notification requests, by destination.',
    labelNames: ['destination'] as const,
    buckets: [0.01, 0.1, 1, 10],
    registers: this.registries,
  });
  readonly notificationsAlertmanagers = new Gauge({
    name: 'flink_bridge_notifications_alertmanagers_discovered',
    help: 'Alertmanagers configured (static targets of alerting.alertmanagers).',
    registers: this.registries,
  });

  // Rule manager (src/rules/manager.ts), named after Prometheus's prometheus_rule_* (rules/group.go NewGroupMetrics);
  // `rule_group` is Prometheus's GroupKey: `<file>;<group name>`.
  readonly ruleEvaluations = new Counter({
    name: 'flink_bridge_rule_evaluations_total',
    help: 'Rule evaluations (one per rule per group iteration), by rule group.',
    labelNames: ['rule_group'] as const,
    registers: this.registries,
  });
  readonly ruleEvaluationFailures = new Counter({
    name: 'flink_bridge_rule_evaluation_failures_total',
    help: 'Rule evaluations that failed (the rule reports health "err"), by rule group.',
    labelNames: ['rule_group'] as const,
    registers: this.registries,
  });
  readonly ruleGroupIterationsMissed = new Counter({
    name: 'flink_bridge_rule_group_iterations_missed_total',
    help: 'Rule group evaluations missed because the previous one ran past the next slot, by rule group.',
    labelNames: ['rule_group'] as const,
    registers: this.registries,
  });
  readonly ruleGroupIterations = new Counter({
    name: 'flink_bridge_rule_group_iterations_total',
    help: 'Scheduled rule group evaluations, whether executed or missed, by rule group.',
    labelNames: ['rule_group'] as const,
    registers: this.registries,
  });
  readonly ruleGroupInterval = new Gauge({
    name: 'flink_bridge_rule_group_interval_seconds',
    help: 'The evaluation interval of a rule group.',
    labelNames: ['rule_group'] as const,
    registers: this.registries,
  });
  readonly ruleGroupLastDuration = new Gauge({
    name: 'flink_bridge_rule_group_last_duration_seconds',
    help: 'How long the last evaluation of a rule group took.',
    labelNames: ['rule_group'] as const,
    registers: this.registries,
  });
  readonly ruleGroupLastEvaluation = new Gauge({
    name: 'flink_bridge_rule_group_last_evaluation_timestamp_seconds',
    help: 'When the last evaluation of a rule group started (Unix seconds).',
    labelNames: ['rule_group'] as const,
    registers: this.registries,
  });
  readonly ruleGroupRules = new Gauge({
    name: 'flink_bridge_rule_group_rules',
    help: 'The number of rules of a rule group.',
    labelNames: ['rule_group'] as const,
    registers: this.registries,
  });
  readonly ruleStateWriteFailures = new Counter({
    name: 'flink_bridge_rule_state_write_failures_total',
    help: 'Failed writes of the alert state file (<storage.path>/rules/alerts.json).',
    registers: this.registries,
  });
  // Config reload (Prometheus's prometheus_config_last_reload_*, cmd/prometheus/main.go): the config file and the rule files.
  readonly configLastReloadSuccessful = new Gauge({
    name: 'flink_bridge_config_last_reload_successful',
    help: 'Whether the last configuration reload (config file and rule files) succeeded (1) or not (0).',
    registers: this.registries,
  });
  readonly configLastReloadSuccessTimestamp = new Gauge({
    name: 'flink_bridge_config_last_reload_success_timestamp_seconds',
    help: 'When the last successful configuration load happened (Unix seconds).',
    registers: this.registries,
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) {
      collectDefaultMetrics({ register: this.registry, prefix: 'flink_bridge_' });
    }
  }

  onRequest(endpoint: string, outcome: string, durationSeconds: number): void {
    this.restRequests.inc({ endpoint, code: outcome });
    this.restRequestDuration.observe({ endpoint }, durationSeconds);
  }
}
