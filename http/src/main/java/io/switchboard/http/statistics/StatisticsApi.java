package io.switchboard.http.statistics;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.directory.AnsweringPointId;
import io.switchboard.core.numberplan.NumberPlan;
import io.switchboard.core.statistics.IntervalCounts;
import io.switchboard.core.statistics.Intervals.Granularity;
import io.switchboard.core.statistics.Metrics;
import io.switchboard.core.user.Role;
import io.switchboard.http.ApiError;
import io.switchboard.http.auth.Authenticator;
import io.switchboard.http.auth.Principal;
import io.switchboard.http.auth.SecuredRoutes;
import io.switchboard.http.directory.DirectoryCache;
import io.switchboard.persistence.statistics.Dimension;
import io.switchboard.persistence.statistics.StatisticsProjections;
import io.switchboard.persistence.statistics.StatisticsReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.ContentDisposition;
import org.apache.pekko.http.javadsl.model.headers.ContentDispositionTypes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Statistics API v1 (docs/rest-api.md): interval statistics, call log and billing counters as
 * JSON or CSV, the read side's lag, and its rebuild. Readers are admins and supervisors; a user
 * limited to some answering points gets only rows of those (queues, companies and agents are
 * placed by the directory).
 */
public final class StatisticsApi extends SecuredRoutes {
  public static final int VERSION = 1;
  private static final Duration MAX_PERIOD = Duration.ofDays(400);
  private static final int MAX_CALLS = 100_000;

  private final DirectoryCache directory;
  private final StatisticsReader reader;
  private final StatisticsProjections projections;
  private final Clock clock;
  private final Executor blocking;

  public StatisticsApi(ActorSystem<?> system, ObjectMapper json, Duration timeout, Authenticator auth,
      DirectoryCache directory, StatisticsProjections projections, Clock clock) {
    super(system, json, timeout, auth);
    this.directory = directory;
    this.projections = projections;
    this.reader = projections.reader();
    this.clock = clock;
    this.blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
  }

  public StatisticsReader reader() {
    return reader;
  }

  /** The projection slices' keys (call-0, agent-0, …). */
  public List<String> slices() {
    return projections.projectionIds().stream().map(id -> id.key()).toList();
  }

  /** Today's sums per queue for the wallboards; null (not a failure) when the read side is down. */
  public java.util.concurrent.CompletionStage<Map<String, IntervalCounts>> todayByQueue(Instant now) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return reader.today(Dimension.QUEUE, now);
      } catch (RuntimeException e) {
        // A node shutting down closes the pool while the wallboards still poll: not worth a warning.
        if (org.apache.pekko.actor.CoordinatedShutdown.get(system).getShutdownReason().isEmpty())
          system.log().warn("today's figures could not be read: {}", e.getMessage());
        return null;
      }
    }, blocking);
  }

  /** A company's latest calls for the screen pop; a read side that is down gives none. */
  public java.util.concurrent.CompletionStage<List<io.switchboard.http.agent.ScreenPop.RecentCall>> recentCalls(
      io.switchboard.core.directory.CompanyId company, Integer limit) {
    return CompletableFuture.supplyAsync(() -> reader.recentCalls(company.value(), limit).stream()
        .map(r -> new io.switchboard.http.agent.ScreenPop.RecentCall(r.callId(), r.arrivedAt(), r.callerNumber(),
            r.outcome(), r.agent(), r.talkMs()))
        .toList(), blocking);
  }

  public record Row(String key, Instant periodStart, IntervalCounts counts, Metrics metrics) {}

  public record Total(IntervalCounts counts, Metrics metrics) {}

  public record Intervals(int version, String dimension, String granularity, String timeZone, Instant from,
      Instant to, List<Row> rows, Total total, List<StatisticsReader.PauseRow> pauses) {}

  public record Calls(int version, List<StatisticsReader.CallLogEntry> calls) {}

  public record Billing(int version, String granularity, List<StatisticsReader.BillingRow> rows) {}

  public record Lag(Double p50Millis, Double p99Millis, long count) {}

  public record Status(int version, List<StatisticsReader.ProjectionStatus> projections, Lag lag) {}

  /** Routes under {@code /api/v1/statistics}, for a signed-in principal. */
  public Route routes(Principal p) {
    return pathPrefix("statistics", () -> concat(
        path("intervals", () -> get(() -> reader(p, () -> intervals(p)))),
        path("calls", () -> get(() -> reader(p, () -> calls(p)))),
        path("billing", () -> get(() -> reader(p, () -> billing(p)))),
        path("status", () -> get(() -> reader(p, this::status))),
        path("rebuild", () -> post(() -> p.has(Role.ADMIN) && !p.scoped() ? rebuild()
            : forbidden("rebuilding the statistics needs the role admin for every answering point")))));
  }

  private Route reader(Principal p, Supplier<Route> inner) {
    return p.has(Role.ADMIN, Role.SUPERVISOR) ? inner.get() : forbidden("statistics need the role admin or supervisor");
  }

  // ---------------------------------------------------------------- intervals

  private Route intervals(Principal p) {
    return parameterMap(params -> parameterList("key", keys -> withPlan(plan -> parsed(() -> {
      Dimension d = Dimension.parse(params.getOrDefault("dimension", "queue"));
      Granularity g = Granularity.parse(params.getOrDefault("granularity", "15m"));
      Instant[] period = period(params);
      Set<String> allowed = allowedKeys(p, plan, d);
      Collection<String> wanted = keys.isEmpty() ? allowed : keys;
      if (!keys.isEmpty() && allowed != null)
        for (String k : keys)
          if (!allowed.contains(k)) throw new NotVisible(d.wire() + " " + k);
      boolean csv = csv(params);
      return () -> {
        List<StatisticsReader.IntervalRow> rows = reader.intervals(d, wanted, period[0], period[1], g);
        if (csv) return StatisticsTables.intervals(rows).csv();
        List<StatisticsReader.PauseRow> pauses = d == Dimension.AGENT
            ? reader.pauses(wanted, period[0], period[1], g) : null;
        IntervalCounts total = StatisticsReader.total(rows);
        return new Intervals(VERSION, d.wire(), params.getOrDefault("granularity", "15m"), reader.zone().getId(),
            period[0], period[1],
            rows.stream().map(r -> new Row(r.key(), r.periodStart(), r.counts(), Metrics.of(r.counts()))).toList(),
            new Total(total, Metrics.of(total)), pauses);
      };
    }, "intervals-" + params.getOrDefault("dimension", "queue")))));
  }

  /** The keys of a dimension the principal may see; null when everything. */
  private static Set<String> allowedKeys(Principal p, NumberPlan.Plan plan, Dimension d) {
    if (!p.scoped()) return null;
    return switch (d) {
      case QUEUE -> plan.queues().values().stream().filter(q -> p.covers(q.answeringPoint()))
          .map(q -> q.id().value()).collect(Collectors.toSet());
      case COMPANY -> plan.companies().values().stream().filter(c -> p.covers(c.answeringPoint()))
          .map(c -> c.id().value()).collect(Collectors.toSet());
      case ANSWERING_POINT -> plan.answeringPoints().keySet().stream().filter(p::covers)
          .map(AnsweringPointId::value).collect(Collectors.toSet());
      case AGENT -> plan.agents().values().stream().filter(a -> p.covers(plan, a))
          .map(a -> a.id().value()).collect(Collectors.toSet());
    };
  }

  // ---------------------------------------------------------------- call log

  private Route calls(Principal p) {
    return parameterMap(params -> withPlan(plan -> parsed(() -> {
      Instant[] period = period(params);
      int limit = params.containsKey("limit") ? integer(params, "limit", 1, MAX_CALLS) : 1000;
      Set<String> scope = allowedKeys(p, plan, Dimension.ANSWERING_POINT);
      String ap = params.get("answeringPoint");
      if (ap != null && scope != null && !scope.contains(ap)) throw new NotVisible("answering point " + ap);
      var filter = new StatisticsReader.CallFilter(period[0], period[1], params.get("queue"), params.get("agent"),
          params.get("company"), ap, scope, limit);
      boolean csv = csv(params);
      return () -> {
        List<StatisticsReader.CallLogEntry> calls = reader.calls(filter);
        return csv ? StatisticsTables.calls(calls).csv() : new Calls(VERSION, calls);
      };
    }, "calls")));
  }

  // ---------------------------------------------------------------- billing

  private Route billing(Principal p) {
    return parameterMap(params -> withPlan(plan -> parsed(() -> {
      String granularity = params.getOrDefault("granularity", "day");
      if (!granularity.equals("day") && !granularity.equals("month"))
        throw new IllegalArgumentException("granularity must be day or month (got '" + granularity + "')");
      LocalDate today = LocalDate.now(clock.withZone(reader.zone()));
      LocalDate from = date(params, "from", today.withDayOfMonth(1));
      LocalDate to = date(params, "to", from.plusMonths(1));
      if (!to.isAfter(from)) throw new IllegalArgumentException("to must be after from");
      if (from.plusDays(400).isBefore(to)) throw new IllegalArgumentException("a period of at most 400 days");
      Set<String> scope = allowedKeys(p, plan, Dimension.ANSWERING_POINT);
      String ap = params.get("answeringPoint");
      if (ap != null && scope != null && !scope.contains(ap)) throw new NotVisible("answering point " + ap);
      Collection<String> aps = ap != null ? List.of(ap) : scope;
      boolean csv = csv(params);
      return () -> {
        var rows = reader.billing(aps, from, to, granularity.equals("month"));
        return csv ? StatisticsTables.billing(rows).csv() : new Billing(VERSION, granularity, rows);
      };
    }, "billing")));
  }

  // ---------------------------------------------------------------- status and rebuild

  private Route status() {
    return blockingReply(() -> {
      var timer = projections.lagTimer();
      var snapshot = timer.takeSnapshot();
      Double p50 = null, p99 = null;
      for (var v : snapshot.percentileValues()) {
        if (v.percentile() == 0.5) p50 = v.value(java.util.concurrent.TimeUnit.MILLISECONDS);
        if (v.percentile() == 0.99) p99 = v.value(java.util.concurrent.TimeUnit.MILLISECONDS);
      }
      List<String> keys = projections.projectionIds().stream().map(id -> id.key()).toList();
      return new Status(VERSION, reader.status(keys, projections.lastLagMillis()), new Lag(p50, p99, timer.count()));
    }, null);
  }

  private Route rebuild() {
    return onComplete(projections.rebuild(), r -> r.isFailure()
        ? error(ApiError.of(r.failed().get() instanceof StatisticsProjections.RebuildRunning ? StatusCodes.CONFLICT
            : StatusCodes.SERVICE_UNAVAILABLE, "the rebuild failed: " + r.failed().get().getMessage(), null))
        : complete(StatusCodes.ACCEPTED, Map.of("rebuilding", true,
            "note", "the read side is empty and refills from the journal; watch /api/v1/statistics/status"),
            org.apache.pekko.http.javadsl.marshallers.jackson.Jackson.marshaller(json)));
  }

  // ---------------------------------------------------------------- parameters

  /** An out-of-scope key: answered as not found, like every other out-of-scope read. */
  private static final class NotVisible extends RuntimeException {
    NotVisible(String what) {
      super(what);
    }
  }

  /** Parses the request, then runs the query off the actor threads. */
  private Route parsed(Supplier<Supplier<Object>> parse, String name) {
    Supplier<Object> query;
    try {
      query = parse.get();
    } catch (NotVisible e) {
      return notFound(e.getMessage());
    } catch (IllegalArgumentException | DateTimeParseException e) {
      return error(ApiError.invalid(e.getMessage()));
    }
    return blockingReply(query, name);
  }

  private Route blockingReply(Supplier<Object> query, String csvName) {
    return onComplete(CompletableFuture.supplyAsync(query, blocking), r -> {
      if (r.isFailure()) {
        system.log().warn("statistics query failed: {}", r.failed().get().toString());
        return unavailable();
      }
      Object body = r.get();
      if (body instanceof String csv)
        return respondWithHeader(ContentDisposition.create(ContentDispositionTypes.ATTACHMENT,
                Map.of("filename", csvName + ".csv")),
            () -> complete(HttpEntities.create(ContentTypes.TEXT_CSV_UTF8, csv)));
      return ok(body);
    });
  }

  private static boolean csv(Map<String, String> params) {
    String f = params.getOrDefault("format", "json");
    if (!f.equals("json") && !f.equals("csv"))
      throw new IllegalArgumentException("format must be json or csv (got '" + f + "')");
    return f.equals("csv");
  }

  /** [from, to) from dates of the centre (YYYY-MM-DD) or instants; today when absent. */
  private Instant[] period(Map<String, String> params) {
    ZoneId zone = reader.zone();
    Instant from = params.containsKey("from") ? instant(params.get("from"), "from", zone)
        : LocalDate.now(clock.withZone(zone)).atStartOfDay(zone).toInstant();
    Instant to = params.containsKey("to") ? instant(params.get("to"), "to", zone)
        : LocalDate.ofInstant(from, zone).plusDays(1).atStartOfDay(zone).toInstant();
    if (!to.isAfter(from)) throw new IllegalArgumentException("to must be after from");
    if (Duration.between(from, to).compareTo(MAX_PERIOD) > 0)
      throw new IllegalArgumentException("a period of at most 400 days");
    return new Instant[] {from, to};
  }

  private static Instant instant(String value, String name, ZoneId zone) {
    try {
      return value.length() == 10 ? LocalDate.parse(value).atStartOfDay(zone).toInstant() : Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(name + " must be a date (2026-11-23) or an instant (2026-11-23T08:00:00Z), got '"
          + value + "'");
    }
  }

  private static LocalDate date(Map<String, String> params, String name, LocalDate fallback) {
    String v = params.get(name);
    if (v == null) return fallback;
    try {
      return LocalDate.parse(v);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(name + " must be a date like 2026-11-23, got '" + v + "'");
    }
  }

  private static int integer(Map<String, String> params, String name, int min, int max) {
    try {
      int v = Integer.parseInt(params.get(name));
      if (v < min || v > max) throw new NumberFormatException();
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number from " + min + " to " + max + ", got '"
          + params.get(name) + "'");
    }
  }

  private Route withPlan(Function<NumberPlan.Plan, Route> inner) {
    return onComplete(directory.plan(), r -> r.isFailure() ? unavailable() : inner.apply(r.get()));
  }

}
