import { parseTextExposition } from '../../src/exposition/index.js';

export interface ScrapedSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** All samples of a text-format `/metrics` body, flattened, through the project's strict exposition parser. */
export function parseSamples(body: string): ScrapedSample[] {
  return parseTextExposition(body).flatMap((f) => f.samples.map((s) => ({ name: s.name, labels: { ...s.labels }, value: s.value })));
}
