package io.switchboard.persistence.statistics;

import io.switchboard.core.statistics.IntervalCounts;
import io.switchboard.core.statistics.Intervals;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
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
  private static final int MAX_WAIT = IntervalCounts.FIELDS.indexOf("maxWaitMillis");

  static final List<String> BILLING_COLUMNS = List.of("answered_voice", "answered_chat", "answered_email",
      "answered_sms", "answered_social", "messages_taken", "transferred_calls", "sms_sent");

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

  void write(Connection c, boolean postgres, String source) throws SQLException {
    if (!rows.isEmpty())
      try (PreparedStatement ps = c.prepareStatement(intervalUpsert(postgres))) {
        for (Map.Entry<RowKey, long[]> e : rows.entrySet()) {
          ps.setString(1, e.getKey().dimension());
          ps.setString(2, e.getKey().key());
          ps.setLong(3, e.getKey().intervalStart());
          ps.setString(4, source);
          long[] v = e.getValue();
          for (int i = 0; i < v.length; i++) ps.setLong(5 + i, v[i]);
          ps.addBatch();
        }
        ps.executeBatch();
      }
    if (!pauses.isEmpty())
      try (PreparedStatement ps = c.prepareStatement(upsert(postgres, "stat_pause_interval",
          List.of("agent", "interval_start", "reason"), List.of("VARCHAR(128)", "BIGINT", "VARCHAR(128)"),
          List.of("paused_ms")))) {
        for (Map.Entry<PauseKey, long[]> e : pauses.entrySet()) {
          ps.setString(1, e.getKey().agent());
          ps.setLong(2, e.getKey().intervalStart());
          ps.setString(3, e.getKey().reason());
          ps.setLong(4, e.getValue()[0]);
          ps.addBatch();
        }
        ps.executeBatch();
      }
    if (!billing.isEmpty())
      try (PreparedStatement ps = c.prepareStatement(upsert(postgres, "stat_billing",
          List.of("answering_point", "billing_day", "source"), List.of("VARCHAR(128)", "DATE", "VARCHAR(32)"),
          BILLING_COLUMNS))) {
        for (Map.Entry<BillingKey, long[]> e : billing.entrySet()) {
          ps.setString(1, e.getKey().answeringPoint());
          ps.setDate(2, Date.valueOf(e.getKey().day()));
          ps.setString(3, source);
          long[] v = e.getValue();
          for (int i = 0; i < v.length; i++) ps.setLong(4 + i, v[i]);
          ps.addBatch();
        }
        ps.executeBatch();
      }
  }

  private static String intervalUpsert(boolean postgres) {
    return upsert(postgres, "stat_interval", List.of("dimension", "dimension_key", "interval_start", "source"),
        List.of("VARCHAR(16)", "VARCHAR(128)", "BIGINT", "VARCHAR(32)"), COLUMNS);
  }

  /** Insert, or add to the row with the same key ({@code max_wait_millis} takes the larger). */
  static String upsert(boolean postgres, String table, List<String> keys, List<String> keyTypes, List<String> values) {
    String all = String.join(", ", keys) + ", " + String.join(", ", values);
    if (postgres) {
      String params = String.join(", ", java.util.Collections.nCopies(keys.size() + values.size(), "?"));
      String set = values.stream().map(v -> v.equals(column("maxWaitMillis"))
              ? v + " = GREATEST(" + table + "." + v + ", EXCLUDED." + v + ")"
              : v + " = " + table + "." + v + " + EXCLUDED." + v)
          .collect(Collectors.joining(", "));
      return "INSERT INTO " + table + " (" + all + ") VALUES (" + params + ") ON CONFLICT (" + String.join(", ", keys)
          + ") DO UPDATE SET " + set;
    }
    StringBuilder params = new StringBuilder();
    for (int i = 0; i < keys.size(); i++) params.append(i > 0 ? ", " : "").append("CAST(? AS ").append(keyTypes.get(i)).append(')');
    for (int i = 0; i < values.size(); i++) params.append(", CAST(? AS BIGINT)");
    String on = keys.stream().map(k -> "t." + k + " = s." + k).collect(Collectors.joining(" AND "));
    String set = values.stream().map(v -> v.equals(column("maxWaitMillis"))
            ? v + " = GREATEST(t." + v + ", s." + v + ")"
            : v + " = t." + v + " + s." + v)
        .collect(Collectors.joining(", "));
    String insert = keys.stream().map(k -> "s." + k).collect(Collectors.joining(", ")) + ", "
        + values.stream().map(v -> "s." + v).collect(Collectors.joining(", "));
    return "MERGE INTO " + table + " t USING (VALUES (" + params + ")) s(" + all + ") ON " + on
        + " WHEN MATCHED THEN UPDATE SET " + set + " WHEN NOT MATCHED THEN INSERT (" + all + ") VALUES (" + insert + ")";
  }

  boolean isEmpty() {
    return rows.isEmpty() && pauses.isEmpty() && billing.isEmpty();
  }

  static int maxWaitField() {
    return MAX_WAIT;
  }
}
