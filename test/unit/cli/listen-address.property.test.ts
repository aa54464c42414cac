import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseListenAddress } from '../../../src/cli.js';
import { CliError } from '../../../src/errors.js';

/** parseListenAddress returns a valid address or throws a CliError, never anything else. */
function parsesOrCliError(value: string): void {
  try {
    const a = parseListenAddress(value);
    expect(Number.isInteger(a.port) && a.port >= 0 && a.port <= 65535).toBe(true);
    expect(a.host).not.toBe('');
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    expect(err.code).toBe('FPB_ERR_CLI');
  }
}

const port = fc.integer({ min: 0, max: 65535 });
const ipv4 = fc.tuple(...Array.from({ length: 4 }, () => fc.integer({ min: 0, max: 255 }))).map((p) => p.join('.'));
const hostname = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?){0,3}$/);

describe('parseListenAddress on arbitrary input', () => {
  it('junk: a valid address or a CliError', () => {
    const soup = fc.array(fc.constantFrom('[', ']', ':', '::', '1', '9275', '65536', '-1', 'localhost', ' ', '/', '.', '0', '%eth0', 'x'), { maxLength: 12 }).map((t) => t.join(''));
    fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 60 }), soup), parsesOrCliError), { numRuns: 3000 });
  });

  it('HOST:PORT with an IPv4 address or a host name round-trips', () => {
    fc.assert(
      fc.property(fc.oneof(ipv4, hostname), port, (host, p) => {
        expect(parseListenAddress(`${host}:${p}`)).toEqual({ host, port: p });
      }),
    );
  });

  it('[IPv6]:PORT round-trips; unbracketed IPv6 is refused', () => {
    fc.assert(
      fc.property(fc.ipV6(), port, (ip, p) => {
        expect(parseListenAddress(`[${ip}]:${p}`)).toEqual({ host: ip, port: p });
        expect(() => parseListenAddress(`${ip}:${p}`)).toThrow(CliError);
      }),
    );
  });

  it(':PORT means all interfaces', () => {
    fc.assert(
      fc.property(port, (p) => {
        expect(parseListenAddress(`:${p}`)).toEqual({ host: '0.0.0.0', port: p });
      }),
    );
  });

  it('ports out of range or not decimal are refused', () => {
    const badPort = fc.oneof(
      fc.integer({ min: 65536, max: Number.MAX_SAFE_INTEGER }).map(String),
      fc.integer({ min: -65535, max: -1 }).map(String),
      fc.constantFrom('', '0x10', '1e3', '80.0', ' 80', '８０', '+80'),
    );
    fc.assert(
      fc.property(fc.oneof(ipv4, fc.constant('localhost'), fc.constant('[::1]')), badPort, (host, p) => {
        expect(() => parseListenAddress(`${host}:${p}`)).toThrow(CliError);
      }),
    );
  });
});
