// Prints the README's series table from src/sources/flink/families.ts: `npx tsx scripts/series-table.ts`.
// test/unit/sources/flink/families.test.ts checks that the README lists every family, so docs cannot drift.
import { ALL_FAMILIES } from '../src/sources/flink/families.js';

const rows = ALL_FAMILIES.map((f) => `| \`${f.name}\` | ${f.type} | ${(f.labels ?? []).map((l) => `\`${l}\``).join(', ') || '—'} | ${f.help.replace(/\|/g, '\\|')} |`);
console.log(['| series | type | labels | meaning |', '|---|---|---|---|', ...rows].join('\n'));
