package io.switchboard.http.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.Identifiers;
import io.switchboard.core.Refusal;
import io.switchboard.core.agent.AgentId;
import io.switchboard.core.directory.AnsweringPointId;
import io.switchboard.core.directory.CompanyId;
import io.switchboard.core.numberplan.NumberPlan;
import io.switchboard.core.queue.QueueId;
import io.switchboard.core.report.ReportKind;
import io.switchboard.core.report.ReportPeriod;
import io.switchboard.core.report.ReportSchedule;
import io.switchboard.core.report.ReportScheduler;
import io.switchboard.core.report.ReportSubscription;
import io.switchboard.core.user.Role;
import io.switchboard.http.ApiError;
import io.switchboard.http.auth.Authenticator;
import io.switchboard.http.auth.Principal;
import io.switchboard.http.auth.SecuredRoutes;
import io.switchboard.http.directory.DirectoryCache;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * REST API v1 report subscriptions (docs/rest-api.md): supervisors and admins subscribe to
 * reports mailed each period. Users see and remove their own; admins everyone's within their
 * answering points. A user limited to some answering points narrows every report to them.
 */
public final class ReportApi extends SecuredRoutes {

  private static final List<String> SCOPING = List.of(
      ReportKind.ANSWERING_POINT, ReportKind.COMPANY, ReportKind.QUEUE, ReportKind.AGENT);

  private final DirectoryCache directory;
  private final ActorRef<ReportScheduler.Command> scheduler;

  public ReportApi(ActorSystem<?> system, ObjectMapper json, Duration timeout, Authenticator auth,
      DirectoryCache directory, ActorRef<ReportScheduler.Command> scheduler) {
    super(system, json, timeout, auth);
    this.directory = directory;
    this.scheduler = scheduler;
  }

  public record SubscriptionBody(String kind, String schedule, Map<String, String> parameters, List<String> recipients) {}

  /** What the API shows of a subscription and its deliveries (docs/rest-api.md). */
  public record SubscriptionJson(String id, String owner, ReportKind kind, ReportSchedule schedule,
      Map<String, String> parameters, List<String> recipients, Instant createdAt, ReportPeriod next, Instant nextDueAt,
      ReportPeriod sending, ReportPeriod lastDelivered, Instant lastDeliveredAt, List<ReportPeriod> uncertain,
      int failures, String lastError, Instant lastErrorAt) {

    static SubscriptionJson of(ReportScheduler.SubscriptionView v) {
      ReportSubscription s = v.subscription();
      return new SubscriptionJson(s.id(), s.owner(), s.kind(), s.schedule(), s.parameters(), s.recipients(),
          s.createdAt(), v.next(), v.nextDueAt(), v.sending(), v.lastDelivered(), v.lastDeliveredAt(), v.uncertain(),
          v.failures(), v.lastError(), v.lastErrorAt());
    }
  }

  /** Routes under {@code /api/v1}, for a signed-in principal. */
  public Route routes(Principal p) {
    return pathPrefix("report-subscriptions", () -> !p.has(Role.SUPERVISOR, Role.ADMIN)
        ? forbidden("report subscriptions need the role supervisor or admin")
        : concat(
            pathEndOrSingleSlash(() -> concat(
                get(() -> list(p)),
                post(() -> create(p)))),
            path(PathMatchers.segment(), id -> delete(() -> remove(p, id)))));
  }

  // ---------------------------------------------------------------- routes

  private Route list(Principal p) {
    return withPlan(plan -> withList(views -> ok(views.stream()
        .filter(v -> visible(p, plan, v.subscription()))
        .sorted(Comparator.comparing((ReportScheduler.SubscriptionView v) -> v.subscription().createdAt())
            .thenComparing(v -> v.subscription().id()))
        .map(SubscriptionJson::of)
        .toList())));
  }

  private Route create(Principal p) {
    return body(SubscriptionBody.class, b -> fieldAsIs("kind", () -> ReportKind.parse(b.kind()), kind ->
        fieldAsIs("schedule", () -> ReportSchedule.parse(b.schedule()), schedule -> {
          // Short, unguessable, and a valid id wherever it is used (journal, Message-ID).
          String id = "rs-" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
          ReportSubscription sub = new ReportSubscription(id, p.user().username(), kind, schedule, b.parameters(),
              b.recipients(), null);
          Refusal problem = sub.problem();
          if (problem != null) return error(ApiError.of(problem));
          return withPlan(plan -> {
            Route refused = checkParameters(p, plan, sub);
            if (refused != null) return refused;
            return onComplete(this.<ReportScheduler.Command, ReportScheduler.Reply>ask(scheduler,
                r -> new ReportScheduler.Subscribe(sub, r)), r -> {
              if (r.isFailure()) return unavailable();
              if (r.get() instanceof ReportScheduler.Accepted a)
                return complete(StatusCodes.CREATED, SubscriptionJson.of(a.subscription()), Jackson.marshaller(json));
              return refused(r.get());
            });
          });
        })));
  }

  private Route remove(Principal p, String id) {
    if (!Identifiers.isValid(id)) return subscriptionNotFound(id);
    if (!p.has(Role.ADMIN)) return unsubscribe(p, id, false);
    // An admin removes what he may see: his own, or any within his answering points.
    return withPlan(plan -> withList(views -> views.stream()
        .filter(v -> v.subscription().id().equals(id) && visible(p, plan, v.subscription())).findFirst()
        .map(v -> unsubscribe(p, id, true))
        .orElseGet(() -> subscriptionNotFound(id))));
  }

  private Route unsubscribe(Principal p, String id, boolean admin) {
    return onComplete(this.<ReportScheduler.Command, ReportScheduler.Reply>ask(scheduler,
        r -> new ReportScheduler.Unsubscribe(id, p.user().username(), admin, r)), r -> {
      if (r.isFailure()) return unavailable();
      return r.get() instanceof ReportScheduler.Removed ? complete(StatusCodes.NO_CONTENT) : refused(r.get());
    });
  }

  // ---------------------------------------------------------------- scope

  /**
   * Every id a parameter names must exist (400) and lie in the user's answering points (403);
   * a limited user must name at least one, or the report would cover the whole centre.
   */
  private Route checkParameters(Principal p, NumberPlan.Plan plan, ReportSubscription s) {
    boolean narrowed = false;
    for (String name : SCOPING) {
      String field = "parameters." + name;
      for (String raw : s.values(name)) {
        narrowed = true;
        switch (name) {
          case ReportKind.ANSWERING_POINT -> {
            if (!plan.answeringPoints().containsKey(new AnsweringPointId(raw)))
              return invalid(field, field + ": unknown answering point " + raw);
            if (!p.covers(new AnsweringPointId(raw))) return outOfScope("answering point " + raw);
          }
          case ReportKind.COMPANY -> {
            NumberPlan.Company c = plan.companies().get(new CompanyId(raw));
            if (c == null) return invalid(field, field + ": unknown company " + raw);
            if (!p.covers(c.answeringPoint())) return outOfScope("company " + raw);
          }
          case ReportKind.QUEUE -> {
            NumberPlan.QueueListing q = plan.queues().get(new QueueId(raw));
            if (q == null) return invalid(field, field + ": unknown queue " + raw);
            if (!p.covers(q.answeringPoint())) return outOfScope("queue " + raw);
          }
          case ReportKind.AGENT -> {
            NumberPlan.AgentListing a = plan.agents().get(new AgentId(raw));
            if (a == null) return invalid(field, field + ": unknown agent " + raw);
            if (!p.covers(plan, a)) return outOfScope("agent " + raw);
          }
          default -> throw new IllegalStateException(name);
        }
      }
    }
    if (p.scoped() && !narrowed)
      return error(ApiError.of(StatusCodes.FORBIDDEN, "you are limited to some answering points: name them (or "
          + "companies, queues or agents of them) in parameters; allowed for " + s.kind().wire() + ": "
          + String.join(", ", s.kind().parameters().stream().sorted().toList()), "parameters"));
    return null;
  }

  /** Own subscriptions always; an admin's view reaches others' that lie wholly within his answering points. */
  private boolean visible(Principal p, NumberPlan.Plan plan, ReportSubscription s) {
    if (s.owner().equals(p.user().username())) return true;
    if (!p.has(Role.ADMIN)) return false;
    if (!p.scoped()) return true;
    boolean narrowed = false;
    for (String name : SCOPING) {
      for (String raw : s.values(name)) {
        narrowed = true;
        boolean in = switch (name) {
          case ReportKind.ANSWERING_POINT -> p.covers(new AnsweringPointId(raw));
          case ReportKind.COMPANY -> {
            NumberPlan.Company c = plan.companies().get(new CompanyId(raw));
            yield c != null && p.covers(c.answeringPoint());
          }
          case ReportKind.QUEUE -> {
            NumberPlan.QueueListing q = plan.queues().get(new QueueId(raw));
            yield q != null && p.covers(q.answeringPoint());
          }
          case ReportKind.AGENT -> {
            NumberPlan.AgentListing a = plan.agents().get(new AgentId(raw));
            yield a != null && p.covers(plan, a);
          }
          default -> false;
        };
        if (!in) return false;
      }
    }
    return narrowed;
  }

  // ---------------------------------------------------------------- plumbing

  private Route withList(Function<List<ReportScheduler.SubscriptionView>, Route> inner) {
    return onComplete(this.<ReportScheduler.Command, ReportScheduler.Reply>ask(scheduler,
        ReportScheduler.ListSubscriptions::new), r -> {
      if (r.isFailure()) return unavailable();
      return r.get() instanceof ReportScheduler.Listed l ? inner.apply(l.subscriptions()) : refused(r.get());
    });
  }

  private Route withPlan(Function<NumberPlan.Plan, Route> inner) {
    return onComplete(directory.plan(), r -> r.isFailure() ? unavailable() : inner.apply(r.get()));
  }

  private Route refused(ReportScheduler.Reply reply) {
    if (reply instanceof ReportScheduler.Refused f) return error(ApiError.of(f.refusal()));
    return error(ApiError.of(StatusCodes.INTERNAL_SERVER_ERROR, "unexpected answer " + reply.getClass().getSimpleName(), null));
  }

  /** A value read from the body's {@code field}: a bad one is a 400 naming that field. */
  private <T> Route fieldAsIs(String field, Supplier<T> value, Function<T, Route> inner) {
    T v;
    try {
      v = value.get();
    } catch (IllegalArgumentException e) {
      return invalid(field, e.getMessage());
    }
    return inner.apply(v);
  }

  private Route subscriptionNotFound(String id) {
    return notFound("report subscription " + id);
  }

  private Route outOfScope(String what) {
    return forbidden(what + " is outside the answering points you may manage");
  }
}
