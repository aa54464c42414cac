/**
 * promtool's JUnit XML report (`util/junitxml/junitxml.go` at v0.316.0, written by `test rules --junit=FILE`):
 * one `<testsuite>` per file, one `<testcase>` per test group run, a `<failure>` per error, an `<error>` when the
 * file itself does not load; encoded like Go's `encoding/xml` (no indentation, Go's escapes).
 */

interface TestCase {
  readonly name: string;
  readonly failures: string[];
  error: string;
}

export class TestSuite {
  tests = 0;
  failures = 0;
  errors = 0;
  timestamp = '';
  readonly cases: TestCase[] = [];
  constructor(readonly name: string) {}

  /** Starts a test case; later `fail`s go to it. */
  case(name: string): void {
    this.cases.push({ name, failures: [], error: '' });
    this.tests++;
  }

  fail(f: string): void {
    this.failures++;
    this.lastCase().failures.push(f);
  }

  /** The file did not load (`Abort`). */
  abort(e: string): void {
    this.errors++;
    this.lastCase().error = e;
  }

  private lastCase(): TestCase {
    if (this.cases.length === 0) this.case('unknown');
    return this.cases[this.cases.length - 1] as TestCase;
  }
}

export class JUnitXml {
  readonly suites: TestSuite[] = [];

  suite(name: string): TestSuite {
    const s = new TestSuite(name);
    this.suites.push(s);
    return s;
  }

  /** `xml.NewEncoder(w).Encode(j)`. */
  toXml(): string {
    let out = '<testsuites>';
    for (const s of this.suites) {
      out += `<testsuite name="${esc(s.name)}" tests="${s.tests}" failures="${s.failures}" errors="${s.errors}" skipped="0" timestamp="${esc(s.timestamp)}">`;
      for (const c of s.cases) {
        out += `<testcase name="${esc(c.name)}">`;
        for (const f of c.failures) out += `<failure>${esc(f)}</failure>`;
        if (c.error !== '') out += `<error>${esc(c.error)}</error>`;
        out += '</testcase>';
      }
      out += '</testsuite>';
    }
    return `${out}</testsuites>`;
  }
}

/** Go's `xml.EscapeText`. */
function esc(s: string): string {
  let out = '';
  for (const ch of s) {
    switch (ch) {
      case '"':
        out += '&#34;';
        break;
      case "'":
        out += '&#39;';
        break;
      case '&':
        out += '&amp;';
        break;
      case '<':
        out += '&lt;';
        break;
      case '>':
        out += '&gt;';
        break;
      case '\t':
        out += '&#x9;';
        break;
      case '\n':
        out += '&#xA;';
        break;
      case '\r':
        out += '&#xD;';
        break;
      default: {
        const c = ch.codePointAt(0) as number;
        // Go replaces characters outside XML's Char production with U+FFFD.
        const ok = c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
        out += ok ? ch : '\uFFFD';
      }
    }
  }
  return out;
}

/** `time.Now().Format("2006-01-02T15:04:05")` in local time. */
export function goLocalTimestamp(d: Date = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
