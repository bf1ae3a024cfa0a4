package io.switchboard.persistence.statistics;

import static io.switchboard.persistence.statistics.Tally.field;

import io.switchboard.core.agent.Agent;
import io.switchboard.core.agent.AgentStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Folds agent events into time spent per state (and per pause reason) in each interval. The
 * agent's state is rebuilt from its events by the same rule the Agent entity shows it: a contact
 * being talked to beats one in wrap-up, which beats one ringing; otherwise ready or paused.
 */
final class AgentStatistics {
  private static final Map<AgentStatus, Integer> TIME_FIELD = Map.of(
      AgentStatus.READY, field("readyMillis"),
      AgentStatus.RESERVED, field("reservedMillis"),
      AgentStatus.BUSY, field("busyMillis"),
      AgentStatus.WRAP_UP, field("wrapUpStateMillis"),
      AgentStatus.PAUSED, field("pausedMillis"));

  /** A contact the agent holds: which offer, which call, and in which phase. */
  record Held(String offerId, String callId, AgentStatus phase) {}

  static final class Tracker {
    final String agent;
    boolean stored;
    boolean loggedIn;
    boolean ready;
    String pauseReason;
    List<Held> contacts = new ArrayList<>();
    AgentStatus status = AgentStatus.LOGGED_OUT;
    long since;

    Tracker(String agent) {
      this.agent = agent;
    }

    AgentStatus computeStatus() {
      if (!loggedIn) return AgentStatus.LOGGED_OUT;
      for (AgentStatus p : List.of(AgentStatus.BUSY, AgentStatus.WRAP_UP, AgentStatus.RESERVED))
        for (Held h : contacts) if (h.phase() == p) return p;
      return ready ? AgentStatus.READY : AgentStatus.PAUSED;
    }

    void phase(String callId, AgentStatus phase) {
      contacts.replaceAll(h -> h.callId().equals(callId) ? new Held(h.offerId(), h.callId(), phase) : h);
    }

    String encodedContacts() {
      StringBuilder b = new StringBuilder();
      for (Held h : contacts) b.append(b.length() > 0 ? ";" : "").append(h.offerId()).append('|').append(h.callId())
          .append('|').append(h.phase().name());
      return b.toString();
    }

    static List<Held> decode(String s) {
      List<Held> l = new ArrayList<>();
      if (s == null || s.isEmpty()) return l;
      for (String part : s.split(";")) {
        String[] f = part.split("\\|");
        l.add(new Held(f[0], f[1], AgentStatus.valueOf(f[2])));
      }
      return l;
    }
  }

  private final Tally tally;
  private final Map<String, Tracker> trackers = new LinkedHashMap<>();

  AgentStatistics(Tally tally) {
    this.tally = tally;
  }

  /** Reads where the agents of this batch stand, in one query. */
  void load(Connection c, java.util.Collection<String> agentIds) throws SQLException {
    for (String id : agentIds) trackers.put(id, new Tracker(id));
    if (agentIds.isEmpty()) return;
    try (PreparedStatement ps = c.prepareStatement("SELECT * FROM stat_agent_state WHERE agent IN ("
        + String.join(", ", java.util.Collections.nCopies(agentIds.size(), "?")) + ")")) {
      int i = 1;
      for (String id : agentIds) ps.setString(i++, id);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          Tracker t = trackers.get(rs.getString("agent"));
          t.stored = true;
          t.loggedIn = rs.getBoolean("logged_in");
          t.ready = rs.getBoolean("ready");
          t.pauseReason = rs.getString("pause_reason");
          t.contacts = Tracker.decode(rs.getString("contacts"));
          t.status = AgentStatus.valueOf(rs.getString("status"));
          t.since = rs.getLong("since");
        }
      }
    }
  }

  void apply(String agentId, Agent.Event event) {
    Tracker t = trackers.get(agentId);
    if (!t.stored && t.since == 0) t.since = event.at().toEpochMilli();
    AgentStatus before = t.status;
    String reasonBefore = t.pauseReason;
    change(t, event);
    AgentStatus after = t.computeStatus();
    boolean reasonChanged = before == AgentStatus.PAUSED && after == AgentStatus.PAUSED
        && !Objects.equals(reasonBefore, t.pauseReason);
    if (after != before || reasonChanged) {
      Instant from = Instant.ofEpochMilli(t.since), to = event.at();
      Integer f = TIME_FIELD.get(before);
      if (f != null) tally.addTime(Dimension.AGENT, agentId, from, to, f);
      if (before == AgentStatus.PAUSED) tally.addPause(agentId, reasonBefore, from, to);
      t.status = after;
      t.since = to.toEpochMilli();
    }
  }

  private static void change(Tracker t, Agent.Event event) {
    if (event instanceof Agent.LoggedIn e) {
      if (!t.loggedIn) {
        t.loggedIn = true;
        t.ready = e.ready();
        t.pauseReason = e.ready() ? null : Agent.AFTER_LOGIN;
        t.contacts = new ArrayList<>();
      }
    } else if (event instanceof Agent.LoggedOut) {
      t.loggedIn = false;
      t.ready = false;
      t.pauseReason = null;
      t.contacts = new ArrayList<>();
    } else if (event instanceof Agent.Readied) {
      t.ready = true;
      t.pauseReason = null;
    } else if (event instanceof Agent.Paused e) {
      t.ready = false;
      t.pauseReason = e.reason();
    } else if (event instanceof Agent.OfferReserved e) {
      t.contacts.add(new Held(e.offer().offerId().value(), e.offer().contact().callId().value(), AgentStatus.RESERVED));
    } else if (event instanceof Agent.OfferReleased e) {
      t.contacts.removeIf(h -> h.offerId().equals(e.offerId().value()));
    } else if (event instanceof Agent.Connected e) {
      t.contacts.replaceAll(h -> h.offerId().equals(e.offerId().value())
          ? new Held(h.offerId(), h.callId(), AgentStatus.BUSY) : h);
    } else if (event instanceof Agent.TalkEnded e) {
      t.phase(e.callId().value(), AgentStatus.WRAP_UP);
    } else if (event instanceof Agent.WrapUpEnded e) {
      t.contacts.removeIf(h -> h.callId().equals(e.callId().value()));
    }
    // Configured and Attended change no state.
  }

  void write(Connection c) throws SQLException {
    try (PreparedStatement updates = c.prepareStatement("UPDATE stat_agent_state SET logged_in = ?, ready = ?, "
            + "pause_reason = ?, contacts = ?, status = ?, since = ? WHERE agent = ?");
        PreparedStatement inserts = c.prepareStatement("INSERT INTO stat_agent_state (logged_in, ready, pause_reason, "
            + "contacts, status, since, agent) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      boolean anyUpdate = false, anyInsert = false;
      for (Tracker t : trackers.values()) {
        PreparedStatement ps = t.stored ? updates : inserts;
        ps.setBoolean(1, t.loggedIn);
        ps.setBoolean(2, t.ready);
        ps.setString(3, t.pauseReason);
        ps.setString(4, t.encodedContacts());
        ps.setString(5, t.status.name());
        ps.setLong(6, t.since);
        ps.setString(7, t.agent);
        ps.addBatch();
        anyUpdate |= t.stored;
        anyInsert |= !t.stored;
        t.stored = true;
      }
      if (anyUpdate) updates.executeBatch();
      if (anyInsert) inserts.executeBatch();
    }
  }
}
