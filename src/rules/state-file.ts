/**
 * The alert state file `<storage.path>/rules/alerts.json`: every group's {@link PersistedGroupState}, written whole
 * through a temporary file and a rename (a crash leaves the old file or the new one, never half of one), read once
 * at start. Plays the part of Prometheus's `ALERTS_FOR_STATE` series, which the sidecar's in-memory store cannot
 * keep across a restart.
 *
 * Shape: `{"version":1,"groups":[PersistedGroupState…]}`. `undefined` fields are left out (JSON), so readers treat a
 * missing optional time as undefined.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { AlertState, PersistedAlert, PersistedGroupState } from './types.js';

export const STATE_FILE_VERSION = 1;

/** Where the state file lives under `--storage.path`. */
export function alertStatePath(storagePath: string): string {
  return join(storagePath, 'rules', 'alerts.json');
}

/** Writes `groups` atomically (temp file in the same directory + rename). Rejects with the fs error. */
export async function writeAlertState(path: string, groups: readonly PersistedGroupState[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, `${JSON.stringify({ version: STATE_FILE_VERSION, groups })}\n`);
  await rename(tmp, path);
}

/**
 * Reads the state file. A missing file is an empty state; a file that does not parse or has another version is
 * reported through `onInvalid` and treated as empty (a restart must not fail because of stale state), as are
 * entries that do not have the expected shape.
 */
export async function readAlertState(path: string, onInvalid: (reason: string) => void = () => {}): Promise<PersistedGroupState[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    onInvalid(`cannot read ${path}: ${(e as Error).message}`);
    return [];
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    onInvalid(`${path} is not JSON: ${(e as Error).message}`);
    return [];
  }
  if (!isRecord(doc) || doc['version'] !== STATE_FILE_VERSION || !Array.isArray(doc['groups'])) {
    onInvalid(`${path} is not an alert state file of version ${STATE_FILE_VERSION}`);
    return [];
  }
  const out: PersistedGroupState[] = [];
  for (const g of doc['groups'] as unknown[]) {
    const parsed = parseGroup(g);
    if (parsed === undefined) onInvalid(`${path}: skipped a group entry of an unexpected shape`);
    else out.push(parsed);
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringRecord(v: unknown): v is Record<string, string> {
  return isRecord(v) && Object.values(v).every((x) => typeof x === 'string');
}

const STATES: readonly AlertState[] = ['inactive', 'pending', 'firing'];

function optTime(v: unknown): number | undefined | null {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function parseAlert(a: unknown): PersistedAlert | undefined {
  if (!isRecord(a) || !isStringRecord(a['labels']) || !isStringRecord(a['annotations'])) return undefined;
  const state = a['state'];
  if (typeof state !== 'string' || !STATES.includes(state as AlertState)) return undefined;
  const activeAtMs = a['activeAtMs'];
  if (typeof activeAtMs !== 'number' || !Number.isFinite(activeAtMs)) return undefined;
  const firedAtMs = optTime(a['firedAtMs']);
  const resolvedAtMs = optTime(a['resolvedAtMs']);
  const keepFiringSinceMs = optTime(a['keepFiringSinceMs']);
  const lastSentAtMs = optTime(a['lastSentAtMs']);
  if (firedAtMs === null || resolvedAtMs === null || keepFiringSinceMs === null || lastSentAtMs === null) return undefined;
  // JSON has no NaN or ±Inf: they are written as null and read back as NaN (an alert's value is informational).
  const value = typeof a['value'] === 'number' ? a['value'] : NaN;
  return {
    labels: a['labels'],
    annotations: a['annotations'],
    state: state as AlertState,
    activeAtMs,
    firedAtMs,
    resolvedAtMs,
    keepFiringSinceMs,
    lastSentAtMs,
    value,
  };
}

function parseGroup(g: unknown): PersistedGroupState | undefined {
  if (!isRecord(g) || typeof g['file'] !== 'string' || typeof g['name'] !== 'string' || typeof g['savedAtMs'] !== 'number') return undefined;
  if (!Array.isArray(g['rules'])) return undefined;
  const rules: { index: number; alert: string; alerts: PersistedAlert[] }[] = [];
  for (const r of g['rules'] as unknown[]) {
    if (!isRecord(r) || typeof r['index'] !== 'number' || typeof r['alert'] !== 'string' || !Array.isArray(r['alerts'])) return undefined;
    const alerts: PersistedAlert[] = [];
    for (const a of r['alerts'] as unknown[]) {
      const pa = parseAlert(a);
      if (pa === undefined) return undefined;
      alerts.push(pa);
    }
    rules.push({ index: r['index'], alert: r['alert'], alerts });
  }
  return { file: g['file'], name: g['name'], savedAtMs: g['savedAtMs'], rules };
}
