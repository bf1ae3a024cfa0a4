package io.switchboard.persistence.statistics;

import static io.switchboard.persistence.statistics.Tally.field;

import io.switchboard.core.call.CallSession;
import io.switchboard.core.queue.QueueTerms;
import io.switchboard.core.routing.OfferOutcome;
import io.switchboard.core.statistics.IntervalCounts;
import io.switchboard.core.statistics.Intervals;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds call session events into the call log, the offers table and the interval rows of the
 * call's queue, company and answering point (and of the agent for what the agent did). One
 * instance per batch: rows are loaded once, changed in memory, written at the end.
 */
final class CallStatistics {
  private static final int ARRIVED = field("arrived"), OFFERED = field("offered"), ANSWERED = field("answered"),
      ANSWERED_IN_T = field("answeredWithinThreshold"), ABANDONED = field("abandoned"),
      ABANDONED_IN_T = field("abandonedWithinThreshold"), SHORT = field("shortAbandoned"),
      FLOW_OUTS = field("flowOuts"), CLOSED = field("closed"), TOTAL_WAIT = field("totalWaitMillis"),
      ANSWER_WAIT = field("answerWaitMillis"), MAX_WAIT = field("maxWaitMillis"), HANDLED = field("handled"),
      TALK = field("talkMillis"), HOLD = field("holdMillis"), WRAP_UP = field("wrapUpMillis"),
      PRESENTED = field("offersPresented"), DECLINED = field("offersDeclined"), MISSED = field("offersMissed"),
      WITHDRAWN = field("offersWithdrawn");
  private static final int FIRST_BUCKET = field("abandonedWithin15s");

  private final ZoneId zone;
  private final Tally tally;
  private Map<String, CallLogRow> calls = new LinkedHashMap<>();
  private final Map<String, String[]> offerChanges = new LinkedHashMap<>();
  private final List<String[]> newOffers = new ArrayList<>();

  CallStatistics(ZoneId zone, Tally tally) {
    this.zone = zone;
    this.tally = tally;
  }

  /** Reads the rows of the calls of this batch, in one query. */
  void load(Connection c, java.util.Collection<String> callIds) throws SQLException {
    calls = CallLogRow.loadAll(c, callIds);
  }

  void apply(String callId, CallSession.Event event) {
    apply(calls.get(callId), event);
  }

  private void apply(CallLogRow r, CallSession.Event event) {
    long at = event.at().toEpochMilli();
    if (event instanceof CallSession.CallArrived e) {
      r.dialledNumber = e.dialledNumber();
      r.callerNumber = e.callerNumber();
      r.arrivedAt = at;
      r.phase = "routing";
    } else if (event instanceof CallSession.CallRouted e) {
      r.answeringPoint = e.answeringPoint() != null ? e.answeringPoint().value() : null;
      r.company = e.company() != null ? e.company().value() : null;
      r.queue = e.queue().value();
      r.priority = e.priority();
    } else if (event instanceof CallSession.CallQueued e) {
      boolean first = r.firstQueue == null;
      r.queue = e.queue().value();
      if (first) r.firstQueue = r.queue;
      r.queues = r.queues == null ? r.queue : r.queues + "," + r.queue;
      r.enqueuedAt = at;
      if (r.virtualStartAt == null) r.virtualStartAt = e.virtualStartAt().toEpochMilli();
      QueueTerms terms = e.terms();
      r.serviceLevelThresholdMs = terms.serviceLevelThreshold().toMillis();
      r.shortAbandonThresholdMs = terms.shortAbandonThreshold().toMillis();
      r.phase = "queued";
      queueSide(r, e.at(), OFFERED, 1);
      if (first) queueSide(r, e.at(), ARRIVED, 1);
    } else if (event instanceof CallSession.CallOffered e) {
      r.offers++;
      newOffers.add(new String[] {r.callId, e.offerId().value(), e.agent().value(), e.queue().value(),
          Long.toString(at)});
      r.agents = appendDistinct(r.agents, e.agent().value());
      tally.add(Dimension.AGENT, e.agent().value(), e.at(), PRESENTED, 1);
    } else if (event instanceof CallSession.CallOfferEnded e) {
      offerChanges.put(r.callId + "\u0000" + e.offerId().value(),
          new String[] {r.callId, e.offerId().value(), e.outcome().name().toLowerCase(), Long.toString(at)});
      int f = e.outcome() == OfferOutcome.DECLINED ? DECLINED
          : e.outcome() == OfferOutcome.TIMED_OUT ? MISSED : WITHDRAWN;
      tally.add(Dimension.AGENT, e.agent().value(), e.at(), f, 1);
    } else if (event instanceof CallSession.CallAnswered e) {
      offerChanges.put(r.callId + "\u0000" + e.offerId().value(),
          new String[] {r.callId, e.offerId().value(), "accepted", Long.toString(at)});
      r.answeredAt = at;
      r.agent = e.agent().value();
      r.phase = "talking";
      long wait = at - r.enqueuedAt;
      r.waitMs = at - r.virtualStartAt;
      queueSide(r, e.at(), ANSWERED, 1);
      if (wait <= r.serviceLevelThresholdMs) queueSide(r, e.at(), ANSWERED_IN_T, 1);
      queueSide(r, e.at(), ANSWER_WAIT, wait);
      leftQueue(r, e.at(), wait);
      tally.add(Dimension.AGENT, r.agent, e.at(), ANSWERED, 1);
      tally.addBilling(r.answeringPoint, Intervals.day(e.at(), zone), "answered_" + r.channel, 1);
    } else if (event instanceof CallSession.CallAbandoned e) {
      r.abandonedAt = at;
      r.abandonedPhase = e.phase().name().toLowerCase();
      r.outcome = "abandoned";
      r.phase = "finished";
      if (r.enqueuedAt != null) {
        long wait = at - r.enqueuedAt;
        r.waitMs = at - r.virtualStartAt;
        queueSide(r, e.at(), ABANDONED, 1);
        if (wait <= r.serviceLevelThresholdMs) queueSide(r, e.at(), ABANDONED_IN_T, 1);
        if (wait < r.shortAbandonThresholdMs) queueSide(r, e.at(), SHORT, 1);
        for (int i = 0; i < IntervalCounts.ABANDON_BUCKETS.length; i++)
          if (wait <= IntervalCounts.ABANDON_BUCKETS[i] * 1000L) queueSide(r, e.at(), FIRST_BUCKET + i, 1);
        leftQueue(r, e.at(), wait);
      }
    } else if (event instanceof CallSession.CallOverflowed e) {
      r.flowOutAt = at;
      r.phase = "routing";
      long wait = at - r.enqueuedAt;
      queueSide(r, e.at(), FLOW_OUTS, 1);
      leftQueue(r, e.at(), wait);
      r.enqueuedAt = null;
    } else if (event instanceof CallSession.CallClosedHandled e) {
      r.queue = e.queue().value();
      r.closedAction = e.action() != null ? e.action().getClass().getSimpleName() : null;
      r.phase = "finished";
      r.completedAt = at;
      if (e.cause() == CallSession.ClosedCause.CALENDAR) {
        r.outcome = "closed";
        queueSide(r, e.at(), CLOSED, 1);
      } else if (e.cause() == CallSession.ClosedCause.BLOCKED) {
        // Never offered to the queue: in the call log and billing only (ANS-15).
        r.outcome = "blocked";
        tally.addBilling(r.answeringPoint, Intervals.day(e.at(), zone), "blocked_calls", 1);
      } else {
        r.outcome = "overflowed";
        r.waitMs = at - r.virtualStartAt;
      }
    } else if (event instanceof CallSession.CallEnded e) {
      r.endedAt = at;
      r.endedBy = e.by().name().toLowerCase();
      r.talkMs = at - r.answeredAt;
      r.holdMs = 0L;
      r.phase = "wrap-up";
    } else if (event instanceof CallSession.CallTransferred e) {
      tally.addBilling(r.answeringPoint, Intervals.day(e.at(), zone), "transferred_calls", 1);
    } else if (event instanceof CallSession.CallCompleted e) {
      r.completedAt = at;
      r.wrapUpMs = at - r.endedAt;
      r.outcome = "completed";
      r.phase = "finished";
      for (Dimension d : Dimension.values()) {
        String key = keyOf(r, d);
        tally.add(d, key, e.at(), HANDLED, 1);
        tally.add(d, key, e.at(), TALK, r.talkMs);
        tally.add(d, key, e.at(), HOLD, r.holdMs);
        tally.add(d, key, e.at(), WRAP_UP, r.wrapUpMs);
      }
  }
}

  /** The contact left its queue after waiting {@code wait}: wait totals and the longest wait. */
  private void leftQueue(CallLogRow r, Instant at, long wait) {
    queueSide(r, at, TOTAL_WAIT, wait);
    for (Dimension d : List.of(Dimension.QUEUE, Dimension.COMPANY, Dimension.ANSWERING_POINT))
      tally.max(d, keyOf(r, d), at, MAX_WAIT, wait);
  }

  /** Adds to the rows of the call's queue, company and answering point. */
  private void queueSide(CallLogRow r, Instant at, int f, long value) {
    tally.add(Dimension.QUEUE, r.queue, at, f, value);
    tally.add(Dimension.COMPANY, r.company, at, f, value);
    tally.add(Dimension.ANSWERING_POINT, r.answeringPoint, at, f, value);
  }

  private static String keyOf(CallLogRow r, Dimension d) {
    return switch (d) {
      case QUEUE -> r.queue;
      case AGENT -> r.agent;
      case COMPANY -> r.company;
      case ANSWERING_POINT -> r.answeringPoint;
    };
  }

  private static String appendDistinct(String list, String item) {
    if (list == null || list.isEmpty()) return item;
    return Arrays.asList(list.split(",")).contains(item) ? list : list + "," + item;
  }

  void write(Connection c) throws SQLException {
    CallLogRow.saveAll(c, calls.values());
    if (!newOffers.isEmpty())
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO stat_call_offer (call_id, offer_id, agent, queue, offered_at) VALUES (?, ?, ?, ?, ?)")) {
        for (String[] o : newOffers) {
          for (int i = 0; i < 4; i++) ps.setString(i + 1, o[i]);
          ps.setLong(5, Long.parseLong(o[4]));
          ps.addBatch();
        }
        ps.executeBatch();
      }
    if (!offerChanges.isEmpty())
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE stat_call_offer SET outcome = ?, ended_at = ? WHERE call_id = ? AND offer_id = ?")) {
        for (String[] o : offerChanges.values()) {
          ps.setString(1, o[2]);
          ps.setLong(2, Long.parseLong(o[3]));
          ps.setString(3, o[0]);
          ps.setString(4, o[1]);
          ps.addBatch();
        }
        ps.executeBatch();
      }
  }

}
