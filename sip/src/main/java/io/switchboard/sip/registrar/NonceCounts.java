package io.switchboard.sip.registrar;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The highest nonce-count seen for each recently used nonce, so a captured request cannot be
 * replayed while its nonce is still fresh. Memory is bounded by an LRU; to keep the bound from
 * opening a replay window, a nonce that is not remembered but was issued no later than one that
 * had to be forgotten counts as {@link Outcome#FORGOTTEN}: the caller answers stale and the
 * phone simply retries with a new nonce.
 */
final class NonceCounts {

  enum Outcome { ACCEPTED, REPLAYED, FORGOTTEN }

  private record Seen(long issuedAtMillis, long nc) {}

  private final int capacity;
  private final LinkedHashMap<String, Seen> seen;
  private long forgottenUpToMillis = Long.MIN_VALUE;

  NonceCounts(int capacity) {
    if (capacity < 1) throw new IllegalArgumentException("capacity must be at least 1");
    this.capacity = capacity;
    this.seen = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
        if (size() <= NonceCounts.this.capacity) return false;
        forgottenUpToMillis = Math.max(forgottenUpToMillis, eldest.getValue().issuedAtMillis());
        return true;
      }
    };
  }

  /** Records {@code nc} for {@code nonce} if it is higher than any seen for it. */
  synchronized Outcome advance(String nonce, long issuedAtMillis, long nc) {
    Seen previous = seen.get(nonce);
    if (previous == null) {
      if (issuedAtMillis <= forgottenUpToMillis) return Outcome.FORGOTTEN;
      seen.put(nonce, new Seen(issuedAtMillis, nc));
      return Outcome.ACCEPTED;
    }
    if (nc <= previous.nc()) return Outcome.REPLAYED;
    seen.put(nonce, new Seen(issuedAtMillis, nc));
    return Outcome.ACCEPTED;
  }

  synchronized int size() {
    return seen.size();
  }
}
