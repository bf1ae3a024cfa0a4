package io.switchboard.persistence.statistics;

import io.switchboard.core.statistics.IntervalCounts;
import io.switchboard.core.statistics.Intervals;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What one batch of events adds to the interval, pause and billing rows of one projection slice
 * (its source): slices own disjoint rows, so they never wait for each other's locks.
 */
final class Tally {
  static final List<String> COLUMNS = IntervalCounts.FIELDS.stream().map(Tally::column).toList();

  static final List<String> BILLING_COLUMNS = List.of("answered_voice", "answered_chat", "answered_email",
      "answered_sms", "answered_social", "messages_taken", "transferred_calls", "sms_sent", "blocked_calls");

  record RowKey(String dimension, String key, long intervalStart) implements Comparable<RowKey> {
    @Override
    public int compareTo(RowKey o) {
      int c = dimension.compareTo(o.dimension);
      if (c == 0) c = key.compareTo(o.key);
      return c != 0 ? c : Long.compare(intervalStart, o.intervalStart);
    }
  }

  record PauseKey(String agent, long intervalStart, String reason) implements Comparable<PauseKey> {
    @Override
    public int compareTo(PauseKey o) {
      int c = agent.compareTo(o.agent);
      if (c == 0) c = Long.compare(intervalStart, o.intervalStart);
      return c != 0 ? c : reason.compareTo(o.reason);
    }
  }

  record BillingKey(String answeringPoint, LocalDate day) implements Comparable<BillingKey> {
    @Override
    public int compareTo(BillingKey o) {
      int c = answeringPoint.compareTo(o.answeringPoint);
      return c != 0 ? c : day.compareTo(o.day);
    }
  }

  private final Map<RowKey, long[]> rows = new TreeMap<>();
  private final Map<PauseKey, long[]> pauses = new TreeMap<>();
  private final Map<BillingKey, long[]> billing = new TreeMap<>();

  /** camelCase field → snake_case column: answeredWithinThreshold → answered_within_threshold. */
  static String column(String field) {
    return field.replaceAll("([a-z])([A-Z0-9])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }

  static int field(String name) {
    int i = IntervalCounts.FIELDS.indexOf(name);
    if (i < 0) throw new IllegalArgumentException("no interval field " + name);
    return i;
  }

  private long[] row(Dimension d, String key, Instant at) {
    return rows.computeIfAbsent(new RowKey(d.wire(), key, Intervals.startOf(at).toEpochMilli()),
        k -> new long[COLUMNS.size()]);
  }

  /** Adds to a field of the row of {@code key} in the interval of {@code at}; no key, no row. */
  void add(Dimension d, String key, Instant at, int field, long value) {
    if (key == null || value == 0) return;
    row(d, key, at)[field] += value;
  }

  void max(Dimension d, String key, Instant at, int field, long value) {
    if (key == null) return;
    long[] r = row(d, key, at);
    r[field] = Math.max(r[field], value);
  }

  /** Spreads the time of [from, to) over the intervals it covers. */
  void addTime(Dimension d, String key, Instant from, Instant to, int field) {
    for (Intervals.Slice s : Intervals.split(from, to)) add(d, key, s.intervalStart(), field, s.millis());
  }

  void addPause(String agent, String reason, Instant from, Instant to) {
    for (Intervals.Slice s : Intervals.split(from, to))
      pauses.computeIfAbsent(new PauseKey(agent, s.intervalStart().toEpochMilli(), reason == null ? "" : reason),
          k -> new long[1])[0] += s.millis();
  }

  void addBilling(String answeringPoint, LocalDate day, String column, long value) {
    if (answeringPoint == null) return;
    int i = BILLING_COLUMNS.indexOf(column);
    if (i < 0) throw new IllegalArgumentException("no billing counter " + column);
    billing.computeIfAbsent(new BillingKey(answeringPoint, day), k -> new long[BILLING_COLUMNS.size()])[i] += value;
  }

  /**
   * Adds this batch to the stored rows: an update of each row by its key, and an insert of those
   * not there yet. The slice owns its rows, so nothing else writes them between the two.
   */
  void write(Connection c, String source) throws SQLException {
    List<Object[]> intervalRows = new ArrayList<>();
    rows.forEach((k, v) -> intervalRows.add(new Object[] {new Object[] {k.dimension(), k.key(), k.intervalStart(), source}, v}));
    add(c, "stat_interval", List.of("dimension", "dimension_key", "interval_start", "source"), COLUMNS, intervalRows);
    List<Object[]> pauseRows = new ArrayList<>();
    pauses.forEach((k, v) -> pauseRows.add(new Object[] {new Object[] {k.agent(), k.intervalStart(), k.reason()}, v}));
    add(c, "stat_pause_interval", List.of("agent", "interval_start", "reason"), List.of("paused_ms"), pauseRows);
    List<Object[]> billingRows = new ArrayList<>();
    billing.forEach((k, v) ->
        billingRows.add(new Object[] {new Object[] {k.answeringPoint(), Date.valueOf(k.day()), source}, v}));
    add(c, "stat_billing", List.of("answering_point", "billing_day", "source"), BILLING_COLUMNS, billingRows);
  }

  /** Each row is {key values, deltas}; {@code max_wait_millis} takes the larger, the rest add. */
  private static void add(Connection c, String table, List<String> keys, List<String> values, List<Object[]> rows)
      throws SQLException {
    if (rows.isEmpty()) return;
    String set = values.stream().map(v -> v.equals(column("maxWaitMillis"))
        ? v + " = GREATEST(" + v + ", ?)" : v + " = " + v + " + ?").collect(Collectors.joining(", "));
    String where = keys.stream().map(k -> k + " = ?").collect(Collectors.joining(" AND "));
    int[] updated;
    try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET " + set + " WHERE " + where)) {
      for (Object[] row : rows) {
        int i = 1;
        for (long x : (long[]) row[1]) ps.setLong(i++, x);
        for (Object k : (Object[]) row[0]) ps.setObject(i++, k);
        ps.addBatch();
      }
      updated = ps.executeBatch();
    }
    String insert = "INSERT INTO " + table + " (" + String.join(", ", keys) + ", " + String.join(", ", values)
        + ") VALUES (" + String.join(", ", Collections.nCopies(keys.size() + values.size(), "?")) + ")";
    try (PreparedStatement ps = c.prepareStatement(insert)) {
      boolean any = false;
      for (int r = 0; r < rows.size(); r++) {
        if (updated[r] > 0) continue;
        any = true;
        int i = 1;
        for (Object k : (Object[]) rows.get(r)[0]) ps.setObject(i++, k);
        for (long x : (long[]) rows.get(r)[1]) ps.setLong(i++, x);
        ps.addBatch();
      }
      if (any) ps.executeBatch();
    }
  }

  boolean isEmpty() {
    return rows.isEmpty() && pauses.isEmpty() && billing.isEmpty();
  }

}
