import { InvalidLabelError } from '../errors.js';
import { METRIC_NAME_LABEL, isValidLabelName } from './names.js';

/** A plain label record, e.g. `{ __name__: 'flink_up' }`. */
export type LabelRecord = Readonly<Record<string, string>>;

const SEP = '\u0000';

/**
 * An immutable label set: names sorted (byte order, like Prometheus `labels.Labels`), empty values dropped
 * (Prometheus treats an empty value as an absent label). `key` is a canonical string, unique per label set, used
 * as the map key for series identity. Instances come from {@link labelSet} / {@link LabelSet.from}; the store
 * interns them, so two series with equal labels share one instance.
 */
export class LabelSet {
  readonly names: readonly string[];
  readonly values: readonly string[];
  /** Canonical identity: `name\0value\0name\0value…`. */
  readonly key: string;

  private constructor(names: readonly string[], values: readonly string[]) {
    this.names = names;
    this.values = values;
    // join() yields a flat string; `+=` would leave V8 a rope of fragments that costs ~440 B more per series.
    const parts: string[] = [];
    for (let i = 0; i < names.length; i++) parts.push(names[i] as string, values[i] as string);
    this.key = parts.length === 0 ? '' : parts.join(SEP) + SEP;
  }

  /**
   * Builds a label set from a record. Drops empty values; throws {@link InvalidLabelError}
   * (`FPB_ERR_INVALID_LABEL`) for a label name outside `[a-zA-Z_][a-zA-Z0-9_]*`.
   */
  static from(record: LabelRecord): LabelSet {
    const names = Object.keys(record).filter((n) => record[n] !== '' && record[n] !== undefined);
    names.sort(compareNames);
    for (const n of names) {
      if (!isValidLabelName(n)) throw new InvalidLabelError(`invalid label name ${JSON.stringify(n)}`);
    }
    // map() allocates exactly `length` slots; push-grown arrays keep slack in every stored series.
    const values = names.map((n) => record[n] as string);
    return new LabelSet(internNames(names), values);
  }

  /** Value of `name`, or undefined when absent. Binary search: label sets are small and sorted. */
  get(name: string): string | undefined {
    let lo = 0;
    let hi = this.names.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const n = this.names[mid] as string;
      if (n === name) return this.values[mid];
      if (n < name) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** The `__name__` value, or '' when the set has none. */
  get metricName(): string {
    return this.get(METRIC_NAME_LABEL) ?? '';
  }

  /** A copy as a plain record. */
  toRecord(): Record<string, string> {
    const out: Record<string, string> = {};
    for (let i = 0; i < this.names.length; i++) out[this.names[i] as string] = this.values[i] as string;
    return out;
  }

  /** Prometheus notation, e.g. `flink_up{host="a"}` (`{}` for an empty set); for error messages and logs. */
  toString(): string {
    const name = this.metricName;
    const parts: string[] = [];
    for (let i = 0; i < this.names.length; i++) {
      if (this.names[i] === METRIC_NAME_LABEL) continue;
      parts.push(`${this.names[i] as string}=${JSON.stringify(this.values[i])}`);
    }
    return parts.length === 0 && name !== '' ? name : `${name}{${parts.join(', ')}}`;
  }
}

/**
 * Label sets of one family mostly share their name list; sharing one frozen array per distinct list saves a few
 * hundred bytes per stored series (bench/README.md). Bounded, so hostile input (many distinct name lists, e.g. a
 * future remote-write sender) cannot grow it without limit; past the bound lists are simply not shared.
 */
const NAME_LISTS_LIMIT = 4096;
const nameLists = new Map<string, readonly string[]>();

function internNames(names: string[]): readonly string[] {
  const key = names.join(SEP);
  const shared = nameLists.get(key);
  if (shared) return shared;
  if (nameLists.size < NAME_LISTS_LIMIT) nameLists.set(key, Object.freeze(names));
  return names;
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Shorthand: `labelSet('flink_up', { host: 'a' })`. Same errors as {@link LabelSet.from}. */
export function labelSet(metricName: string, labels: LabelRecord = {}): LabelSet {
  return LabelSet.from({ ...labels, [METRIC_NAME_LABEL]: metricName });
}
