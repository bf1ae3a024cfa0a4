package io.switchboard.persistence.statistics;

import io.switchboard.core.agent.Agent;
import io.switchboard.core.call.CallSession;
import io.switchboard.core.routing.OfferOutcome;
import io.switchboard.core.statistics.IntervalCounts;
import io.switchboard.core.statistics.Intervals;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The test's own count of the raw journal, written apart from the projection and in another
 * shape: each call becomes a list of queue visits (entered, left, how), each agent a timeline
 * of states, and the expected rows are built from those.
 */
final class Recount {
  /** One stay of a call in one queue. */
  record Visit(String callId, String queue, String company, String answeringPoint, Instant entered, boolean first,
      Duration threshold, Duration shortAbandon, Instant left, String how) {

    long waitMillis() {
      return Duration.between(entered, left).toMillis();
    }
  }

  record Handling(String queue, String company, String answeringPoint, String agent, Instant completed, long talk,
      long wrapUp) {}

  final Map<String, long[]> rows = new TreeMap<>();
  final Map<String, Long> pauses = new TreeMap<>();
  final Map<String, Long> billing = new TreeMap<>();
  final Map<String, Long> transferred = new TreeMap<>();
  final List<Visit> visits = new ArrayList<>();
  final Map<String, String> outcomes = new HashMap<>();
  final Map<String, String> answeredBy = new HashMap<>();
  private final ZoneId zone;

  Recount(ZoneId zone) {
    this.zone = zone;
  }

  static String rowKey(String dimension, String key, Instant intervalStart) {
    return dimension + "/" + key + "/" + intervalStart.toEpochMilli();
  }

  private long[] row(String dimension, String key, Instant at) {
    return rows.computeIfAbsent(rowKey(dimension, key, Intervals.startOf(at)),
        k -> new long[IntervalCounts.FIELDS.size()]);
  }

  private void add(String dimension, String key, Instant at, String field, long v) {
    if (key == null) return;
    row(dimension, key, at)[IntervalCounts.FIELDS.indexOf(field)] += v;
  }

  private void addAll(Visit v, Instant at, String field, long value) {
    add("queue", v.queue(), at, field, value);
    add("company", v.company(), at, field, value);
    add("answering-point", v.answeringPoint(), at, field, value);
  }

  // ---------------------------------------------------------------- calls

  void call(String callId, List<CallSession.Event> events) {
    String company = null, ap = null, agent = null;
    Visit current = null;
    Instant answeredAt = null, endedAt = null;
    Visit answeredIn = null;
    for (CallSession.Event event : events) {
      if (event instanceof CallSession.CallRouted e) {
        company = e.company() == null ? null : e.company().value();
        ap = e.answeringPoint() == null ? null : e.answeringPoint().value();
      } else if (event instanceof CallSession.CallQueued e) {
        current = new Visit(callId, e.queue().value(), company, ap, e.at(),
            visits.stream().noneMatch(v -> v.callId().equals(callId)), e.terms().serviceLevelThreshold(),
            e.terms().shortAbandonThreshold(), null, null);
      } else if (event instanceof CallSession.CallOffered e) {
        add("agent", e.agent().value(), e.at(), "offersPresented", 1);
      } else if (event instanceof CallSession.CallOfferEnded e) {
        add("agent", e.agent().value(), e.at(),
            e.outcome() == OfferOutcome.DECLINED ? "offersDeclined"
                : e.outcome() == OfferOutcome.TIMED_OUT ? "offersMissed" : "offersWithdrawn", 1);
      } else if (event instanceof CallSession.CallAnswered e) {
        answeredIn = leave(current, e.at(), "answered");
        current = null;
        agent = e.agent().value();
        answeredAt = e.at();
        answeredBy.put(callId, agent);
        add("agent", agent, e.at(), "answered", 1);
        if (ap != null) billing.merge(ap + "/" + LocalDate.ofInstant(e.at(), zone), 1L, Long::sum);
      } else if (event instanceof CallSession.CallAbandoned e) {
        if (current != null) leave(current, e.at(), "abandoned");
        current = null;
        outcomes.put(callId, "abandoned");
      } else if (event instanceof CallSession.CallOverflowed e) {
        leave(current, e.at(), "flow-out");
        current = null;
      } else if (event instanceof CallSession.CallClosedHandled e) {
        if (e.cause() == CallSession.ClosedCause.CALENDAR) {
          add("queue", e.queue().value(), e.at(), "closed", 1);
          add("company", company, e.at(), "closed", 1);
          add("answering-point", ap, e.at(), "closed", 1);
          outcomes.put(callId, "closed");
        } else {
          outcomes.put(callId, "overflowed");
        }
      } else if (event instanceof CallSession.CallEnded e) {
        endedAt = e.at();
      } else if (event instanceof CallSession.CallTransferred e) {
        if (ap != null) transferred.merge(ap + "/" + LocalDate.ofInstant(e.at(), zone), 1L, Long::sum);
      } else if (event instanceof CallSession.CallCompleted e) {
        outcomes.put(callId, "completed");
        Handling hd = new Handling(answeredIn.queue(), answeredIn.company(), answeredIn.answeringPoint(), agent, e.at(),
            Duration.between(answeredAt, endedAt).toMillis(), Duration.between(endedAt, e.at()).toMillis());
        for (String[] dk : new String[][] {{"queue", hd.queue()}, {"company", hd.company()},
            {"answering-point", hd.answeringPoint()}, {"agent", hd.agent()}}) {
          add(dk[0], dk[1], e.at(), "handled", 1);
          add(dk[0], dk[1], e.at(), "talkMillis", hd.talk());
          add(dk[0], dk[1], e.at(), "wrapUpMillis", hd.wrapUp());
        }
      }
    }
    if (current != null) visits.add(current); // still waiting: counted as offered only
  }

  private Visit leave(Visit v, Instant at, String how) {
    Visit done = new Visit(v.callId(), v.queue(), v.company(), v.answeringPoint(), v.entered(), v.first(),
        v.threshold(), v.shortAbandon(), at, how);
    visits.add(done);
    return done;
  }

  /** Turns the visits into their rows (called once all calls are in). */
  void countVisits() {
    for (Visit v : visits) {
      addAll(v, v.entered(), "offered", 1);
      if (v.first()) addAll(v, v.entered(), "arrived", 1);
      if (v.left() == null) continue;
      long wait = v.waitMillis();
      addAll(v, v.left(), "totalWaitMillis", wait);
      for (String d : List.of("queue", "company", "answering-point")) {
        String key = d.equals("queue") ? v.queue() : d.equals("company") ? v.company() : v.answeringPoint();
        if (key == null) continue;
        long[] r = row(d, key, v.left());
        int f = IntervalCounts.FIELDS.indexOf("maxWaitMillis");
        r[f] = Math.max(r[f], wait);
      }
      boolean withinT = wait <= v.threshold().toMillis();
      switch (v.how()) {
        case "answered" -> {
          addAll(v, v.left(), "answered", 1);
          addAll(v, v.left(), "answerWaitMillis", wait);
          if (withinT) addAll(v, v.left(), "answeredWithinThreshold", 1);
        }
        case "abandoned" -> {
          addAll(v, v.left(), "abandoned", 1);
          if (withinT) addAll(v, v.left(), "abandonedWithinThreshold", 1);
          if (wait < v.shortAbandon().toMillis()) addAll(v, v.left(), "shortAbandoned", 1);
          for (int s : IntervalCounts.ABANDON_BUCKETS)
            if (wait <= s * 1000L) addAll(v, v.left(), "abandonedWithin" + s + "s", 1);
        }
        case "flow-out" -> addAll(v, v.left(), "flowOuts", 1);
        default -> throw new IllegalStateException(v.how());
      }
    }
  }

  // ---------------------------------------------------------------- agents

  /** An agent's timeline: the state after each event, closed at the next change. */
  void agent(String agentId, List<Agent.Event> events) {
    boolean in = false, ready = false;
    String reason = null;
    Map<String, String> phaseByOffer = new HashMap<>();
    Map<String, String> callByOffer = new HashMap<>();
    String state = "logged-out";
    String stateReason = null;
    Instant since = null;
    for (Agent.Event event : events) {
      if (since == null) since = event.at();
      if (event instanceof Agent.LoggedIn e && !in) {
        in = true;
        ready = e.ready();
        reason = e.ready() ? null : Agent.AFTER_LOGIN;
        phaseByOffer.clear();
      } else if (event instanceof Agent.LoggedOut) {
        in = false;
        phaseByOffer.clear();
      } else if (event instanceof Agent.Readied) {
        ready = true;
        reason = null;
      } else if (event instanceof Agent.Paused e) {
        ready = false;
        reason = e.reason();
      } else if (event instanceof Agent.OfferReserved e) {
        phaseByOffer.put(e.offer().offerId().value(), "reserved");
        callByOffer.put(e.offer().offerId().value(), e.offer().contact().callId().value());
      } else if (event instanceof Agent.OfferReleased e) {
        phaseByOffer.remove(e.offerId().value());
      } else if (event instanceof Agent.Connected e) {
        phaseByOffer.put(e.offerId().value(), "busy");
      } else if (event instanceof Agent.TalkEnded e) {
        callByOffer.forEach((o, c) -> {
          if (c.equals(e.callId().value()) && phaseByOffer.containsKey(o)) phaseByOffer.put(o, "wrap-up");
        });
      } else if (event instanceof Agent.WrapUpEnded e) {
        callByOffer.forEach((o, c) -> {
          if (c.equals(e.callId().value())) phaseByOffer.remove(o);
        });
      }
      Set<String> phases = new HashSet<>(phaseByOffer.values());
      String now = !in ? "logged-out" : phases.contains("busy") ? "busy" : phases.contains("wrap-up") ? "wrap-up"
          : phases.contains("reserved") ? "reserved" : ready ? "ready" : "paused";
      String nowReason = now.equals("paused") ? reason : null;
      if (!now.equals(state) || (now.equals("paused") && !java.util.Objects.equals(nowReason, stateReason))) {
        close(agentId, state, stateReason, since, event.at());
        state = now;
        stateReason = nowReason;
        since = event.at();
      }
    }
  }

  private void close(String agent, String state, String reason, Instant from, Instant to) {
    String field = switch (state) {
      case "ready" -> "readyMillis";
      case "reserved" -> "reservedMillis";
      case "busy" -> "busyMillis";
      case "wrap-up" -> "wrapUpStateMillis";
      case "paused" -> "pausedMillis";
      default -> null;
    };
    if (field == null) return;
    // Walk the span minute boundary by interval boundary, the slow way.
    Instant t = from;
    while (t.isBefore(to)) {
      Instant next = Intervals.startOf(t).plus(Duration.ofMinutes(15));
      Instant end = next.isBefore(to) ? next : to;
      long ms = Duration.between(t, end).toMillis();
      add("agent", agent, t, field, ms);
      if (state.equals("paused"))
        pauses.merge(agent + "/" + Intervals.startOf(t).toEpochMilli() + "/" + (reason == null ? "" : reason), ms,
            Long::sum);
      t = end;
    }
  }
}
