import { describe, expect, it } from 'vitest';
import { MetadataConflictError, PromQLParseError } from '../../src/errors.js';

/**
 * The merge of the PromQL parser into the store base (7e52330) cut `MetadataConflictError`'s closing brace and the
 * start of the next doc comment, so src/errors.ts did not compile and nothing importing it could load.
 */
describe('regression: errors.ts merge cut MetadataConflictError', () => {
  it('both error classes exist with their codes', () => {
    expect(new MetadataConflictError('f', 'counter', 's', 'gauge', 'o').code).toBe('FPB_ERR_METADATA_CONFLICT');
    expect(new PromQLParseError('up +', { start: 4, end: 4 }, 'unexpected end of input').code).toBe('FPB_ERR_PROMQL_PARSE');
  });
});
