import bcrypt from 'bcryptjs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BasicAuthenticator, bcryptCost, parseBasicAuthHeader, type BcryptCompare } from '../../../src/http/basic-auth.js';

// Real bcrypt hashes; cost 4 keeps the tests fast. The $2y$ one is the prefix htpasswd writes.
const ALICE_HASH = bcrypt.hashSync('wonderland', 4);
const BOB_HASH_2Y = bcrypt.hashSync('builder', 4).replace(/^\$2b\$/, '$2y$');
const USERS = new Map([
  ['alice', ALICE_HASH],
  ['bob', BOB_HASH_2Y],
]);

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** The real bcrypt compare, recording the hash of every call. */
function recordingCompare(): { compare: BcryptCompare; hashes: string[] } {
  const hashes: string[] = [];
  return {
    hashes,
    compare: (password, hash) => {
      hashes.push(hash);
      return bcrypt.compare(password, hash);
    },
  };
}

describe('parseBasicAuthHeader', () => {
  it.each([
    [basic('alice', 'pw'), { user: 'alice', password: 'pw' }],
    [basic('alice', 'p:w:x'), { user: 'alice', password: 'p:w:x' }],
    [basic('alice', ''), { user: 'alice', password: '' }],
    [`basic ${Buffer.from('u:ü').toString('base64')}`, { user: 'u', password: 'ü' }],
    [undefined, undefined],
    ['', undefined],
    ['Bearer abc', undefined],
    [`Basic ${Buffer.from('nocolon').toString('base64')}`, undefined],
    ['Basic !!!', undefined],
  ])('%j', (header, expected) => {
    expect(parseBasicAuthHeader(header)).toEqual(expected);
  });
});

describe('bcryptCost', () => {
  it.each([
    ['$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi', 10],
    [ALICE_HASH, 4],
    ['wonderland', undefined],
  ])('%s → %s', (hash, cost) => {
    expect(bcryptCost(hash)).toBe(cost);
  });
});

describe('BasicAuthenticator', () => {
  it('accepts the right password, $2b$ and $2y$ hashes alike', async () => {
    const auth = new BasicAuthenticator(USERS);
    expect(await auth.check(basic('alice', 'wonderland'))).toBe(true);
    expect(await auth.check(basic('bob', 'builder'))).toBe(true);
  });

  it('refuses wrong passwords, unknown users, missing or other headers', async () => {
    const auth = new BasicAuthenticator(USERS);
    expect(await auth.check(basic('alice', 'wrong'))).toBe(false);
    expect(await auth.check(basic('alice', 'builder'))).toBe(false);
    expect(await auth.check(basic('mallory', 'wonderland'))).toBe(false);
    expect(await auth.check(undefined)).toBe(false);
    expect(await auth.check('Bearer wonderland')).toBe(false);
  });

  it('lets everything through when no users are configured', async () => {
    expect(await new BasicAuthenticator(new Map()).check(undefined)).toBe(true);
  });

  it('caches successful checks, not failures; a cached success does not let another password in', async () => {
    const r = recordingCompare();
    const auth = new BasicAuthenticator(USERS, { compare: r.compare });
    for (let i = 0; i < 3; i++) expect(await auth.check(basic('alice', 'wonderland'))).toBe(true);
    expect(r.hashes).toHaveLength(1);
    expect(await auth.check(basic('alice', 'nope'))).toBe(false);
    expect(await auth.check(basic('alice', 'nope'))).toBe(false);
    expect(await auth.check(basic('alice', 'wonderlan'))).toBe(false);
    expect(r.hashes).toHaveLength(4);
  });

  it('evicts the least recently used success beyond cacheSize', async () => {
    const r = recordingCompare();
    const auth = new BasicAuthenticator(USERS, { compare: r.compare, cacheSize: 1 });
    await auth.check(basic('alice', 'wonderland'));
    await auth.check(basic('bob', 'builder'));
    await auth.check(basic('alice', 'wonderland'));
    expect(r.hashes).toEqual([ALICE_HASH, BOB_HASH_2Y, ALICE_HASH]);
  });

  it('a compare that throws (a corrupt hash) is a refusal, not a crash', async () => {
    const auth = new BasicAuthenticator(USERS, { compare: () => Promise.reject(new Error('bad hash')) });
    expect(await auth.check(basic('alice', 'wonderland'))).toBe(false);
  });
});

describe('parseBasicAuthHeader on arbitrary input', () => {
  it('never throws: credentials or undefined', () => {
    const soup = fc.array(fc.constantFrom('Basic', 'basic ', ' ', 'Bearer', 'YWxpY2U6cHc=', '=', ':', '!', 'Og==', '\t'), { maxLength: 10 }).map((t) => t.join(''));
    fc.assert(
      fc.property(fc.option(fc.oneof(fc.string({ maxLength: 100 }), soup), { nil: undefined }), (h) => {
        const c = parseBasicAuthHeader(h);
        if (c !== undefined) expect(c.user).not.toContain(':');
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips any user without ":" and any password, whatever the scheme\'s case', () => {
    fc.assert(
      fc.property(fc.string().filter((u) => !u.includes(':')), fc.string(), fc.constantFrom('Basic', 'basic', 'BASIC'), (user, password, scheme) => {
        const header = `${scheme} ${Buffer.from(`${user}:${password}`).toString('base64')}`;
        // Strings with lone surrogates do not survive UTF-8 encoding; compare with what the bytes really carry.
        const sent = Buffer.from(`${user}:${password}`).toString('utf8');
        const colon = sent.indexOf(':');
        expect(parseBasicAuthHeader(header)).toEqual({ user: sent.slice(0, colon), password: sent.slice(colon + 1) });
      }),
      { numRuns: 1000 },
    );
  });
});
