package io.switchboard.persistence.statistics;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/** One call's row of the call log, as the projection builds it up event by event. */
final class CallLogRow {
  static final List<String> COLUMNS = List.of("call_id", "channel", "dialled_number", "caller_number",
      "answering_point", "company", "first_queue", "queue", "queues", "priority", "phase", "outcome", "arrived_at",
      "virtual_start_at", "enqueued_at", "answered_at", "abandoned_at", "flow_out_at", "ended_at", "completed_at",
      "agent", "agents", "offers", "ended_by", "abandoned_phase", "wait_ms", "talk_ms", "hold_ms", "wrap_up_ms",
      "service_level_threshold_ms", "short_abandon_threshold_ms", "closed_action", "classification");

  final String callId;
  boolean stored;
  String channel = "voice";
  String dialledNumber, callerNumber, answeringPoint, company, firstQueue, queue, queues;
  int priority;
  String phase = "routing", outcome;
  long arrivedAt;
  Long virtualStartAt, enqueuedAt, answeredAt, abandonedAt, flowOutAt, endedAt, completedAt;
  String agent, agents;
  int offers;
  String endedBy, abandonedPhase;
  Long waitMs, talkMs, holdMs, wrapUpMs, serviceLevelThresholdMs, shortAbandonThresholdMs;
  String closedAction, classification;

  CallLogRow(String callId) {
    this.callId = callId;
  }

  /** The rows of these calls, one query for all; a call not stored yet gets a new, empty row. */
  static java.util.Map<String, CallLogRow> loadAll(Connection c, java.util.Collection<String> callIds)
      throws SQLException {
    java.util.Map<String, CallLogRow> rows = new java.util.LinkedHashMap<>();
    for (String id : callIds) rows.put(id, new CallLogRow(id));
    if (callIds.isEmpty()) return rows;
    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM stat_call_log WHERE call_id IN ("
        + String.join(", ", java.util.Collections.nCopies(callIds.size(), "?")) + ")")) {
      int i = 1;
      for (String id : callIds) ps.setString(i++, id);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) read(rows.get(rs.getString("call_id")), rs);
      }
    }
    return rows;
  }

  private static void read(CallLogRow r, ResultSet rs) throws SQLException {
    r.stored = true;
    r.channel = rs.getString("channel");
    r.dialledNumber = rs.getString("dialled_number");
    r.callerNumber = rs.getString("caller_number");
    r.answeringPoint = rs.getString("answering_point");
    r.company = rs.getString("company");
    r.firstQueue = rs.getString("first_queue");
    r.queue = rs.getString("queue");
    r.queues = rs.getString("queues");
    r.priority = rs.getInt("priority");
    r.phase = rs.getString("phase");
    r.outcome = rs.getString("outcome");
    r.arrivedAt = rs.getLong("arrived_at");
    r.virtualStartAt = longOrNull(rs, "virtual_start_at");
    r.enqueuedAt = longOrNull(rs, "enqueued_at");
    r.answeredAt = longOrNull(rs, "answered_at");
    r.abandonedAt = longOrNull(rs, "abandoned_at");
    r.flowOutAt = longOrNull(rs, "flow_out_at");
    r.endedAt = longOrNull(rs, "ended_at");
    r.completedAt = longOrNull(rs, "completed_at");
    r.agent = rs.getString("agent");
    r.agents = rs.getString("agents");
    r.offers = rs.getInt("offers");
    r.endedBy = rs.getString("ended_by");
    r.abandonedPhase = rs.getString("abandoned_phase");
    r.waitMs = longOrNull(rs, "wait_ms");
    r.talkMs = longOrNull(rs, "talk_ms");
    r.holdMs = longOrNull(rs, "hold_ms");
    r.wrapUpMs = longOrNull(rs, "wrap_up_ms");
    r.serviceLevelThresholdMs = longOrNull(rs, "service_level_threshold_ms");
    r.shortAbandonThresholdMs = longOrNull(rs, "short_abandon_threshold_ms");
    r.closedAction = rs.getString("closed_action");
    r.classification = rs.getString("classification");
  }

  private static Long longOrNull(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }

  /** Writes the rows: one batch of updates, one of inserts. */
  static void saveAll(Connection c, java.util.Collection<CallLogRow> rows) throws SQLException {
    String update = "UPDATE stat_call_log SET " + String.join(" = ?, ", COLUMNS.subList(1, COLUMNS.size()))
        + " = ? WHERE call_id = ?";
    String insert = "INSERT INTO stat_call_log (" + String.join(", ", COLUMNS.subList(1, COLUMNS.size()))
        + ", call_id) VALUES (" + String.join(", ", java.util.Collections.nCopies(COLUMNS.size(), "?")) + ")";
    try (PreparedStatement updates = c.prepareStatement(update); PreparedStatement inserts = c.prepareStatement(insert)) {
      boolean anyUpdate = false, anyInsert = false;
      for (CallLogRow r : rows) {
        r.bind(r.stored ? updates : inserts);
        (r.stored ? updates : inserts).addBatch();
        anyUpdate |= r.stored;
        anyInsert |= !r.stored;
        r.stored = true;
      }
      if (anyUpdate) updates.executeBatch();
      if (anyInsert) inserts.executeBatch();
    }
  }

  private void bind(PreparedStatement ps) throws SQLException {
    Object[] v = {channel, dialledNumber, callerNumber, answeringPoint, company, firstQueue, queue, queues, priority,
        phase, outcome, arrivedAt, virtualStartAt, enqueuedAt, answeredAt, abandonedAt, flowOutAt, endedAt,
        completedAt, agent, agents, offers, endedBy, abandonedPhase, waitMs, talkMs, holdMs, wrapUpMs,
        serviceLevelThresholdMs, shortAbandonThresholdMs, closedAction, classification, callId};
    for (int i = 0; i < v.length; i++) {
      Object x = v[i];
      if (x == null) ps.setNull(i + 1, (i >= 11 && i <= 18) || (i >= 24 && i <= 29) ? Types.BIGINT : Types.VARCHAR);
      else if (x instanceof Long l) ps.setLong(i + 1, l);
      else if (x instanceof Integer n) ps.setInt(i + 1, n);
      else ps.setString(i + 1, (String) x);
    }
  }
}
