/**
 * The rule manager: keeps the loaded rule groups, evaluates each on its own slotted timer, replaces them on reload
 * and persists their alert state. Matches Prometheus 3.16 `rules/manager.go` (`Update`, `RuleGroups`) and the
 * scheduling of `rules/group.go` (`Group.run`, `EvalTimestamp`):
 *
 * - a group is identified by `file;name` (`GroupKey`); it evaluates at `hash(file, name) mod interval + k × interval`
 *   (src/rules/schedule.ts), the first time at the first slot after start; each timer aims at the next slot, not
 *   at "now + interval", so evaluations never drift; a slow evaluation skips the slots it overran, counted in
 *   `flink_bridge_rule_group_iterations_missed_total`;
 * - `update` (a reload) keeps a group whose definition did not change running untouched; a changed group is stopped
 *   (its evaluation in flight finishes), its replacement takes over its state (`copyState`) and runs; a group that
 *   is gone is stopped and, two intervals later, its series get staleness markers (`markStale`), as Prometheus's
 *   `markStale`/`cleanupStaleSeries` (unless the manager stops first);
 * - a rule file that does not load keeps every running group as it is (`load` rethrows, the caller sets the reload
 *   self-metric);
 * - alert state is written to the state file (src/rules/state-file.ts) after each evaluation that changed it or
 *   has alerts (so its save time is the "down since" of a later restore) and at `stop`; at start each group of the
 *   first rule set gets its saved state through `restore` once, after its second evaluation, as Prometheus's
 *   `RestoreForState` runs after the second iteration (the first may not see recording-rule output yet).
 */
import type { Logger } from '../log/logger.js';
import type { SelfMetrics } from '../self/metrics.js';
import { evalSlotAtOrBefore, groupOffsetNs, msToNs, nextSlot, slotMs } from './schedule.js';
import { readAlertState, writeAlertState } from './state-file.js';
import type { PersistedGroupState, RuleFile, RuleGroupRunner, RuleGroupSpec } from './types.js';

/** The longest delay a Node timer takes as given. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Prometheus's `GroupKey(file, name)`: the identity of a group, and the `rule_group` label of its self-metrics. */
export function groupKey(file: string, name: string): string {
  return `${file};${name}`;
}

export interface RuleManagerOptions {
  /**
   * Loads the `rule_files` globs, relative to `baseDir` (the config file's directory): `loadRuleFiles` of
   * src/rules/file/. Throws (RuleFileError / RuleFileErrors) for a file that does not load or validate.
   */
  readonly loadRules: (globs: readonly string[], baseDir: string) => readonly RuleFile[] | Promise<readonly RuleFile[]>;
  /** Builds the runner of a group (`createRuleGroup` with the app's store, engine and options). */
  readonly createGroup: (spec: RuleGroupSpec) => RuleGroupRunner;
  /** The alert state file (`<storage.path>/rules/alerts.json`); undefined: nothing persisted or restored. */
  readonly statePath?: string;
  readonly logger: Logger;
  readonly self?: SelfMetrics;
  /** Clock, Unix ms; default `Date.now` (vitest fake timers replace both). */
  readonly now?: () => number;
}

/** One scheduled group. */
interface Entry {
  readonly key: string;
  readonly runner: RuleGroupRunner;
  /** Canonical definition (spec without positions + the options fingerprint), compared on reload (`Group.Equals`). */
  readonly definition: string;
  readonly intervalNs: bigint;
  readonly offsetNs: bigint;
  timer: NodeJS.Timeout | undefined;
  /** The slot of the last (or the first, before it ran) evaluation. */
  slotNs: bigint;
  /** The evaluation in flight. */
  running: Promise<void> | undefined;
  stopped: boolean;
  iterations: number;
  /** Saved state still to be handed to `restore` (after the second evaluation). */
  restorePending: PersistedGroupState | undefined;
  /** Last snapshot's `rules` as JSON, to tell whether the state changed. */
  lastRulesJson: string;
}

export class RuleManager {
  private readonly log: Logger;
  private readonly now: () => number;
  private entries = new Map<string, Entry>();
  private started = false;
  private stopping = false;
  /** Serialises update / start / stop. */
  private chain: Promise<unknown> = Promise.resolve();
  /** What the state file holds (and will hold at the next write), by group key. */
  private readonly persisted = new Map<string, PersistedGroupState>();
  private writing: Promise<void> | undefined;
  private writeAgain = false;
  private readonly staleTimers = new Set<NodeJS.Timeout>();
  /** The state file had groups at start (it must be rewritten even when every alert is gone). */
  private stateFileRead = false;

  constructor(private readonly opts: RuleManagerOptions) {
    this.log = opts.logger;
    this.now = opts.now ?? Date.now;
  }

  /**
   * Loads `globs` (relative to `baseDir`) and applies them with {@link update}. On a load error nothing changes:
   * every problem is logged (`file:line:col: …`) and the error is rethrown.
   * @param optionsFingerprint text that changes when the options every group is built with change (default interval
   *   and query offset, external labels and URL…): groups are then replaced even if their definition is the same
   */
  load(globs: readonly string[], baseDir: string, optionsFingerprint = ''): Promise<void> {
    return this.serial(async () => {
      let files: readonly RuleFile[];
      try {
        files = await this.opts.loadRules(globs, baseDir);
      } catch (e) {
        const errs = e instanceof Error && 'errors' in e && Array.isArray((e as { errors: unknown }).errors) ? ((e as { errors: unknown[] }).errors) : [e];
        for (const err of errs) this.log.error({ err: err instanceof Error ? err.message : String(err) }, 'loading rule groups failed');
        throw e;
      }
      await this.apply(files, optionsFingerprint);
    });
  }

  /** Applies already loaded files (`Manager.Update`). See {@link load} for `optionsFingerprint`. */
  update(files: readonly RuleFile[], optionsFingerprint = ''): Promise<void> {
    return this.serial(() => this.apply(files, optionsFingerprint));
  }

  /**
   * Reads the state file (the saved state is restored into the groups loaded now) and starts every group's timer.
   * Call after the first `load`/`update`, once the sources run (Prometheus's `Manager.Run` unblocking the groups).
   */
  start(): Promise<void> {
    return this.serial(async () => {
      if (this.started) return;
      if (this.opts.statePath !== undefined) {
        const saved = await readAlertState(this.opts.statePath, (reason) => this.log.warn({ reason }, 'ignoring alert state file'));
        this.stateFileRead = saved.length > 0;
        for (const s of saved) {
          const e = this.entries.get(groupKey(s.file, s.name));
          if (e === undefined) continue;
          e.restorePending = s;
          this.persisted.set(e.key, s);
        }
      }
      this.started = true;
      for (const e of this.entries.values()) this.schedule(e);
    });
  }

  /**
   * Stops every timer, waits for the evaluations in flight, writes the alert state one last time. Removed groups'
   * pending staleness markers are not written (as Prometheus skips them when its manager stops).
   */
  stop(): Promise<void> {
    return this.serial(async () => {
      this.stopping = true;
      for (const t of this.staleTimers) clearTimeout(t);
      this.staleTimers.clear();
      await Promise.all([...this.entries.values()].map((e) => this.halt(e)));
      if (this.started) {
        for (const e of this.entries.values()) this.remember(e, true);
        await this.flush();
      }
      this.started = false;
    });
  }

  /** The groups, ordered by file then name (`Manager.RuleGroups`). */
  groups(): RuleGroupRunner[] {
    return [...this.entries.values()]
      .sort((a, b) => compareStrings(a.runner.spec.file, b.runner.spec.file) || compareStrings(a.runner.spec.name, b.runner.spec.name))
      .map((e) => e.runner);
  }

  /** Resolves when the state file writes queued so far are done (tests, shutdown). */
  async flush(): Promise<void> {
    this.queueWrite();
    while (this.writing !== undefined) await this.writing;
  }

  private serial<T>(f: () => Promise<T>): Promise<T> {
    const p = this.chain.then(f);
    this.chain = p.catch(() => undefined);
    return p;
  }

  private async apply(files: readonly RuleFile[], fingerprint: string): Promise<void> {
    if (this.stopping) return;
    const old = this.entries;
    const next = new Map<string, Entry>();
    const work: Promise<void>[] = [];
    for (const file of files) {
      for (const spec of file.groups) {
        const key = groupKey(spec.file, spec.name);
        const definition = `${fingerprint}\n${canonicalSpec(spec)}`;
        const prev = old.get(key);
        old.delete(key);
        if (prev !== undefined && prev.definition === definition) {
          next.set(key, prev);
          continue;
        }
        const entry = this.makeEntry(key, spec, definition);
        next.set(key, entry);
        work.push(
          (async () => {
            if (prev !== undefined) {
              await this.halt(prev);
              entry.runner.copyState(prev.runner);
              entry.restorePending = prev.restorePending;
              entry.lastRulesJson = prev.lastRulesJson;
            }
            if (this.started) this.schedule(entry);
          })(),
        );
      }
    }
    for (const [key, gone] of old) {
      work.push(
        (async () => {
          await this.halt(gone);
          this.persisted.delete(key);
          this.forgetMetrics(key);
          this.markStaleLater(gone);
        })(),
      );
    }
    await Promise.all(work);
    this.entries = next;
    for (const e of next.values()) {
      // Counters exist from the group's start (Prometheus's NewGroup: `IterationsMissed.WithLabelValues(key)`).
      for (const c of [this.opts.self?.ruleGroupIterationsMissed, this.opts.self?.ruleGroupIterations, this.opts.self?.ruleEvaluations, this.opts.self?.ruleEvaluationFailures]) {
        c?.inc({ rule_group: e.key }, 0);
      }
      this.opts.self?.ruleGroupInterval.set({ rule_group: e.key }, Number(e.intervalNs) / 1e9);
      this.opts.self?.ruleGroupRules.set({ rule_group: e.key }, e.runner.spec.rules.length);
    }
    if (old.size > 0 && this.started) this.queueWrite();
  }

  private makeEntry(key: string, spec: RuleGroupSpec, definition: string): Entry {
    const runner = this.opts.createGroup(spec);
    return {
      key,
      runner,
      definition,
      intervalNs: msToNs(runner.intervalMs),
      offsetNs: groupOffsetNs(spec.file, spec.name, runner.intervalMs),
      timer: undefined,
      slotNs: 0n,
      running: undefined,
      stopped: false,
      iterations: 0,
      restorePending: undefined,
      lastRulesJson: '[]',
    };
  }

  /** First timer of a group: the first slot after now (`EvalTimestamp(now) + interval`). */
  private schedule(e: Entry): void {
    if (e.stopped || e.timer !== undefined) return;
    const nowNs = msToNs(this.now());
    e.slotNs = evalSlotAtOrBefore(nowNs, e.intervalNs, e.offsetNs) + e.intervalNs;
    this.arm(e, e.slotNs, () => this.iterate(e, e.slotNs, 0));
  }

  private arm(e: Entry, atNs: bigint, fire: () => void): void {
    const delayNs = atNs - msToNs(this.now());
    // Round up: a timer must not fire before its slot (the slot's ms timestamp would lie in the future).
    const delayMs = delayNs <= 0n ? 0 : Number((delayNs + 999_999n) / 1_000_000n);
    // Node fires a timer longer than 2^31−1 ms (~24.8 days) at once: a longer interval waits in steps.
    if (delayMs > MAX_TIMER_MS) {
      e.timer = setTimeout(() => {
        e.timer = undefined;
        if (!e.stopped) this.arm(e, atNs, fire);
      }, MAX_TIMER_MS);
      e.timer.unref?.();
      return;
    }
    e.timer = setTimeout(() => {
      e.timer = undefined;
      fire();
    }, delayMs);
    e.timer.unref?.();
  }

  /** Next tick after an iteration: aims at the next slot; when it fires late, skips (and counts) the slots it overran. */
  private armNext(e: Entry): void {
    if (e.stopped) return;
    this.arm(e, e.slotNs + e.intervalNs, () => {
      const { slotNs, missed } = nextSlot(e.slotNs, msToNs(this.now()), e.intervalNs);
      e.slotNs = slotNs;
      this.iterate(e, slotNs, missed);
    });
  }

  private iterate(e: Entry, slotNs: bigint, missed: number): void {
    if (e.stopped) return;
    const self = this.opts.self;
    const labels = { rule_group: e.key };
    if (missed > 0) self?.ruleGroupIterationsMissed.inc(labels, missed);
    self?.ruleGroupIterations.inc(labels, missed + 1);
    e.running = this.evaluate(e, slotMs(slotNs)).finally(() => {
      e.running = undefined;
      this.armNext(e);
    });
  }

  private async evaluate(e: Entry, tsMs: number): Promise<void> {
    const r = e.runner;
    try {
      await r.evaluate(tsMs);
    } catch (err) {
      // The contract says evaluate never throws; a bug must not stop the group's timer.
      this.log.error({ group: e.key, err: err instanceof Error ? err.message : String(err) }, 'rule group evaluation threw');
    }
    e.iterations++;
    const self = this.opts.self;
    if (self !== undefined) {
      const labels = { rule_group: e.key };
      const statuses = r.status();
      self.ruleEvaluations.inc(labels, statuses.length);
      const failed = statuses.filter((s) => s.health === 'err').length;
      if (failed > 0) self.ruleEvaluationFailures.inc(labels, failed);
      self.ruleGroupLastDuration.set(labels, r.lastDurationMs / 1000);
      if (r.lastEvaluationMs !== undefined) self.ruleGroupLastEvaluation.set(labels, r.lastEvaluationMs / 1000);
    }
    if (e.restorePending !== undefined && e.iterations >= 2 && !e.stopped) {
      const saved = e.restorePending;
      e.restorePending = undefined;
      try {
        r.restore(saved, this.now());
      } catch (err) {
        this.log.error({ group: e.key, err: err instanceof Error ? err.message : String(err) }, 'restoring alert state failed');
      }
    }
    if (this.remember(e, false)) this.queueWrite();
  }

  /**
   * Takes the group's snapshot into what the state file holds. While a restore is pending the saved state stays (a
   * crash before the restore must not lose it). Returns whether the file needs writing: the alerts changed, or
   * there are alerts (their save time moves on), or `force`.
   */
  private remember(e: Entry, force: boolean): boolean {
    if (this.opts.statePath === undefined || e.restorePending !== undefined) return false;
    const snap = e.runner.snapshot(this.now());
    const rulesJson = JSON.stringify(snap.rules);
    const hasAlerts = snap.rules.some((r) => r.alerts.length > 0);
    const changed = rulesJson !== e.lastRulesJson;
    e.lastRulesJson = rulesJson;
    if (!changed && !hasAlerts && !force) return false;
    if (hasAlerts || this.persisted.has(e.key)) this.persisted.set(e.key, snap);
    return true;
  }

  /** Writes the state file; writes requested while one runs coalesce into one more write. */
  private queueWrite(): void {
    const path = this.opts.statePath;
    // Nothing to keep and no file to update: a sidecar without alerting rules leaves no state file behind.
    if (path === undefined || (this.persisted.size === 0 && !this.stateFileRead)) return;
    if (this.writing !== undefined) {
      this.writeAgain = true;
      return;
    }
    this.writing = (async () => {
      do {
        this.writeAgain = false;
        try {
          await writeAlertState(path, [...this.persisted.values()]);
        } catch (err) {
          this.opts.self?.ruleStateWriteFailures.inc();
          this.log.error({ path, err: err instanceof Error ? err.message : String(err) }, 'writing the alert state file failed');
        }
      } while (this.writeAgain);
      this.writing = undefined;
    })();
  }

  /** Stops a group's timer and waits for its evaluation in flight (`Group.stop`). */
  private async halt(e: Entry): Promise<void> {
    e.stopped = true;
    if (e.timer !== undefined) clearTimeout(e.timer);
    e.timer = undefined;
    if (e.running !== undefined) await e.running;
  }

  private markStaleLater(e: Entry): void {
    const markStale = e.runner.markStale?.bind(e.runner);
    if (markStale === undefined || !this.started) return;
    const stoppedAtMs = this.now();
    const t = setTimeout(() => {
      this.staleTimers.delete(t);
      markStale(stoppedAtMs).catch((err: unknown) =>
        this.log.error({ group: e.key, err: err instanceof Error ? err.message : String(err) }, 'writing staleness markers of a removed group failed'),
      );
    }, Math.min(MAX_TIMER_MS, Number(e.intervalNs / 1_000_000n) * 2));
    t.unref?.();
    this.staleTimers.add(t);
  }

  private forgetMetrics(key: string): void {
    const s = this.opts.self;
    if (s === undefined) return;
    const labels = { rule_group: key };
    for (const m of [s.ruleEvaluations, s.ruleEvaluationFailures, s.ruleGroupIterationsMissed, s.ruleGroupIterations]) m.remove(labels);
    for (const m of [s.ruleGroupInterval, s.ruleGroupLastDuration, s.ruleGroupLastEvaluation, s.ruleGroupRules]) m.remove(labels);
  }
}

/** Go's `strings.Compare` (byte order of UTF-8; code-point order, which UTF-16 comparison differs from only past U+FFFF). */
function compareStrings(a: string, b: string): number {
  return a === b ? 0 : Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * A group's definition as text for `Group.Equals`: everything but positions (moving a group in its file does not
 * restart it), label maps with sorted keys (label sets are sets).
 */
export function canonicalSpec(spec: RuleGroupSpec): string {
  return JSON.stringify(spec, (k, v: unknown) => {
    if (k === 'pos') return undefined;
    if ((k === 'labels' || k === 'annotations') && typeof v === 'object' && v !== null) {
      return Object.fromEntries(Object.entries(v as Record<string, string>).sort(([a], [b]) => compareStrings(a, b)));
    }
    return v;
  });
}
