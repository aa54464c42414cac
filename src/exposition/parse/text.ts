import type { MetricType } from '../../model/metadata.js';
import { parseGoFloat, parseInt64 } from './float.js';
import { C_EQ, C_COMMA, C_HASH, C_LBRACE, C_QUOTE, C_RBRACE, type FamilyState, Scanner, charName, isBlank, newFamily, newLabels, q } from './scanner.js';

/**
 * Prometheus text format 0.0.4 with the rules and messages of prometheus/common `expfmt.TextParser` (see
 * `parseTextExposition` for the rules).
 */

const TEXT_TYPES: Readonly<Record<string, MetricType>> = {
  COUNTER: 'counter',
  GAUGE: 'gauge',
  SUMMARY: 'summary',
  HISTOGRAM: 'histogram',
  UNTYPED: 'untyped',
};

export class TextParser extends Scanner {
  parseText(): void {
    const s = this.s;
    while (this.pos < s.length) {
      const terminated = this.startLine();
      this.skipBlanks();
      if (this.pos === this.end) {
        if (!terminated) return; // trailing blanks without newline: expfmt accepts them
        this.pos++;
        continue;
      }
      if (!terminated) this.fail('unexpected end of input stream: the last line must end with a new-line');
      const c = s.charCodeAt(this.pos);
      if (c === C_HASH) this.textComment();
      else this.textSample();
      this.pos = this.end + 1;
    }
  }

  private textComment(): void {
    this.pos++;
    this.skipBlanks();
    const keyword = this.readToken();
    if (this.pos === this.end) return;
    if (keyword !== 'HELP' && keyword !== 'TYPE') return;
    this.skipBlanks();
    const name = this.readName(true);
    if (this.pos === this.end) return;
    if (name === '' || !isBlank(this.s.charCodeAt(this.pos))) {
      this.fail(`invalid metric name in comment: expected a name matching [a-zA-Z_:][a-zA-Z0-9_:]* after ${keyword}`);
    }
    const family = this.textFamily(name);
    this.skipBlanks();
    if (this.pos === this.end) return;
    if (keyword === 'HELP') {
      if (family.help !== undefined) this.fail(`second HELP line for metric name ${q(family.name)}`);
      family.help = this.readEscapedToEnd(true);
      return;
    }
    if (family.typeSet) this.fail(`second TYPE line for metric name ${q(family.name)}, or TYPE reported after samples`);
    const typeToken = this.s.slice(this.pos, this.end);
    const type = TEXT_TYPES[typeToken.toUpperCase()];
    if (type === undefined) {
      if (typeToken.toUpperCase() === 'GAUGE_HISTOGRAM') this.fail(`unsupported metric type ${q(typeToken)}`);
      this.fail(`unknown metric type ${q(typeToken)}: expected counter, gauge, histogram, summary or untyped`);
    }
    family.type = type;
    family.typeSet = true;
  }

  /** expfmt `setOrCreateCurrentMF`: exact name, else the summary/histogram the suffix belongs to, else new. */
  private textFamily(name: string): FamilyState {
    const exact = this.families.get(name);
    if (exact !== undefined) return exact;
    const base = name.endsWith('_count') ? name.slice(0, -6) : name.endsWith('_sum') ? name.slice(0, -4) : undefined;
    if (base !== undefined && base !== '') {
      const f = this.families.get(base);
      if (f !== undefined && (f.type === 'summary' || f.type === 'histogram') && f.typeSet) return f;
    }
    if (name.endsWith('_bucket') && name.length > 7) {
      const f = this.families.get(name.slice(0, -7));
      if (f !== undefined && f.type === 'histogram' && f.typeSet) return f;
    }
    const created = newFamily(name);
    this.families.set(name, created);
    return created;
  }

  private textSample(): void {
    const name = this.readName(true, this.lastMetricName);
    this.lastMetricName = name;
    if (name === '') {
      const c = this.code();
      this.fail(
        c === C_LBRACE
          ? 'expected a metric name before "{" (quoted UTF-8 metric names are not supported)'
          : `invalid metric name: expected [a-zA-Z_:][a-zA-Z0-9_:]*, found ${charName(c)}`,
      );
    }
    const family = this.textFamily(name);
    if (!family.typeSet) {
      family.type = 'untyped';
      family.typeSet = true;
    }
    this.skipBlanks();
    let labels: Record<string, string> = newLabels();
    if (this.code() === C_LBRACE) {
      this.pos++;
      labels = this.textLabels(family);
      this.skipBlanks();
    }
    const valueToken = this.readToken();
    const value = parseGoFloat(valueToken);
    if (value === undefined) this.fail(`expected float as value, got ${q(valueToken)}`);
    if (this.pos === this.end) {
      family.samples.push({ name, labels, value });
      return;
    }
    this.skipBlanks();
    const tsToken = this.readToken();
    const timestampMs = parseInt64(tsToken);
    if (timestampMs === undefined) {
      this.fail(
        tsToken === ''
          ? 'expected integer as timestamp, got "" (blanks after the value)'
          : `expected integer as timestamp, got ${q(tsToken)}`,
      );
    }
    if (this.pos !== this.end) this.fail(`spurious string after timestamp: ${q(this.s.slice(this.pos, this.end))}`);
    family.samples.push({ name, labels, value, timestampMs });
  }

  private textLabels(family: FamilyState): Record<string, string> {
    const labels: Record<string, string> = newLabels();
    for (let k = 0; ; k++) {
      this.skipBlanks();
      if (this.code() === C_RBRACE) {
        this.pos++;
        return labels;
      }
      const labelName = this.readName(false, this.lastLabelNames[k]);
      this.lastLabelNames[k] = labelName;
      if (labelName === '') {
        const c = this.code();
        this.fail(
          `invalid label name for metric ${q(family.name)}: expected [a-zA-Z_][a-zA-Z0-9_]*${c === C_QUOTE ? ' (quoted label names are not supported)' : ''}, found ${charName(c)}`,
        );
      }
      this.skipBlanks();
      if (this.code() !== C_EQ) this.fail(`expected '=' after label name ${q(labelName)}, found ${charName(this.code())}`);
      this.pos++;
      if (labelName === '__name__') this.fail('label name "__name__" is reserved');
      if (labelName in labels) this.fail(`duplicate label names for metric ${q(family.name)}: ${q(labelName)}`);
      this.skipBlanks();
      if (this.code() !== C_QUOTE) this.fail(`expected '"' at start of label value, found ${charName(this.code())}`);
      const value = this.readLabelValue(labelName);
      this.checkSpecialLabel(family, labelName, value);
      labels[labelName] = value;
      this.skipBlanks();
      const c = this.code();
      if (c === C_COMMA) {
        this.pos++;
        continue;
      }
      if (c === C_RBRACE) {
        this.pos++;
        return labels;
      }
      this.fail(`unexpected end of label value ${q(value)}: expected ',' or '}', found ${charName(c)}`);
    }
  }
}
