/**
 * Polls `check` until it returns a value other than `false` or `undefined`, and returns that value. A check that
 * throws counts as not yet met (its error is kept for the timeout message). Throws after `timeoutMs` with `what` and
 * the last error or "condition false". The one polling helper of the integration and end-to-end tests.
 */
export async function eventually<T>(
  what: string,
  timeoutMs: number,
  check: () => Promise<T | false | undefined>,
  intervalMs = 500,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = 'condition false';
  for (;;) {
    try {
      const r = await check();
      if (r !== false && r !== undefined) return r;
      last = 'condition false';
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${last instanceof Error ? last.message : String(last)}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
