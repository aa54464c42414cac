import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SegmentLog } from '../../../../src/sinks/remote-write/segment-log.js';

const tmp = mkdtempSync(join(tmpdir(), 'fpb-seglog-inflight-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('SegmentLog in-flight mark', () => {
  it('survives a reopen until the batch is acknowledged', () => {
    const dir = join(tmp, 'a');
    const log = SegmentLog.open(dir);
    for (let i = 0; i < 3; i++) log.append(Buffer.from(`r${i}`), 1);
    log.next();
    const second = log.next()!;
    log.markInFlight(second.end);
    log.close();

    const reopened = SegmentLog.open(dir);
    expect(reopened.inFlightAtOpen).toEqual(second.end);
    expect(reopened.position).toEqual({ segment: 1, offset: 0 });
    expect(reopened.next()!.payload.toString()).toBe('r0'); // the in-flight batch is read again from the start
    reopened.next();
    reopened.ack(second.end, 2);
    expect(reopened.inFlightAtOpen).toBeUndefined();
    reopened.close();

    const again = SegmentLog.open(dir);
    expect(again.inFlightAtOpen).toBeUndefined();
    expect(again.next()!.payload.toString()).toBe('r2');
    again.close();
  });

  it('an in-flight mark at or before the acknowledged position is ignored', () => {
    const dir = join(tmp, 'b');
    const log = SegmentLog.open(dir);
    log.append(Buffer.from('x'), 1);
    const r = log.next()!;
    log.ack(r.end, 1);
    log.markInFlight(r.end);
    log.close();
    const reopened = SegmentLog.open(dir);
    expect(reopened.inFlightAtOpen).toBeUndefined();
    reopened.close();
  });
});
