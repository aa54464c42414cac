/**
 * The `global` section: poll and evaluation intervals, rate windows, external labels. This file owns the section's
 * keys, defaults, validation and its frozen runtime shape (`GlobalConfig`).
 *
 * ```yaml
 * global:
 *   poll_interval: 15s          # >= 1s
 *   evaluation_interval: 1m     # >= 1s; how often rule groups without their own `interval` evaluate
 *   rule_query_offset: 0s       # rule queries look this far back (groups' `query_offset` overrides it)
 *   windows: [1m, 5m, 15m]      # 1..16, unique after normalisation, each >= 2 × poll_interval
 *   external_labels: {}         # added to every series sent by remote_write (a series' own label wins)
 * ```
 */
import { z } from 'zod';
import { isValidLabelName } from '../../model/names.js';
import { formatDuration, parseDuration } from '../duration.js';
import { durationMs, durationValue, nullAsAbsent } from '../fields.js';

/** Defaults of the `global` section, written as in the config file. */
export const GLOBAL_DEFAULTS = {
  poll_interval: '15s',
  evaluation_interval: '1m',
  rule_query_offset: '0s',
  windows: ['1m', '5m', '15m'],
} as const;

const DEFAULT_EVALUATION_INTERVAL_MS = parseDuration(GLOBAL_DEFAULTS.evaluation_interval);

/** Bounds the schema enforces. */
export const GLOBAL_LIMITS = {
  minPollIntervalMs: 1000,
  minEvaluationIntervalMs: 1000,
  maxWindows: 16,
} as const;

/**
 * Keys that are accepted but not used yet, with the feature that will use them. Set in a file, each gets a warning
 * at start (`reservedKeyWarnings`) until that feature lands (issue 5 §3.6).
 */
export const RESERVED_GLOBAL_KEYS: Readonly<Record<never, string>> = {};

/** A key of `RESERVED_GLOBAL_KEYS`. */
export type ReservedGlobalKey = keyof typeof RESERVED_GLOBAL_KEYS;

/** One rate window: its normalised name (Prometheus duration format, e.g. `1m` for `60s`) and length in ms. */
export interface WindowConfig {
  readonly name: string;
  readonly ms: number;
}

/** `global` section, runtime shape. */
export interface GlobalConfig {
  /** How often the Flink REST API is polled, ms (>= 1000). */
  readonly pollIntervalMs: number;
  /** How often rule groups evaluate unless they set `interval`, ms (>= 1000) (Prometheus's `evaluation_interval`). */
  readonly evaluationIntervalMs: number;
  /** How far back rule queries look unless a group sets `query_offset`, ms (Prometheus's `rule_query_offset`). */
  readonly ruleQueryOffsetMs: number;
  /** Rate windows, unique, sorted ascending by length; each at least two poll intervals. */
  readonly windows: readonly WindowConfig[];
  /** Labels added to every series leaving the sidecar (valid, non-reserved label names); used by remote_write. */
  readonly externalLabels: Readonly<Record<string, string>>;
  /** Reserved keys the config file sets (in file order of `RESERVED_GLOBAL_KEYS`); empty for the defaults. */
  readonly reservedKeysSet: readonly ReservedGlobalKey[];
}

export const globalSectionSchema = z
  .strictObject({
    poll_interval: nullAsAbsent(
      durationMs({ min: GLOBAL_LIMITS.minPollIntervalMs }).prefault(GLOBAL_DEFAULTS.poll_interval),
    ),
    evaluation_interval: nullAsAbsent(durationMs({ min: GLOBAL_LIMITS.minEvaluationIntervalMs }).optional()),
    rule_query_offset: nullAsAbsent(durationMs({ min: 0 }).prefault(GLOBAL_DEFAULTS.rule_query_offset)),
    windows: nullAsAbsent(
      z
        .array(durationValue({ min: 1 }))
        .min(1)
        .max(GLOBAL_LIMITS.maxWindows)
        .prefault([...GLOBAL_DEFAULTS.windows]),
    ),
    external_labels: nullAsAbsent(z.record(z.string(), z.string()).optional()),
  })
  .superRefine((g, ctx) => {
    for (const name of Object.keys(g.external_labels ?? {})) {
      if (!isValidLabelName(name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['external_labels', name],
          params: { atKey: true },
          message: `${JSON.stringify(name)} is not a valid label name (must match [a-zA-Z_][a-zA-Z0-9_]*)`,
        });
      } else if (name.startsWith('__')) {
        ctx.addIssue({
          code: 'custom',
          path: ['external_labels', name],
          params: { atKey: true },
          message: `${JSON.stringify(name)} is reserved (label names starting with "__" are internal)`,
        });
      }
    }
    const seen = new Map<number, { index: number; text: string }>();
    g.windows.forEach((w, index) => {
      const path = ['windows', index];
      if (w.ms < 2 * g.poll_interval) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `${JSON.stringify(w.text)} is shorter than two poll intervals (2 × ${formatDuration(g.poll_interval)})`,
        });
      }
      const prev = seen.get(w.ms);
      if (prev !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `${JSON.stringify(w.text)} duplicates ${JSON.stringify(prev.text)} (global.windows[${prev.index}])`,
        });
      } else {
        seen.set(w.ms, { index, text: w.text });
      }
    });
  });

/** The validated `global` section before resolution (durations in ms, snake_case). */
export type GlobalSection = z.output<typeof globalSectionSchema>;

/** The runtime `global` config: windows normalised and sorted, defaults of unset reserved keys filled in. */
export function resolveGlobal(g: GlobalSection): GlobalConfig {
  const reservedKeysSet: ReservedGlobalKey[] = [];
  return {
    pollIntervalMs: g.poll_interval,
    evaluationIntervalMs: g.evaluation_interval ?? DEFAULT_EVALUATION_INTERVAL_MS,
    ruleQueryOffsetMs: g.rule_query_offset,
    windows: g.windows.map((w) => ({ name: formatDuration(w.ms), ms: w.ms })).sort((a, b) => a.ms - b.ms),
    externalLabels: { ...g.external_labels },
    reservedKeysSet,
  };
}

/** The warning for a reserved key set in a file: it is accepted and does nothing yet. */
export function reservedKeyWarning(key: ReservedGlobalKey): string {
  return `global.${key} is set but not used yet: it is reserved for ${RESERVED_GLOBAL_KEYS[key]}`;
}

/** One warning line per reserved key the config sets (`reservedKeyWarning`). */
export function reservedKeyWarnings(g: GlobalConfig): string[] {
  return g.reservedKeysSet.map(reservedKeyWarning);
}
