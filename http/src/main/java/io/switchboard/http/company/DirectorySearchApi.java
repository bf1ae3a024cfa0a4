package io.switchboard.http.company;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.company.StaffSearch;
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
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Search for a contact across companies (ANS-1: search can span an answering point, a chain of
 * shops; ANS-13), from the read side's contact directory: {@code GET /api/v1/contacts?q=&answeringPoint=&company=&limit=}.
 * A company's own staff list stays in its card, read whole by the screen pop.
 */
public final class DirectorySearchApi extends SecuredRoutes {

  public static final int MAX = 200;

  private final DirectoryCache directory;
  private final Clock clock;
  private volatile StatisticsReader reader;

  public DirectorySearchApi(ActorSystem<?> system, ObjectMapper json, Duration timeout, Authenticator auth,
      DirectoryCache directory, Clock clock) {
    super(system, json, timeout, auth);
    this.directory = directory;
    this.clock = clock;
  }

  public void reader(StatisticsReader reader) {
    this.reader = reader;
  }

  /** {@code companyName} from the number plan; {@code redirect*} only while the redirect stands. */
  public record Found(String company, String companyName, String answeringPoint, String contactId, String kind,
      String name, String title, String department, String phones, String email, String mobile,
      String redirectReason, Instant redirectUntil, String redirectNote) {}

  public Route routes(Principal p) {
    return path("contacts", () -> get(() -> search(p)));
  }

  private Route search(Principal p) {
    if (!p.has(Role.ADMIN, Role.SUPERVISOR, Role.AGENT, Role.CLIENT))
      return forbidden("searching contacts needs the role admin, supervisor, agent or client");
    StatisticsReader r = reader;
    if (r == null) return error(ApiError.of(StatusCodes.SERVICE_UNAVAILABLE, "the read side is not running on this node", null));
    return parameterOptional("q", q -> parameterOptional("answeringPoint", ap -> parameterOptional("company", co ->
        parameterOptional("limit", limit -> field("limit", () -> {
          int n = Integer.parseInt(limit.orElse("50"));
          if (n < 1 || n > MAX) throw new IllegalArgumentException("must be from 1 to " + MAX);
          return n;
        }, n -> {
          List<String> words = StaffSearch.words(q.orElse(""));
          if (words.isEmpty() || words.stream().allMatch(w -> w.length() < 2))
            return invalid("q", "q: give at least two letters or digits to search for");
          return onComplete(directory.plan(), plan -> {
            if (plan.isFailure()) return unavailable();
            NumberPlan.Plan pl = plan.get();
            List<String> companies = pl.companies().values().stream()
                .filter(c -> p.covers(c.id(), c.answeringPoint()))
                .filter(c -> ap.isEmpty() || c.answeringPoint().value().equals(ap.get()))
                .filter(c -> co.isEmpty() || c.id().value().equals(co.get()))
                .map(c -> c.id().value()).toList();
            return onComplete(CompletableFuture.supplyAsync(() -> r.searchContacts(companies, words, n),
                system.dispatchers().lookup(DispatcherSelector.blocking())), rows -> {
              if (rows.isFailure()) return unavailable();
              Instant now = clock.instant();
              return ok(rows.get().stream().map(x -> found(pl, x, now)).toList());
            });
          });
        })))));
  }

  private static Found found(NumberPlan.Plan plan, StatisticsReader.DirectoryContact x, Instant now) {
    NumberPlan.Company c = plan.companies().get(io.switchboard.core.directory.CompanyId.of(x.company()));
    boolean stands = x.redirectReason() != null && (x.redirectUntil() == null || now.isBefore(x.redirectUntil()));
    return new Found(x.company(), c == null ? null : c.name(), c == null ? null : c.answeringPoint().value(),
        x.contactId(), x.kind(), x.name(), x.title(), x.department(), x.phones(), x.email(), x.mobile(),
        stands ? x.redirectReason() : null, stands ? x.redirectUntil() : null, stands ? x.redirectNote() : null);
  }
}
