/**
 * A copy of `s` that keeps no larger string alive, for strings kept long after the text they were parsed from.
 *
 * V8 represents `text.slice(a, b)` of 13 or more code units as a view into `text`, so a label value or HELP text
 * that the store keeps from a parsed push body would keep that whole body alive as long as the series lives:
 * measured, one 245 KB Flink TaskManager body per push group (bench/README.md, "Push API"). Prefixing a character
 * forces V8 to flatten the characters into a new string; the slice then views that copy only. Shorter strings are
 * copied by V8 already. O(length); meant for values seen for the first time, not for every sample.
 */
export function ownedString(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/**
 * Interns strings as {@link ownedString} copies: one instance per distinct string, for names held many times over
 * (e.g. a family name in every push group). Bounded: past `limit` distinct strings the table starts over, so
 * hostile input cannot grow it without end (later strings are then simply not shared with earlier ones).
 */
export class StringInterner {
  private readonly strings = new Map<string, string>();

  constructor(private readonly limit: number) {}

  intern(s: string): string {
    let owned = this.strings.get(s);
    if (owned === undefined) {
      if (this.strings.size >= this.limit) this.strings.clear();
      owned = ownedString(s);
      this.strings.set(owned, owned);
    }
    return owned;
  }
}
