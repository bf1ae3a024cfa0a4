package io.switchboard.http.company;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.directory.CompanyId;
import io.switchboard.core.numberplan.NumberPlan;
import io.switchboard.core.user.Role;
import io.switchboard.http.ApiError;
import io.switchboard.http.auth.Authenticator;
import io.switchboard.http.auth.Principal;
import io.switchboard.http.auth.SecuredRoutes;
import io.switchboard.http.directory.DirectoryCache;
import io.switchboard.persistence.statistics.StatisticsReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * A company's own call figures for its client users (customer portal, ANS-8, ANS-9) and the
 * centre's staff: how its calls of a period ended, messages taken, and the calls themselves in
 * arrival order (at most {@code limit}).
 */
public final class CompanyCallsApi extends SecuredRoutes {

  public static final int MAX_CALLS = 1000;
  public static final Duration MAX_PERIOD = Duration.ofDays(400);

  private final DirectoryCache directory;
  private final Clock clock;
  private volatile StatisticsReader reader;

  public CompanyCallsApi(ActorSystem<?> system, ObjectMapper json, Duration timeout, Authenticator auth,
      DirectoryCache directory, Clock clock) {
    super(system, json, timeout, auth);
    this.directory = directory;
    this.clock = clock;
  }

  public void reader(StatisticsReader reader) {
    this.reader = reader;
  }

  /** {@code outcomes}: calls per outcome (completed, abandoned, closed, overflowed, blocked, or still open). */
  public record Summary(int calls, List<StatisticsReader.OutcomeCount> outcomes, int messages) {}

  public record Calls(CompanyId company, Instant from, Instant to, Summary summary,
      List<StatisticsReader.CallLogEntry> calls) {}

  /** Routes under {@code /api/v1}: {@code GET /companies/{id}/calls?from=&to=&limit=}. */
  public Route routes(Principal p) {
    return path(PathMatchers.segment("companies").slash(PathMatchers.segment()).slash("calls"), raw ->
        withId(() -> new CompanyId(raw), id -> get(() -> calls(p, id))));
  }

  private Route calls(Principal p, CompanyId id) {
    if (!p.has(Role.ADMIN, Role.SUPERVISOR, Role.CLIENT))
      return forbidden("a company's calls need the role admin, supervisor or client");
    StatisticsReader r = reader;
    if (r == null) return error(ApiError.of(StatusCodes.SERVICE_UNAVAILABLE, "the read side is not running on this node", null));
    return parameterOptional("from", from -> parameterOptional("to", to -> parameterOptional("limit", limit ->
        field("to", () -> to.map(Instant::parse).orElse(clock.instant()), until ->
        field("from", () -> from.map(Instant::parse).orElse(until.minus(Duration.ofDays(7))), since ->
        field("limit", () -> {
          int n = Integer.parseInt(limit.orElse("200"));
          if (n < 1 || n > MAX_CALLS) throw new IllegalArgumentException("must be from 1 to " + MAX_CALLS);
          if (!until.isAfter(since)) throw new IllegalArgumentException("the period must end after from");
          if (Duration.between(since, until).compareTo(MAX_PERIOD) > 0)
            throw new IllegalArgumentException("the period must be at most 400 days");
          return n;
        }, n -> onComplete(directory.plan(), plan -> {
          if (plan.isFailure()) return unavailable();
          NumberPlan.Company company = plan.get().companies().get(id);
          if (company == null || !p.covers(id, company.answeringPoint())) return notFound("company " + id);
          return onComplete(CompletableFuture.supplyAsync(() -> read(r, id, since, until, n),
              system.dispatchers().lookup(DispatcherSelector.blocking())), rows ->
              rows.isFailure() ? unavailable() : ok(rows.get()));
        })))))));
  }

  private static Calls read(StatisticsReader r, CompanyId id, Instant from, Instant to, int limit) {
    List<StatisticsReader.OutcomeCount> outcomes = r.companyOutcomes(id.value(), from, to);
    int messages = r.messages(id.value(), from, to, Integer.MAX_VALUE).size();
    List<StatisticsReader.CallLogEntry> calls = r.calls(new StatisticsReader.CallFilter(from, to, null, null,
        id.value(), null, null, limit));
    return new Calls(id, from, to, new Summary(outcomes.stream().mapToInt(StatisticsReader.OutcomeCount::calls).sum(),
        outcomes, messages), calls);
  }
}
