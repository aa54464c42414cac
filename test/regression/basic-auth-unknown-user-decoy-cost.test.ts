/**
 * Defect (issue 5 §3.1, "no timing difference that reveals which user exists"): an unknown user was compared against
 * a fixed cost-10 decoy hash (exporter-toolkit's), so with users hashed at another cost an unknown name answered in a
 * measurably different time than a known one. The mechanism is asserted, not wall-clock time: for an unknown user
 * exactly one bcrypt compare runs, against a hash of the same cost as the configured users', and the user's
 * existence is decided only after that compare.
 */
import bcrypt from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { parseWebConfig } from '../../src/config/web-config.js';
import { BasicAuthenticator, bcryptCost, type BcryptCompare } from '../../src/http/basic-auth.js';

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

function recording(): { compare: BcryptCompare; calls: { password: string; hash: string }[] } {
  const calls: { password: string; hash: string }[] = [];
  return {
    calls,
    compare: (password, hash) => {
      calls.push({ password, hash });
      return bcrypt.compare(password, hash);
    },
  };
}

describe.each([4, 5])('users hashed at cost %i', (cost) => {
  const web = parseWebConfig(
    `basic_auth_users:\n  alice: ${bcrypt.hashSync('wonderland', cost)}\n  bob: ${bcrypt.hashSync('builder', cost)}\n`,
    'web.yml',
  );
  const users = web.basicAuthUsers ?? new Map<string, string>();

  it('an unknown user costs one compare against a decoy of the same cost, like a known user with a wrong password', async () => {
    const r = recording();
    const auth = new BasicAuthenticator(users, { compare: r.compare });
    expect(await auth.check(basic('mallory', 'wonderland'))).toBe(false);
    expect(await auth.check(basic('alice', 'not-it'))).toBe(false);
    expect(r.calls).toHaveLength(2);
    const [unknown, known] = r.calls;
    expect(unknown?.password).toBe('wonderland');
    expect(bcryptCost(unknown?.hash ?? '')).toBe(cost);
    expect(bcryptCost(known?.hash ?? '')).toBe(cost);
    // The decoy is no configured user's hash: no password, however right for someone, opens it.
    expect([...users.values()]).not.toContain(unknown?.hash);
  });

  it('an unknown user with a configured user\'s right password is still refused, after the compare', async () => {
    const r = recording();
    const auth = new BasicAuthenticator(users, { compare: r.compare });
    expect(await auth.check(basic('mallory', 'builder'))).toBe(false);
    expect(r.calls).toHaveLength(1);
  });
});

it('with mixed costs the decoy takes the cost most users have', async () => {
  const h = (c: number) => bcrypt.hashSync('x', c);
  const auth = new BasicAuthenticator(new Map([['a', h(4)], ['b', h(5)], ['c', h(5)]]));
  expect(bcryptCost(await auth.decoyHash())).toBe(5);
});
