package io.switchboard.persistence.statistics;

import io.switchboard.core.statistics.IntervalCounts;
import io.switchboard.core.statistics.Intervals;
import io.switchboard.core.statistics.Intervals.Granularity;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Queries of the statistics read side. A {@code null} collection of keys means "all"; an empty
 * one means "none" (a scoped user who may see nothing gets nothing, not everything).
 */
public final class StatisticsReader {
  private final ReadSide readSide;
  private final ZoneId zone;
  private final JournalTags tags;

  /** On a node's running read side: {@link StatisticsProjections#reader()}. */
  StatisticsReader(ReadSide readSide, ZoneId zone, JournalTags tags) {
    this.readSide = readSide;
    this.zone = zone;
    this.tags = tags;
  }

  public ZoneId zone() {
    return zone;
  }

  public record IntervalRow(String dimension, String key, Instant periodStart, IntervalCounts counts) {}

  public record PauseRow(String agent, Instant periodStart, String reason, long millis) {}

  public record BillingRow(String answeringPoint, LocalDate periodStart, long answeredVoice, long answeredChat,
      long answeredEmail, long answeredSms, long answeredSocial, long messagesTaken, long transferredCalls,
      long smsSent, long blockedCalls) {

    BillingRow plus(BillingRow o) {
      return new BillingRow(answeringPoint, periodStart, answeredVoice + o.answeredVoice,
          answeredChat + o.answeredChat, answeredEmail + o.answeredEmail, answeredSms + o.answeredSms,
          answeredSocial + o.answeredSocial, messagesTaken + o.messagesTaken, transferredCalls + o.transferredCalls,
          smsSent + o.smsSent, blockedCalls + o.blockedCalls);
    }
  }

  public record CallLogEntry(String callId, String channel, String dialledNumber, String callerNumber,
      String answeringPoint, String company, String firstQueue, String queue, String queues, int priority,
      String phase, String outcome, Instant arrivedAt, Instant virtualStartAt, Instant enqueuedAt,
      Instant answeredAt, Instant abandonedAt, Instant flowOutAt, Instant endedAt, Instant completedAt,
      String agent, String agents, int offers, String endedBy, String abandonedPhase, Long waitMs, Long talkMs,
      Long holdMs, Long wrapUpMs, Long serviceLevelThresholdMs, Long shortAbandonThresholdMs, String closedAction,
      String classification) {}

  /** Which calls: arrived in [from, to), optionally of one queue (any visited), agent, company, point. */
  public record CallFilter(Instant from, Instant to, String queue, String agent, String company,
      String answeringPoint, Collection<String> answeringPointScope, int limit) {}

  public record ProjectionStatus(String projection, String key, Long offset, long pendingEvents,
      Long lastLagMillis) {}

  // ---------------------------------------------------------------- intervals

  /** Rows of one dimension in [from, to), summed per key and period of the granularity. */
  public List<IntervalRow> intervals(Dimension d, Collection<String> keys, Instant from, Instant to, Granularity g) {
    if (keys != null && keys.isEmpty()) return List.of();
    String sql = "SELECT dimension_key, interval_start, " + String.join(", ", Tally.COLUMNS)
        + " FROM stat_interval WHERE dimension = ? AND interval_start >= ? AND interval_start < ?" + in("dimension_key", keys)
        + " ORDER BY dimension_key, interval_start";
    Map<String, Map<Instant, IntervalCounts>> sums = new TreeMap<>();
    if (d == Dimension.AGENT)
      for (OpenState open : openStates(keys, from, to)) {
        Integer field = STATE_FIELDS.get(open.status());
        if (field == null) continue;
        for (Intervals.Slice slice : Intervals.split(open.from(), open.to())) {
          long[] v = new long[Tally.COLUMNS.size()];
          v[field] = slice.millis();
          sums.computeIfAbsent(open.agent(), k -> new TreeMap<>())
              .merge(g.periodStart(slice.intervalStart(), zone), IntervalCounts.of(v), IntervalCounts::plus);
        }
      }
    query(sql, ps -> {
      ps.setString(1, d.wire());
      ps.setLong(2, from.toEpochMilli());
      ps.setLong(3, to.toEpochMilli());
      bind(ps, 4, keys);
    }, rs -> {
      long[] v = new long[Tally.COLUMNS.size()];
      for (int i = 0; i < v.length; i++) v[i] = rs.getLong(3 + i);
      Instant period = g.periodStart(Instant.ofEpochMilli(rs.getLong(2)), zone);
      sums.computeIfAbsent(rs.getString(1), k -> new TreeMap<>())
          .merge(period, IntervalCounts.of(v), IntervalCounts::plus);
    });
    List<IntervalRow> rows = new ArrayList<>();
    sums.forEach((key, periods) -> periods.forEach((p, c) -> rows.add(new IntervalRow(d.wire(), key, p, c))));
    return rows;
  }

  public static IntervalCounts total(List<IntervalRow> rows) {
    return rows.stream().map(IntervalRow::counts).reduce(IntervalCounts.ZERO, IntervalCounts::plus);
  }

  /** Today's sums (in the centre's time zone) per key of one dimension. */
  public Map<String, IntervalCounts> today(Dimension d, Instant now) {
    Instant from = Intervals.day(now, zone).atStartOfDay(zone).toInstant();
    Instant to = Intervals.day(now, zone).plusDays(1).atStartOfDay(zone).toInstant();
    Map<String, IntervalCounts> byKey = new TreeMap<>();
    for (IntervalRow r : intervals(d, null, from, to, Granularity.DAY)) byKey.merge(r.key(), r.counts(), IntervalCounts::plus);
    return byKey;
  }

  /**
   * The state each agent is in now, from when it began (clipped to [from, to) and to now): the
   * projections add a state's time when it ends, so the readers add the time of the open one.
   */
  record OpenState(String agent, String status, String reason, Instant from, Instant to) {}

  private static final Map<String, Integer> STATE_FIELDS = Map.of(
      "READY", Tally.field("readyMillis"),
      "RESERVED", Tally.field("reservedMillis"),
      "BUSY", Tally.field("busyMillis"),
      "WRAP_UP", Tally.field("wrapUpStateMillis"),
      "PAUSED", Tally.field("pausedMillis"));

  private List<OpenState> openStates(Collection<String> agents, Instant from, Instant to) {
    Instant until = to.isBefore(Instant.now()) ? to : Instant.now();
    List<OpenState> open = new ArrayList<>();
    query("SELECT agent, status, pause_reason, since FROM stat_agent_state WHERE since < ?" + in("agent", agents),
        ps -> {
          ps.setLong(1, until.toEpochMilli());
          bind(ps, 2, agents);
        },
        rs -> {
          Instant since = Instant.ofEpochMilli(rs.getLong(4));
          Instant start = since.isAfter(from) ? since : from;
          if (start.isBefore(until)) open.add(new OpenState(rs.getString(1), rs.getString(2), rs.getString(3), start, until));
        });
    return open;
  }

  public List<PauseRow> pauses(Collection<String> agents, Instant from, Instant to, Granularity g) {
    if (agents != null && agents.isEmpty()) return List.of();
    Map<List<Object>, long[]> sums = new TreeMap<>((a, b) -> {
      for (int i = 0; i < a.size(); i++) {
        @SuppressWarnings({"unchecked", "rawtypes"})
        int c = ((Comparable) a.get(i)).compareTo(b.get(i));
        if (c != 0) return c;
      }
      return 0;
    });
    query("SELECT agent, interval_start, reason, paused_ms FROM stat_pause_interval"
            + " WHERE interval_start >= ? AND interval_start < ?" + in("agent", agents),
        ps -> {
          ps.setLong(1, from.toEpochMilli());
          ps.setLong(2, to.toEpochMilli());
          bind(ps, 3, agents);
        },
        rs -> sums.computeIfAbsent(List.of(rs.getString(1),
                g.periodStart(Instant.ofEpochMilli(rs.getLong(2)), zone), rs.getString(3)), k -> new long[1])[0] +=
            rs.getLong(4));
    for (OpenState open : openStates(agents, from, to)) {
      if (!open.status().equals("PAUSED")) continue;
      for (Intervals.Slice slice : Intervals.split(open.from(), open.to()))
        sums.computeIfAbsent(List.of(open.agent(), g.periodStart(slice.intervalStart(), zone),
            open.reason() == null ? "" : open.reason()), k -> new long[1])[0] += slice.millis();
    }
    List<PauseRow> rows = new ArrayList<>();
    sums.forEach((k, v) -> rows.add(new PauseRow((String) k.get(0), (Instant) k.get(1), (String) k.get(2), v[0])));
    return rows;
  }

  // ---------------------------------------------------------------- billing

  /** Billing counters per answering point and day (or month) in [from, to). */
  public List<BillingRow> billing(Collection<String> answeringPoints, LocalDate from, LocalDate to, boolean monthly) {
    if (answeringPoints != null && answeringPoints.isEmpty()) return List.of();
    Map<String, Map<LocalDate, BillingRow>> sums = new TreeMap<>();
    query("SELECT answering_point, billing_day, " + String.join(", ", Tally.BILLING_COLUMNS)
            + " FROM stat_billing WHERE billing_day >= ? AND billing_day < ?" + in("answering_point", answeringPoints),
        ps -> {
          ps.setDate(1, Date.valueOf(from));
          ps.setDate(2, Date.valueOf(to));
          bind(ps, 3, answeringPoints);
        },
        rs -> {
          LocalDate day = rs.getDate(2).toLocalDate();
          LocalDate period = monthly ? day.withDayOfMonth(1) : day;
          BillingRow row = new BillingRow(rs.getString(1), period, rs.getLong(3), rs.getLong(4), rs.getLong(5),
              rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9), rs.getLong(10), rs.getLong(11));
          sums.computeIfAbsent(row.answeringPoint(), k -> new TreeMap<>()).merge(period, row, BillingRow::plus);
        });
    List<BillingRow> rows = new ArrayList<>();
    sums.values().forEach(m -> rows.addAll(m.values()));
    return rows;
  }

  // ---------------------------------------------------------------- call log

  public List<CallLogEntry> calls(CallFilter f) {
    if (f.answeringPointScope() != null && f.answeringPointScope().isEmpty()) return List.of();
    StringBuilder sql = new StringBuilder("SELECT " + String.join(", ", CallLogRow.COLUMNS)
        + " FROM stat_call_log WHERE arrived_at >= ? AND arrived_at < ?");
    List<Object> args = new ArrayList<>(List.of(f.from().toEpochMilli(), f.to().toEpochMilli()));
    if (f.queue() != null) {
      // Any queue the call visited: the list is comma-separated.
      sql.append(" AND (',' || queues || ',') LIKE ? ESCAPE '!'");
      args.add("%," + like(f.queue()) + ",%");
    }
    if (f.agent() != null) {
      sql.append(" AND (',' || agents || ',') LIKE ? ESCAPE '!'");
      args.add("%," + like(f.agent()) + ",%");
    }
    if (f.company() != null) {
      sql.append(" AND company = ?");
      args.add(f.company());
    }
    if (f.answeringPoint() != null) {
      sql.append(" AND answering_point = ?");
      args.add(f.answeringPoint());
    }
    sql.append(in("answering_point", f.answeringPointScope()));
    if (f.answeringPointScope() != null) args.addAll(f.answeringPointScope());
    sql.append(" ORDER BY arrived_at, call_id");
    List<CallLogEntry> rows = new ArrayList<>();
    query(sql + " LIMIT " + Math.max(0, f.limit()), ps -> {
      for (int i = 0; i < args.size(); i++) {
        if (args.get(i) instanceof Long l) ps.setLong(i + 1, l);
        else ps.setString(i + 1, (String) args.get(i));
      }
    }, rs -> rows.add(new CallLogEntry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getInt(10),
        rs.getString(11), rs.getString(12), instant(rs, 13), instant(rs, 14), instant(rs, 15), instant(rs, 16),
        instant(rs, 17), instant(rs, 18), instant(rs, 19), instant(rs, 20), rs.getString(21), rs.getString(22),
        rs.getInt(23), rs.getString(24), rs.getString(25), longOrNull(rs, 26), longOrNull(rs, 27),
        longOrNull(rs, 28), longOrNull(rs, 29), longOrNull(rs, 30), longOrNull(rs, 31), rs.getString(32),
        rs.getString(33))));
    return rows;
  }

  /** A company's latest calls, newest first (the screen pop's history). */
  public record RecentCall(String callId, Instant arrivedAt, String callerNumber, String outcome, String agent,
      Long talkMs) {}

  public List<RecentCall> recentCalls(String company, int limit) {
    List<RecentCall> rows = new ArrayList<>();
    query("SELECT call_id, arrived_at, caller_number, outcome, agent, talk_ms FROM stat_call_log WHERE company = ?"
            + " ORDER BY arrived_at DESC, call_id DESC LIMIT " + Math.max(0, limit),
        ps -> ps.setString(1, company),
        rs -> rows.add(new RecentCall(rs.getString(1), instant(rs, 2), rs.getString(3), rs.getString(4),
            rs.getString(5), longOrNull(rs, 6))));
    return rows;
  }

  /** A company's calls arrived in a period, per outcome ("open" while not ended), with mean wait and talk. */
  public record OutcomeCount(String outcome, int calls, Long averageWaitMs, Long averageTalkMs) {}

  public List<OutcomeCount> companyOutcomes(String company, Instant from, Instant to) {
    List<OutcomeCount> rows = new ArrayList<>();
    query("SELECT COALESCE(outcome, 'open'), COUNT(*), AVG(wait_ms), AVG(talk_ms) FROM stat_call_log"
            + " WHERE company = ? AND arrived_at >= ? AND arrived_at < ? GROUP BY COALESCE(outcome, 'open')"
            + " ORDER BY 1",
        ps -> {
          ps.setString(1, company);
          ps.setLong(2, from.toEpochMilli());
          ps.setLong(3, to.toEpochMilli());
        },
        rs -> rows.add(new OutcomeCount(rs.getString(1), rs.getInt(2), average(rs, 3), average(rs, 4))));
    return rows;
  }

  private static Long average(ResultSet rs, int column) throws SQLException {
    java.math.BigDecimal v = rs.getBigDecimal(column);
    return v == null ? null : v.setScale(0, java.math.RoundingMode.HALF_UP).longValue();
  }

  /** A contact as the cross-company search finds it; the redirect as written (the caller judges if it lapsed). */
  public record DirectoryContact(String company, String contactId, String kind, String name, String title,
      String department, String phones, String email, String mobile, String redirectReason, Instant redirectUntil,
      String redirectNote) {}

  /**
   * Contacts of {@code companies} whose search text has every word at the start of one of its
   * words (words folded by the caller as the directory folds them), by name; at most {@code limit}.
   */
  public List<DirectoryContact> searchContacts(Collection<String> companies, List<String> words, int limit) {
    if (companies.isEmpty()) return List.of();
    StringBuilder sql = new StringBuilder("SELECT company, contact_id, kind, name, title, department, phones, email,"
        + " mobile, redirect_reason, redirect_until, redirect_note FROM dir_contact WHERE 1 = 1");
    sql.append(in("company", companies));
    for (int i = 0; i < words.size(); i++) sql.append(" AND search_text LIKE ? ESCAPE '!'");
    sql.append(" ORDER BY name, company, contact_id LIMIT ").append(Math.max(0, limit));
    List<DirectoryContact> rows = new ArrayList<>();
    query(sql.toString(), ps -> {
      bind(ps, 1, companies);
      int next = companies.size() + 1;
      for (String w : words) ps.setString(next++, "% " + like(w) + "%");
    }, rs -> rows.add(new DirectoryContact(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
        instant(rs, 11), rs.getString(12))));
    return rows;
  }

  /** A message taken for a client, as the customer portal lists it (ANS-6, ANS-8). */
  public record MessageRow(String messageId, String answeringPoint, String company, String contact,
      String recipientName, String callId, String callerName, String callerNumber, String callerCompany,
      String callBack, String text, String takenBy, Instant takenAt, String emailTo, String emailStatus,
      int emailAttempts, String smsTo, String smsStatus, int smsAttempts, String lastError) {}

  /** A company's messages taken in [from, to), newest first. */
  public List<MessageRow> messages(String company, Instant from, Instant to, int limit) {
    List<MessageRow> rows = new ArrayList<>();
    query("SELECT message_id, answering_point, company, contact, recipient_name, call_id, caller_name, caller_number,"
            + " caller_company, call_back, text, taken_by, taken_at, email_to, email_status, email_attempts, sms_to,"
            + " sms_status, sms_attempts, last_error FROM stat_message WHERE company = ? AND taken_at >= ?"
            + " AND taken_at < ? ORDER BY taken_at DESC, message_id DESC LIMIT " + Math.max(0, limit),
        ps -> {
          ps.setString(1, company);
          ps.setLong(2, from.toEpochMilli());
          ps.setLong(3, to.toEpochMilli());
        },
        rs -> rows.add(new MessageRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9), rs.getString(10),
            rs.getString(11), rs.getString(12), instant(rs, 13), rs.getString(14), rs.getString(15), rs.getInt(16),
            rs.getString(17), rs.getString(18), rs.getInt(19), rs.getString(20))));
    return rows;
  }

  // ---------------------------------------------------------------- status

  /**
   * Where each projection slice stands: its offset and how many tagged events wait behind it.
   * The offset is the journal's ordering on JDBC; on Cassandra (time UUID offsets) it is the write
   * time, in epoch ms, of the last event the slice projected.
   */
  public List<ProjectionStatus> status(List<String> keys, Map<String, Long> lastLagMillis) {
    Map<String, JournalTags.Stored> offsets = offsets();
    List<ProjectionStatus> result = new ArrayList<>();
    for (String key : keys) {
      JournalTags.Stored offset = offsets.get(key);
      // In a cluster the slices run spread over the nodes and each node times only its own: a
      // slice running elsewhere gets its last lag from the offset store (when its offset was
      // committed minus when the event it stands at was written), so any node reports every slice.
      Long committedLag = null;
      if (offset != null) {
        var written = tags.writtenAt(offset);
        if (written.isPresent()) committedLag = Math.max(0, offset.lastUpdated() - written.getAsLong());
      }
      Long lag = lastLagMillis.get(key);
      result.add(new ProjectionStatus(StatisticsProjections.nameOf(key), key,
          offset == null ? null : tags.asNumber(offset), tags.pendingAfter(key, offset),
          lag != null ? lag : committedLag));
    }
    return result;
  }

  /**
   * How far the read side is complete: every event written before the returned instant has been
   * projected (the write time of the oldest event some slice has not projected yet, or now).
   */
  public Instant completeUpTo(List<String> keys) {
    Map<String, JournalTags.Stored> offsets = offsets();
    long oldest = Long.MAX_VALUE;
    for (String key : keys) {
      var first = tags.firstWrittenAfter(key, offsets.get(key));
      if (first.isPresent()) oldest = Math.min(oldest, first.getAsLong());
    }
    return oldest == Long.MAX_VALUE ? Instant.now() : Instant.ofEpochMilli(oldest);
  }

  /** The stored offset of each projection slice that has one, as the offset store keeps it. */
  private Map<String, JournalTags.Stored> offsets() {
    Map<String, JournalTags.Stored> offsets = new TreeMap<>();
    query("SELECT \"projection_key\", \"current_offset\", \"last_updated\" FROM \"pekko_projection_offset_store\"",
        ps -> {}, rs -> offsets.put(rs.getString(1), new JournalTags.Stored(rs.getString(2), rs.getLong(3))));
    return offsets;
  }

  /** Every row of every read table, in a stable order: what a rebuild must reproduce exactly. */
  public Map<String, List<List<Object>>> dump() {
    Map<String, List<List<Object>>> tables = new TreeMap<>();
    for (String table : StatisticsProjections.READ_TABLES) {
      List<List<Object>> rows = new ArrayList<>();
      query("SELECT * FROM " + table, ps -> {}, rs -> {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) row.add(rs.getObject(i));
        rows.add(row);
      });
      rows.sort((a, b) -> a.toString().compareTo(b.toString()));
      tables.put(table, rows);
    }
    return tables;
  }

  // ---------------------------------------------------------------- plumbing

  private interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  private interface RowReader {
    void read(ResultSet rs) throws SQLException;
  }

  private void query(String sql, Binder binder, RowReader reader) {
    try (Connection c = readSide.connection()) {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        binder.bind(ps);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) reader.read(rs);
        }
      } finally {
        c.rollback();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("statistics query failed: " + e.getMessage(), e);
    }
  }

  /** An id as a LIKE pattern matching only itself ({@code _} is a valid id character). */
  private static String like(String id) {
    return id.replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }

  private static String in(String column, Collection<String> keys) {
    if (keys == null) return "";
    return " AND " + column + " IN (" + String.join(", ", Collections.nCopies(keys.size(), "?")) + ")";
  }

  private static void bind(PreparedStatement ps, int first, Collection<String> keys) throws SQLException {
    if (keys == null) return;
    int i = first;
    for (String k : keys) ps.setString(i++, k);
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    Long v = longOrNull(rs, column);
    return v == null ? null : Instant.ofEpochMilli(v);
  }

  private static Long longOrNull(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }

}
