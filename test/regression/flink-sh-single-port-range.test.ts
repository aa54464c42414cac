import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * scripts/flink.sh starts each TaskManager of a run one port further into its ranges (shift_range). After eight
 * launches the metric query range 16141-16149 became "16149-16149", which Flink refuses at TaskManager start
 * ("Invalid port range definition: 16149-16149", seen when the container check ran after the e2e suites): the
 * ninth TaskManager of a run died. The last port of a range must come out as that port alone.
 */
const SCRIPT = resolve(import.meta.dirname, '../../scripts/flink.sh');

function shiftRange(range: string, k: number): string {
  // The function alone, without running the script's command dispatch.
  const program = `eval "$(sed -n '/^shift_range() {/,/^}/p' '${SCRIPT}')"; shift_range "$1" "$2"`;
  return execFileSync('bash', ['-c', program, 'shift_range', range, String(k)], { encoding: 'utf8' }).trim();
}

describe('scripts/flink.sh shift_range', () => {
  it('gives the last port of a range alone, never "p-p"', () => {
    expect(shiftRange('16141-16149', 8)).toBe('16149');
    expect(shiftRange('16130-16139', 9)).toBe('16139');
  });

  it('shifts and wraps as before otherwise', () => {
    expect(shiftRange('16141-16149', 0)).toBe('16141-16149');
    expect(shiftRange('16141-16149', 7)).toBe('16148-16149');
    expect(shiftRange('16141-16149', 9)).toBe('16141-16149');
    expect(shiftRange('16140', 3)).toBe('16140');
  });
});
