import type { MetricType } from '../../model/metadata.js';
import { parseGoFloat } from './float.js';
import { C_COMMA, C_EQ, C_HASH, C_QUOTE, C_RBRACE, C_LBRACE, C_SPACE, type FamilyState, Scanner, charName, newFamily, newLabels, q } from './scanner.js';

/** OpenMetrics 1.0 text, the subset described at `parseTextExposition`. */

const OPENMETRICS_TYPES: Readonly<Record<string, MetricType>> = {
  counter: 'counter',
  gauge: 'gauge',
  summary: 'summary',
  histogram: 'histogram',
  unknown: 'untyped',
};
const OPENMETRICS_UNSUPPORTED_TYPES = new Set(['gaugehistogram', 'stateset', 'info']);

export class OpenMetricsParser extends Scanner {
  private current: FamilyState | undefined;

  parseOpenMetrics(): void {
    const s = this.s;
    for (;;) {
      if (this.pos >= s.length) {
        this.line++;
        this.fail('missing "# EOF" at the end of OpenMetrics input');
      }
      const terminated = this.startLine();
      if (this.pos === this.end) this.fail('empty line (not allowed in OpenMetrics)');
      if (s.charCodeAt(this.pos) === C_HASH) {
        if (s.slice(this.pos, this.end) === '# EOF') {
          if (terminated && this.end + 1 < s.length) {
            this.line++;
            this.fail('content after "# EOF"');
          }
          return;
        }
        if (!terminated) this.fail('missing new-line at the end of the line (and "# EOF")');
        this.omMetadata();
      } else {
        if (!terminated) this.fail('missing new-line at the end of the line (and "# EOF")');
        this.omSample();
      }
      this.pos = this.end + 1;
    }
  }

  private omMetadata(): void {
    const s = this.s;
    const line = s.slice(this.pos, this.end);
    const m = /^# (TYPE|HELP|UNIT) /.exec(line);
    if (m === null) this.fail('expected "# TYPE ", "# HELP ", "# UNIT " or "# EOF" (other comments are not allowed in OpenMetrics)');
    const keyword = m[1] as 'TYPE' | 'HELP' | 'UNIT';
    this.pos += m[0].length;
    const name = this.readName(true);
    if (name === '') this.fail(`invalid metric name in ${keyword} line`);
    if (keyword === 'HELP' || keyword === 'UNIT') {
      if (this.pos === this.end) this.fail(`expected " " after the metric name of the ${keyword} line`);
    }
    if (this.pos < this.end && s.charCodeAt(this.pos) !== C_SPACE) this.fail(`invalid metric name in ${keyword} line`);
    if (this.pos === this.end && keyword === 'TYPE') this.fail('expected a metric type after the metric name');
    this.pos++;
    const family = this.omFamilyForMetadata(name);
    if (family.samples.length > 0) this.fail(`${keyword} line for metric family ${q(name)} after its samples`);
    if (keyword === 'TYPE') {
      if (family.typeSet) this.fail(`second TYPE line for metric family ${q(name)}`);
      const token = s.slice(this.pos, this.end);
      const type = OPENMETRICS_TYPES[token];
      if (type === undefined) {
        if (OPENMETRICS_UNSUPPORTED_TYPES.has(token)) this.fail(`unsupported OpenMetrics type ${q(token)}`);
        this.fail(`unknown metric type ${q(token)}: expected counter, gauge, histogram, summary or unknown`);
      }
      family.type = type;
      family.typeSet = true;
    } else if (keyword === 'HELP') {
      if (family.help !== undefined) this.fail(`second HELP line for metric family ${q(name)}`);
      family.help = this.readEscapedToEnd(true);
    } else {
      if (family.unit !== undefined) this.fail(`second UNIT line for metric family ${q(name)}`);
      const unit = s.slice(this.pos, this.end);
      if (unit !== '' && !/^[a-zA-Z0-9_:]+$/.test(unit)) this.fail(`invalid unit ${q(unit)}`);
      if (unit !== '' && !name.endsWith(`_${unit}`)) this.fail(`unit ${q(unit)} is not a suffix of the metric family name ${q(name)}`);
      family.unit = unit;
    }
  }

  private omFamilyForMetadata(name: string): FamilyState {
    const cur = this.current;
    if (cur !== undefined && cur.name === name) return cur;
    const existing = this.families.get(name);
    if (existing !== undefined) this.fail(`metric family ${q(name)} appears twice (interleaved families are not allowed in OpenMetrics)`);
    return this.omOpenFamily(name);
  }

  private omOpenFamily(name: string): FamilyState {
    if (this.current !== undefined) this.current.closed = true;
    const created = newFamily(name);
    this.families.set(name, created);
    this.current = created;
    return created;
  }

  private omSampleBelongs(family: FamilyState, sampleName: string): boolean {
    const base = family.name;
    if (!sampleName.startsWith(base)) return false;
    const suffix = sampleName.slice(base.length);
    switch (family.type) {
      case 'counter':
        return suffix === '_total' || suffix === '_created';
      case 'summary':
        return suffix === '' || suffix === '_count' || suffix === '_sum' || suffix === '_created';
      case 'histogram':
        return suffix === '_bucket' || suffix === '_count' || suffix === '_sum' || suffix === '_created';
      default:
        return suffix === '';
    }
  }

  private omSample(): void {
    const name = this.readName(true, this.lastMetricName);
    this.lastMetricName = name;
    if (name === '') this.fail(`invalid metric name: expected [a-zA-Z_:][a-zA-Z0-9_:]*, found ${charName(this.code())}`);
    let family = this.current;
    if (family === undefined || !this.omSampleBelongs(family, name)) {
      const existing = this.families.get(name);
      if (existing !== undefined) {
        this.fail(
          existing.closed
            ? `metric family ${q(name)} appears twice (interleaved families are not allowed in OpenMetrics)`
            : `sample name ${q(name)} does not fit metric family ${q(existing.name)} of type ${existing.type}`,
        );
      }
      family = this.omOpenFamily(name);
      family.typeSet = true;
    }
    let labels: Record<string, string> = newLabels();
    if (this.code() === C_LBRACE) {
      this.pos++;
      labels = this.omLabels(family);
    }
    if (this.code() !== C_SPACE) this.fail(`expected " " and a value after the metric name and labels, found ${charName(this.code())}`);
    this.pos++;
    const valueToken = this.readOmToken();
    const value = parseGoFloat(valueToken);
    if (value === undefined) this.fail(`expected float as value, got ${q(valueToken)}`);
    if (this.pos === this.end) {
      family.samples.push({ name, labels, value });
      return;
    }
    this.pos++;
    let timestampMs: number | undefined;
    if (this.code() !== C_HASH) {
      const tsToken = this.readOmToken();
      const ts = parseGoFloat(tsToken);
      if (ts === undefined || !Number.isFinite(ts)) this.fail(`expected a timestamp (seconds) after the value, got ${q(tsToken)}`);
      timestampMs = ts * 1000;
      if (this.pos < this.end) this.pos++;
      else {
        family.samples.push({ name, labels, value, timestampMs });
        return;
      }
    }
    this.omExemplar(family);
    family.samples.push(timestampMs === undefined ? { name, labels, value } : { name, labels, value, timestampMs });
  }

  private omExemplar(family: FamilyState): void {
    if (this.s.slice(this.pos, this.pos + 3) !== '# {') this.fail(`expected "# {" to start an exemplar, found ${q(this.s.slice(this.pos, this.end))}`);
    this.pos += 3;
    this.omLabels(family, true);
    if (this.code() !== C_SPACE) this.fail('expected " " and a value after the exemplar labels');
    this.pos++;
    const v = this.readOmToken();
    if (parseGoFloat(v) === undefined) this.fail(`expected float as exemplar value, got ${q(v)}`);
    if (this.pos === this.end) return;
    this.pos++;
    const ts = this.readOmToken();
    const t = parseGoFloat(ts);
    if (t === undefined || !Number.isFinite(t)) this.fail(`expected float as exemplar timestamp, got ${q(ts)}`);
    if (this.pos !== this.end) this.fail(`unexpected text after the exemplar: ${q(this.s.slice(this.pos, this.end))}`);
  }

  private omLabels(family: FamilyState, exemplar = false): Record<string, string> {
    const labels: Record<string, string> = newLabels();
    if (this.code() === C_RBRACE) {
      this.pos++;
      return labels;
    }
    for (let k = 0; ; k++) {
      const labelName = this.readName(false, exemplar ? undefined : this.lastLabelNames[k]);
      if (!exemplar) this.lastLabelNames[k] = labelName;
      if (labelName === '') this.fail(`invalid label name for metric ${q(family.name)}: found ${charName(this.code())}`);
      if (this.code() !== C_EQ) this.fail(`expected '=' after label name ${q(labelName)}, found ${charName(this.code())}`);
      this.pos++;
      if (labelName === '__name__' && !exemplar) this.fail('label name "__name__" is reserved');
      if (labelName in labels) this.fail(`duplicate label names for metric ${q(family.name)}: ${q(labelName)}`);
      if (this.code() !== C_QUOTE) this.fail(`expected '"' at start of label value, found ${charName(this.code())}`);
      const value = this.readLabelValue(labelName);
      if (!exemplar) this.checkSpecialLabel(family, labelName, value);
      labels[labelName] = value;
      const c = this.code();
      if (c === C_RBRACE) {
        this.pos++;
        return labels;
      }
      if (c !== C_COMMA) this.fail(`expected ',' or '}' after label value ${q(value)}, found ${charName(c)}`);
      this.pos++;
    }
  }
}
