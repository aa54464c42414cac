import type { ChangeFeed, FeedEvent, FeedListener } from './types.js';

/**
 * The store's change feed: batches of committed changes to synchronous listeners, in commit order.
 *
 * Zero cost when nobody listens: writers ask {@link active} before building events. Sequence numbers count the
 * events published, so a listener sees consecutive numbers from its subscription on, and a gap only if it
 * unsubscribed. A listener that throws does not keep the others from the batch; the first error is rethrown
 * to the committer after all listeners ran (the data is committed by then).
 */
export class MemoryChangeFeed implements ChangeFeed {
  private readonly listeners = new Set<FeedListener>();
  private seq = 1;

  get nextSeq(): number {
    return this.seq;
  }

  /** True when at least one listener is subscribed. */
  get active(): boolean {
    return this.listeners.size > 0;
  }

  /** Takes the next sequence number (only call when {@link active}). */
  take(): number {
    return this.seq++;
  }

  subscribe(listener: FeedListener): () => void {
    // A wrapper per subscription, so the same function subscribed twice gets two independent subscriptions.
    const entry: FeedListener = (batch) => listener(batch);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  /** Delivers one batch (non-empty) to every listener. */
  publish(batch: readonly FeedEvent[]): void {
    if (batch.length === 0) return;
    let failure: unknown;
    let failed = false;
    for (const listener of [...this.listeners]) {
      try {
        listener(batch);
      } catch (err) {
        if (!failed) failure = err;
        failed = true;
      }
    }
    if (failed) throw failure;
  }
}
