import { describe, expect, it } from 'vitest';
import { PushRejectedError } from '../../../../src/errors.js';
import { parseTextExposition } from '../../../../src/exposition/index.js';
import { MemorySeriesStore } from '../../../../src/store/index.js';
import type { FeedEvent } from '../../../../src/store/types.js';
import { parseGroupingKey, type GroupingKey } from '../../../../src/sources/push/grouping-key.js';
import { removeFinishedJobSeries } from '../../../../src/sources/push/job-lifecycle.js';
import { PushReceiver, type PushLimits } from '../../../../src/sources/push/receiver.js';

const LIMITS: PushLimits = { maxGroups: 100, maxSeriesPerGroup: 1000, maxSeriesTotal: 10_000 };

function setup(limits: Partial<PushLimits> = {}, ttlMs = 120_000, groupByBodyLabels?: readonly string[]) {
  let now = 1_000_000;
  const store = new MemorySeriesStore({ retentionMs: 600_000, now: () => now });
  const commits: string[] = [];
  const removed: string[] = [];
  const receiver = new PushReceiver({
    store,
    groupTtlMs: ttlMs,
    limits: { ...LIMITS, ...limits },
    ...(groupByBodyLabels !== undefined ? { groupByBodyLabels } : {}),
    now: () => now,
    onCommit: (source) => commits.push(source),
    observer: { rejected: () => {}, groups: () => {}, removed: (cause, n) => removed.push(`${cause}:${n}`) },
  });
  const events: FeedEvent[] = [];
  store.feed.subscribe((b) => events.push(...b));
  return {
    store,
    receiver,
    commits,
    removed,
    events,
    advance: (ms: number) => (now += ms),
    key: (path: string) => parseGroupingKey(path) as GroupingKey,
    push: (path: string, text: string, replace = true) => receiver.push(parseGroupingKey(path) as GroupingKey, parseTextExposition(text), replace),
    values: (name: string) =>
      store
        .select([{ name: '__name__', op: '=', value: name }])
        .filter((s) => !s.isStale)
        .map((s) => s.lastValue),
  };
}

describe('PushReceiver', () => {
  it('applies a push whole or not at all: a refused push leaves the group as it was', () => {
    const t = setup();
    t.push('/job/j', 'a 1\nb 2\n');
    const before = t.store.seriesCount;
    expect(() => t.push('/job/j', 'a 5\nc 1\nc 2\n')).toThrow(PushRejectedError);
    expect(t.values('a')).toEqual([1]);
    expect(t.values('c')).toEqual([]);
    expect(t.store.seriesCount).toBe(before);
  });

  it('ends replaced series with staleness markers at the push', () => {
    const t = setup();
    t.push('/job/j', 'a 1\nb 2\n');
    t.advance(1000);
    t.push('/job/j', 'a 3\n');
    const b = t.store.select([{ name: '__name__', op: '=', value: 'b' }]);
    expect(b.map((s) => s.isStale)).toEqual([true]);
    expect(t.values('a')).toEqual([3]);
  });

  it('checks type conflicts against other groups only through the families the push brings', () => {
    const t = setup();
    t.push('/job/j1', '# TYPE x counter\nx 1\n');
    expect(() => t.push('/job/j2', '# TYPE x gauge\nx 1\n')).toThrow(/inconsistent with existing metrics/);
    t.push('/job/j2', '# TYPE x counter\nx 2\n');
    expect(t.values('x').sort()).toEqual([1, 2]);
  });

  it('expires a group group_ttl after its last successful push, with staleness markers, and counts it', () => {
    const t = setup({}, 10_000);
    t.push('/job/j', 'a 1\n');
    t.advance(9_000);
    expect(t.receiver.sweep()).toBe(0);
    t.push('/job/j', 'a 2\n');
    t.advance(9_000);
    expect(t.receiver.sweep()).toBe(0);
    t.advance(1_001);
    expect(t.receiver.sweep()).toBe(1);
    expect(t.values('a')).toEqual([]);
    expect(t.values('push_time_seconds')).toEqual([]);
    expect(t.events.filter((e) => e.kind === 'stale').length).toBeGreaterThanOrEqual(3);
    expect(t.removed).toEqual(['ttl:1']);
    expect(t.receiver.groupCount).toBe(0);
  });

  it('configure: a new TTL counts from each group\'s last push, groups stay, new limits refuse later pushes', () => {
    const t = setup({}, 60_000);
    t.push('/job/old', 'a 1\n');
    t.advance(20_000);
    t.push('/job/young', 'b 1\n');
    t.advance(5_000);
    t.receiver.configure({ groupTtlMs: 10_000, limits: { ...LIMITS, maxGroups: 2 } });
    expect(t.receiver.groupCount).toBe(2);
    // pushed 25 s and 5 s ago: the 10 s TTL has passed for the first only
    expect(t.receiver.sweep()).toBe(1);
    expect(t.values('a')).toEqual([]);
    expect(t.values('b')).toEqual([1]);
    t.push('/job/other', 'c 1\n');
    expect(() => t.push('/job/third', 'c 1\n')).toThrow(/max_groups = 2/);
    t.receiver.configure({ groupTtlMs: 60_000, limits: LIMITS });
    // young pushed at 20 s, other at 25 s: with 60 s they end at 80 s and 85 s (now 25 s)
    t.advance(54_000);
    expect(t.receiver.sweep()).toBe(0);
    t.advance(2_000);
    expect(t.receiver.sweep()).toBe(1);
  });

  it('does not extend the TTL by failed pushes', () => {
    const t = setup({}, 10_000);
    t.push('/job/j', 'a 1\n');
    t.advance(6_000);
    expect(() => t.push('/job/j', 'a 1 123\n')).toThrow(/timestamps/);
    t.advance(5_000);
    expect(t.receiver.sweep()).toBe(1);
  });

  it('ends the series of finished or unlisted jobs; removes a group only when nothing else is left in it', () => {
    const t = setup();
    t.push('/job/tm1', 'm{job_id="a"} 1\nm{job_id="b"} 2\nheap 3\n');
    t.push('/job/tm2', 'm{job_id="a"} 4\n');
    t.push('/job/jm', 'heap 5\n');
    const terminal = new Set(['FINISHED', 'CANCELED', 'FAILED']);
    t.advance(1000);
    expect(removeFinishedJobSeries(t.receiver, { jobs: new Map([['a', 'CANCELED'], ['b', 'RUNNING']]) }, terminal)).toEqual({ groups: 1, series: 1 });
    expect(t.receiver.view().map((g) => g.labels['job'])).toEqual(['jm', 'tm1']);
    expect(t.values('m')).toEqual([2]);
    expect(t.values('heap').sort()).toEqual([3, 5]);
    expect(t.receiver.seriesCount).toBe(3);
    // the ended series got a staleness marker at the pass's time
    const labelsOf = new Map(t.events.flatMap((e) => (e.kind === 'series' ? [[e.ref, e.labels] as const] : [])));
    const stale = t.events.flatMap((e) => (e.kind === 'stale' ? [labelsOf.get(e.ref)] : [])).filter((l) => l?.get('job_id') === 'a').map((l) => l?.get('job'));
    expect(stale.sort()).toEqual(['tm1', 'tm2']);
    // job b is no longer listed: its series end, tm1 keeps its process series and stays
    expect(removeFinishedJobSeries(t.receiver, { jobs: new Map() }, terminal)).toEqual({ groups: 0, series: 1 });
    expect(t.receiver.view().map((g) => [g.labels['job'], g.families.map((f) => f.name)])).toEqual([
      ['jm', ['heap']],
      ['tm1', ['heap']],
    ]);
    expect(t.removed).toEqual(['job_finished:1']);
  });

  it('answers 429 at the group and series limits, keeping what is stored', () => {
    const t = setup({ maxGroups: 2, maxSeriesPerGroup: 3, maxSeriesTotal: 5 });
    t.push('/job/a', 'm{i="1"} 1\nm{i="2"} 1\nm{i="3"} 1\n');
    const err = (f: () => void) => {
      try {
        f();
      } catch (e) {
        return e instanceof PushRejectedError ? [e.status, e.reason] : e;
      }
      return 'no error';
    };
    expect(err(() => t.push('/job/b', 'n{i="1"} 1\nn{i="2"} 1\nn{i="3"} 1\nn{i="4"} 1\n'))).toEqual([429, 'series_limit']);
    expect(err(() => t.push('/job/b', 'n{i="1"} 1\nn{i="2"} 1\nn{i="3"} 1\n'))).toEqual([429, 'series_limit']);
    t.push('/job/b', 'n{i="1"} 1\nn{i="2"} 1\n');
    expect(err(() => t.push('/job/c', 'o 1\n'))).toEqual([429, 'group_limit']);
    // Replacing a group's own series is not "more series".
    t.push('/job/a', 'm{i="4"} 1\nm{i="5"} 1\nm{i="6"} 1\n');
    expect(t.receiver.seriesCount).toBe(5);
    expect(t.values('m')).toEqual([1, 1, 1]);
  });

  it("holds the store's own label sets for its bookkeeping, not copies (memory per pushed series)", () => {
    const t = setup();
    t.push('/job/j', '# TYPE s summary\ns{quantile="0.5"} 1\ns_count 2\nx{a="1"} 1\n');
    const check = () => {
      for (const f of t.receiver.view()[0]?.families ?? []) {
        for (const s of f.series) expect(s.labels).toBe(t.store.get(s.labels)?.labels);
      }
    };
    check();
    t.advance(1000);
    t.push('/job/j', '# TYPE s summary\ns{quantile="0.5"} 1\ns_count 3\nx{a="1"} 2\nx{a="2"} 1\n');
    check();
  });

  it('tells the app after each commit', () => {
    const t = setup();
    t.push('/job/j', 'a 1\n');
    t.push('/job/j', '', false);
    expect(t.commits).toEqual(['push:job="j"', 'push:job="j"']);
  });
});

// Flink's reporter with `randomJobNameSuffix: true` pushes to `/metrics/job/<jobName><AbstractID>`, a new 32-hex
// suffix per reporter instance (PrometheusPushGatewayReporterFactory); TaskManager series carry host and tm_id.
const SUFFIX_A = '0123456789abcdef0123456789abcdef';
const SUFFIX_B = 'fedcba9876543210fedcba9876543210';
const SUFFIX_C = '00000000000000000000000000000001';
const tmBody = (tm: string, v = 1) =>
  `flink_taskmanager_Status_JVM_CPU_Load{host="h1",tm_id="${tm}"} ${v}\nflink_taskmanager_job_task_operator_numRecordsIn{host="h1",tm_id="${tm}",job_id="j1"} ${v}\n`;

describe('PushReceiver with group_by_body_labels (random job suffixes)', () => {
  const jobsOf = (t: ReturnType<typeof setup>) => t.receiver.view().map((g) => g.labels.job);

  it('a push of the same process under a new random suffix replaces its group; old series end with staleness markers', () => {
    const t = setup({}, 120_000, ['host', 'tm_id']);
    t.push(`/job/${SUFFIX_A}`, tmBody('tm_1', 1));
    t.push(`/job/${SUFFIX_C}`, tmBody('tm_2', 1));
    t.advance(1000);
    t.push(`/job/${SUFFIX_B}`, tmBody('tm_1', 2));
    expect(jobsOf(t).sort()).toEqual([SUFFIX_C, SUFFIX_B].sort());
    expect(t.removed).toEqual(['replaced:1']);
    const load = t.store.select([{ name: '__name__', op: '=', value: 'flink_taskmanager_Status_JVM_CPU_Load' }, { name: 'tm_id', op: '=', value: 'tm_1' }]);
    expect(load.map((s) => [s.labels.get('job'), s.isStale, s.lastValue]).sort()).toEqual([
      [SUFFIX_A, true, expect.anything()],
      [SUFFIX_B, false, 2],
    ].sort());
    expect(t.receiver.seriesCount).toBe(4);
  });

  it('keeps Pushgateway semantics when off, without a random suffix, for another job prefix, or with two values of a label', () => {
    const off = setup();
    off.push(`/job/${SUFFIX_A}`, tmBody('tm_1'));
    off.push(`/job/${SUFFIX_B}`, tmBody('tm_1'));
    expect(off.receiver.groupCount).toBe(2);

    const on = setup({}, 120_000, ['host', 'tm_id']);
    on.push('/job/flink', tmBody('tm_1'));
    on.push('/job/flink2', tmBody('tm_1'));
    on.push(`/job/a${SUFFIX_A}`, tmBody('tm_1'));
    on.push(`/job/b${SUFFIX_B}`, tmBody('tm_1'));
    on.push(`/job/${SUFFIX_A}`, 'x{tm_id="tm_1"} 1\nx{tm_id="tm_2"} 1\n');
    on.push(`/job/${SUFFIX_B}`, 'x{tm_id="tm_1"} 1\nx{tm_id="tm_2"} 1\n');
    expect(on.receiver.groupCount).toBe(6);
    expect(on.removed).toEqual([]);
  });

  it('matches other path labels too, and a listed label given in the path is not read from the body', () => {
    const t = setup({}, 120_000, ['tm_id']);
    t.push(`/job/${SUFFIX_A}/cluster/c1`, tmBody('tm_1'));
    t.push(`/job/${SUFFIX_B}/cluster/c2`, tmBody('tm_1'));
    expect(t.receiver.groupCount).toBe(2);
    t.push(`/job/${SUFFIX_C}/cluster/c1`, tmBody('tm_1'));
    expect(t.receiver.view().map((g) => `${g.labels.job}/${g.labels.cluster}`).sort()).toEqual([`${SUFFIX_B}/c2`, `${SUFFIX_C}/c1`].sort());
    // tm_id in the path: the body's tm_id does not name the process, nothing else does either
    const p = setup({}, 120_000, ['tm_id']);
    p.push(`/job/${SUFFIX_A}/tm_id/x`, tmBody('tm_1'));
    p.push(`/job/${SUFFIX_B}/tm_id/x`, tmBody('tm_1'));
    expect(p.receiver.groupCount).toBe(2);
  });

  it('a refused push under the new suffix leaves the old group as it was; the replacement passes the group limit', () => {
    const t = setup({ maxGroups: 1 }, 120_000, ['host', 'tm_id']);
    t.push(`/job/${SUFFIX_A}`, tmBody('tm_1', 1));
    expect(() => t.push(`/job/${SUFFIX_B}`, tmBody('tm_1', 2) + tmBody('tm_1', 3))).toThrow(/collected before/);
    expect(t.values('flink_taskmanager_Status_JVM_CPU_Load')).toEqual([1]);
    expect(jobsOf(t)).toContain(SUFFIX_A);
    t.push(`/job/${SUFFIX_B}`, tmBody('tm_1', 2));
    expect(jobsOf(t)).toEqual([SUFFIX_B]);
    expect(t.values('flink_taskmanager_Status_JVM_CPU_Load')).toEqual([2]);
  });
});
