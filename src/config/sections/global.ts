/**
 * The `global` section: poll and evaluation intervals, rate windows, external labels.
 * Cross-section rules (windows vs. poll interval) live in `../schema.ts`.
 */
import { z } from 'zod';
import { isValidLabelName } from '../../model/names.js';
import { GLOBAL_DEFAULTS, LIMITS } from '../defaults.js';
import { durationMs, durationValue, nullAsAbsent } from '../fields.js';

export const globalSectionSchema = z
  .strictObject({
    poll_interval: nullAsAbsent(
      durationMs({ min: LIMITS.minPollIntervalMs }).prefault(GLOBAL_DEFAULTS.poll_interval),
    ),
    evaluation_interval: nullAsAbsent(
      durationMs({ min: LIMITS.minEvaluationIntervalMs }).prefault(GLOBAL_DEFAULTS.evaluation_interval),
    ),
    windows: nullAsAbsent(
      z
        .array(durationValue({ min: 1 }))
        .min(1)
        .max(LIMITS.maxWindows)
        .prefault([...GLOBAL_DEFAULTS.windows]),
    ),
    external_labels: nullAsAbsent(z.record(z.string(), z.string()).prefault({})),
  })
  .superRefine((g, ctx) => {
    for (const name of Object.keys(g.external_labels)) {
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
  });

/** The validated `global` section before conversion to `BridgeConfig` (durations in ms). */
export type GlobalSection = z.output<typeof globalSectionSchema>;
