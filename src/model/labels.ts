import { InvalidLabelError } from '../errors.js';
import { METRIC_NAME_LABEL, isValidLabelName } from './names.js';
import { ownedString } from './owned-string.js';

/** A plain label record, e.g. `{ __name__: 'flink_up' }`. */
export type LabelRecord = Readonly<Record<string, string>>;

const SEP = '\u0000';

/**
 * An immutable label set: names sorted (byte order, like Prometheus `labels.Labels`), empty values dropped
 * (Prometheus treats an empty value as an absent label). `key` is a canonical string, unique per label set, for
 * maps keyed by label set; `hash` a 32-bit hash of the same bytes for hash tables that compare with
 * {@link equals} (the store's). Both are computed on first use and kept: a stored series whose key nobody asks for
 * costs no key string (≈ 400 B for a Flink reporter series, bench/README.md). Instances come from
 * {@link labelSet} / {@link LabelSet.from}; the store interns them, so two series with equal labels share one
 * instance.
 */
export class LabelSet {
  readonly names: readonly string[];
  readonly values: readonly string[];
  private cachedKey: string | undefined = undefined;
  /** 0 = not computed yet (a hash of 0 is stored as 1). A small integer: no boxed double per instance. */
  private cachedHash = 0;

  private constructor(names: readonly string[], values: readonly string[]) {
    this.names = names;
    this.values = values;
  }

  /** Canonical identity: `name\0value\0name\0value…`. */
  get key(): string {
    let key = this.cachedKey;
    if (key === undefined) {
      // join() yields a flat string; `+=` would leave V8 a rope of fragments that costs ~440 B more per set.
      const parts: string[] = [];
      for (let i = 0; i < this.names.length; i++) parts.push(this.names[i] as string, this.values[i] as string);
      key = parts.length === 0 ? '' : parts.join(SEP) + SEP;
      this.cachedKey = key;
    }
    return key;
  }

  /**
   * 32-bit FNV-1a over the UTF-16 code units of `key` (without building it), as a non-zero int32. Equal label sets
   * have equal hashes; unequal ones may collide, so a hash table must confirm with {@link equals}.
   */
  get hash(): number {
    let h = this.cachedHash;
    if (h === 0) {
      h = FNV_OFFSET;
      for (let i = 0; i < this.names.length; i++) {
        h = fnv(h, this.names[i] as string);
        h = fnv(h, this.values[i] as string);
      }
      if (h === 0) h = 1;
      this.cachedHash = h;
    }
    return h;
  }

  /** True when `other` has the same names and values (what equal `key`s mean), without building keys. */
  equals(other: LabelSet): boolean {
    if (other === this) return true;
    const n = this.names.length;
    if (other.names.length !== n) return false;
    if (this.cachedHash !== 0 && other.cachedHash !== 0 && this.cachedHash !== other.cachedHash) return false;
    const sameNames = other.names === this.names;
    for (let i = 0; i < n; i++) {
      if (other.values[i] !== this.values[i]) return false;
      if (!sameNames && other.names[i] !== this.names[i]) return false;
    }
    return true;
  }

  /**
   * A label set with this set's names and `values` in their place (same length, none empty: the caller's
   * contract; not checked). For the store, which re-points values at its interned strings.
   */
  withValues(values: readonly string[]): LabelSet {
    const set = new LabelSet(this.names, values);
    set.cachedHash = this.cachedHash;
    return set;
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
  if (nameLists.size >= NAME_LISTS_LIMIT) return names;
  // Owned copies: the shared list lives on, and names sliced from a parsed body would keep that body alive.
  const owned = Object.freeze(names.map(ownedString));
  nameLists.set(key, owned);
  return owned;
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** FNV-1a step over the code units of `s` and then the separator (so `a`+`bc` and `ab`+`c` differ). */
function fnv(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
  return Math.imul(h, FNV_PRIME); // the separator, code unit 0: h ^ 0 = h
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Shorthand: `labelSet('flink_up', { host: 'a' })`. Same errors as {@link LabelSet.from}. */
export function labelSet(metricName: string, labels: LabelRecord = {}): LabelSet {
  return LabelSet.from({ ...labels, [METRIC_NAME_LABEL]: metricName });
}
