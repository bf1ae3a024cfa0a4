package io.switchboard.sip.registrar;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The location service: where each account's phone can be reached now (RFC 3261 §10.3).
 *
 * <p>One binding per contact URI of an account, each with its own expiry: the Contact's
 * {@code expires} parameter, else the Expires header, else {@link Limits#defaultExpires}; above
 * {@link Limits#maxExpires} it is shortened, below {@link Limits#minExpires} (but not 0) the
 * request gets 423. Expires 0 removes a binding, {@code Contact: *} with Expires 0 removes them
 * all. A request with the Call-ID of an existing binding and a CSeq not above the stored one is
 * an old or reordered one and changes nothing (§10.3 step 7). Each request is applied to an
 * account all or nothing.
 *
 * <p>Thread-safe: an account's bindings are an immutable map replaced atomically per request,
 * so concurrent REGISTERs for one account are serialised and readers never see half of one.
 * Expired bindings are invisible at once and dropped on the account's next REGISTER or by
 * {@link #purgeExpired()}.
 */
public final class Registrar {

  private static final Logger log = LoggerFactory.getLogger(Registrar.class);

  /** The registrar's policy. */
  public record Limits(int minExpires, int maxExpires, int defaultExpires, int maxBindings) {
    public static final Limits DEFAULT = new Limits(60, 3600, 3600, 10);

    public Limits {
      if (minExpires < 1) throw new IllegalArgumentException("minExpires must be at least 1");
      if (maxExpires < minExpires) throw new IllegalArgumentException("maxExpires must be at least minExpires");
      if (defaultExpires < minExpires || defaultExpires > maxExpires) {
        throw new IllegalArgumentException("defaultExpires must be within [minExpires, maxExpires]");
      }
      if (maxBindings < 1) throw new IllegalArgumentException("maxBindings must be at least 1");
    }
  }

  /** A binding and when it was last written, for "most recent first". */
  private record Entry(Binding binding, long written) {}

  private static final Comparator<Entry> BEST_FIRST =
      Comparator.<Entry>comparingDouble(e -> -e.binding().q()).thenComparingLong(e -> -e.written());

  private final Clock clock;
  private final Limits limits;
  // Values are never mutated: compute() swaps in a new map per accepted request.
  private final ConcurrentMap<String, Map<String, Entry>> byUser = new ConcurrentHashMap<>();
  // A counter, not the clock: two registrations in the same millisecond still have an order.
  private final AtomicLong writes = new AtomicLong();

  public Registrar(Clock clock) {
    this(clock, Limits.DEFAULT);
  }

  public Registrar(Clock clock, Limits limits) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  public Limits limits() {
    return limits;
  }

  /** Applies a REGISTER of the (authenticated) account {@code user}. */
  public RegisterResult register(String user, RegisterRequest request) {
    if (user == null || user.isBlank()) throw new IllegalArgumentException("user must not be blank");
    Objects.requireNonNull(request, "request");
    Instant now = clock.instant();
    RegisterResult[] result = new RegisterResult[1];
    byUser.compute(user, (u, stored) -> {
      Map<String, Entry> current = unexpired(stored, now);
      Map<String, Entry> next = new HashMap<>(current);
      result[0] = apply(user, request, current, next, now);
      Map<String, Entry> kept = result[0] instanceof RegisterResult.Ok ? next : current;
      return kept.isEmpty() ? null : Map.copyOf(kept);
    });
    return result[0];
  }

  /** Where to send a call for {@code user} now: the best current binding. */
  public Optional<Binding> reachable(String user) {
    return bindings(user).stream().findFirst();
  }

  /** Current bindings of {@code user}, highest q first, then most recently registered first. */
  public List<Binding> bindings(String user) {
    if (user == null) return List.of();
    return sorted(unexpired(byUser.get(user), clock.instant()));
  }

  /** Removes every binding of {@code user} (the account was deleted); returns how many. */
  public int removeAll(String user) {
    if (user == null) return 0;
    Map<String, Entry> removed = byUser.remove(user);
    return removed == null ? 0 : removed.size();
  }

  /** Drops expired bindings of every account; returns how many. Call it now and then. */
  public int purgeExpired() {
    Instant now = clock.instant();
    int[] purged = {0};
    for (String user : byUser.keySet()) {
      byUser.computeIfPresent(user, (u, stored) -> {
        Map<String, Entry> live = unexpired(stored, now);
        purged[0] += stored.size() - live.size();
        return live.isEmpty() ? null : live;
      });
    }
    if (purged[0] > 0) log.debug("purged {} expired bindings", purged[0]);
    return purged[0];
  }

  /** Current bindings of all accounts together. */
  public int size() {
    Instant now = clock.instant();
    return byUser.values().stream().mapToInt(m -> unexpired(m, now).size()).sum();
  }

  /** Fills {@code next} from {@code current} as the request says; the result tells if it counts. */
  private RegisterResult apply(String user, RegisterRequest request, Map<String, Entry> current,
                               Map<String, Entry> next, Instant now) {
    List<RegisterRequest.Contact> contacts = request.contacts();
    if (contacts.isEmpty()) return new RegisterResult.Ok(sorted(current));
    if (contacts.stream().anyMatch(RegisterRequest.Contact::isWildcard)) {
      return unbindAll(user, request, current, next);
    }

    // Every interval is checked before anything changes: a 423 leaves the account as it was.
    int[] seconds = new int[contacts.size()];
    for (int i = 0; i < contacts.size(); i++) {
      RegisterRequest.Contact contact = contacts.get(i);
      if (contact.q() != null && !(contact.q() <= 1.0f)) {
        return new RegisterResult.Refused(400, "q of " + contact.uri() + " must be between 0 and 1");
      }
      int requested = contact.expires() != null ? contact.expires()
          : request.expires() != null ? request.expires() : limits.defaultExpires();
      if (requested > 0 && requested < limits.minExpires()) return new RegisterResult.IntervalTooBrief(limits.minExpires());
      seconds[i] = Math.min(requested, limits.maxExpires());
    }

    for (int i = 0; i < contacts.size(); i++) {
      RegisterRequest.Contact contact = contacts.get(i);
      RegisterResult.Refused outOfOrder = outOfOrder(request, current.get(contact.uri()));
      if (outOfOrder != null) return outOfOrder;
      if (seconds[i] == 0) {
        next.remove(contact.uri());
      } else {
        float q = contact.q() == null ? 1.0f : contact.q();
        Binding binding = new Binding(contact.uri(), request.callId(), request.cseq(), now.plusSeconds(seconds[i]), q,
            request.sourceAddress(), request.transport());
        next.put(contact.uri(), new Entry(binding, writes.incrementAndGet()));
      }
    }

    if (next.size() > limits.maxBindings() && next.size() > current.size()) {
      return new RegisterResult.Refused(403, "too many bindings: account " + user + " may register at most "
          + limits.maxBindings() + " contacts");
    }
    if (log.isDebugEnabled()) log.debug("{} now has {} binding(s) from {} {}", user, next.size(), request.sourceAddress(), request.transport());
    return new RegisterResult.Ok(sorted(next));
  }

  /** {@code Contact: *}: RFC 3261 §10.3 step 6 (only with Expires 0, alone) and step 7 per binding. */
  private RegisterResult unbindAll(String user, RegisterRequest request, Map<String, Entry> current, Map<String, Entry> next) {
    if (request.contacts().size() != 1) return new RegisterResult.Refused(400, "Contact * must be the only contact");
    Integer paramExpires = request.contacts().get(0).expires();
    if (!Integer.valueOf(0).equals(request.expires()) || (paramExpires != null && paramExpires != 0)) {
      return new RegisterResult.Refused(400, "Contact * needs Expires: 0");
    }
    for (Entry entry : current.values()) {
      RegisterResult.Refused outOfOrder = outOfOrder(request, entry);
      if (outOfOrder != null) return outOfOrder;
    }
    next.clear();
    log.debug("{} removed all {} binding(s)", user, current.size());
    return new RegisterResult.Ok(List.of());
  }

  /** Same Call-ID and a CSeq not above the stored one: an old or reordered request. */
  private static RegisterResult.Refused outOfOrder(RegisterRequest request, Entry existing) {
    if (existing == null) return null;
    Binding b = existing.binding();
    if (!b.callId().equals(request.callId()) || request.cseq() > b.cseq()) return null;
    return new RegisterResult.Refused(400, "out of order: CSeq " + request.cseq() + " is not above " + b.cseq()
        + " already seen for Call-ID " + b.callId());
  }

  private static Map<String, Entry> unexpired(Map<String, Entry> stored, Instant now) {
    if (stored == null) return Map.of();
    if (stored.values().stream().noneMatch(e -> e.binding().expiredAt(now))) return stored;
    Map<String, Entry> live = new HashMap<>();
    stored.forEach((uri, e) -> {
      if (!e.binding().expiredAt(now)) live.put(uri, e);
    });
    return Map.copyOf(live);
  }

  private static List<Binding> sorted(Map<String, Entry> entries) {
    return entries.values().stream().sorted(BEST_FIRST).map(Entry::binding).toList();
  }
}
