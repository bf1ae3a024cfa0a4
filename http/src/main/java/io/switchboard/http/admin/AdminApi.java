package io.switchboard.http.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.agent.Agent;
import io.switchboard.core.agent.AgentConfig;
import io.switchboard.core.agent.AgentId;
import io.switchboard.core.agent.AgentStatus;
import io.switchboard.core.agent.AnswerGroup;
import io.switchboard.core.calendar.Calendar;
import io.switchboard.core.calendar.CalendarDefinition;
import io.switchboard.core.calendar.CalendarId;
import io.switchboard.core.call.CallId;
import io.switchboard.core.call.CallSession;
import io.switchboard.core.call.CallView;
import io.switchboard.core.directory.AnsweringPointId;
import io.switchboard.core.directory.CompanyId;
import io.switchboard.core.engine.Engine;
import io.switchboard.core.numberplan.NumberPlan;
import io.switchboard.core.numberplan.NumberPlanEntry;
import io.switchboard.core.numberplan.SipAccountTarget;
import io.switchboard.core.queue.Queue;
import io.switchboard.core.queue.QueueConfig;
import io.switchboard.core.queue.QueueId;
import io.switchboard.core.user.Role;
import io.switchboard.core.user.User;
import io.switchboard.core.user.Users;
import io.switchboard.http.ApiError;
import io.switchboard.http.auth.Authenticator;
import io.switchboard.http.auth.PasswordHasher;
import io.switchboard.http.auth.Principal;
import io.switchboard.http.auth.SecuredRoutes;
import io.switchboard.http.directory.DirectoryCache;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * REST API v1 (docs/rest-api.md): configuration CRUD, live reads and test calls, every route
 * checked for role and answering-point scope. Admins write, supervisors read; a user limited
 * to some answering points neither sees nor touches anything of the others.
 */
public final class AdminApi extends SecuredRoutes {

  private final Engine engine;
  private final DirectoryCache directory;
  private final Runnable directoryChanged;

  /** {@code directoryChanged} runs after every directory write, so this node's wallboards follow at once. */
  public AdminApi(ActorSystem<?> system, Engine engine, ObjectMapper json, Duration timeout, Authenticator auth,
      DirectoryCache directory, Runnable directoryChanged) {
    super(system, json, timeout, auth);
    this.engine = engine;
    this.directory = directory;
    this.directoryChanged = directoryChanged;
  }

  /** Routes under {@code /api/v1}, for a signed-in principal. */
  public Route routes(Principal p) {
    return concat(
        pathPrefix("answering-points", () -> answeringPoints(p)),
        pathPrefix("companies", () -> companies(p)),
        pathPrefix("calendars", () -> calendars(p)),
        pathPrefix("queues", () -> queues(p)),
        pathPrefix("number-plan", () -> numberPlan(p)),
        pathPrefix("agents", () -> agents(p)),
        pathPrefix("users", () -> users(p)),
        pathPrefix("test-calls", () -> testCalls(p)),
        path(PathMatchers.segment("me").slash("agent"), () -> get(() -> myAgent(p))));
  }

  // ---------------------------------------------------------------- answering points

  private Route answeringPoints(Principal p) {
    return concat(
        pathEndOrSingleSlash(() -> concat(
            get(() -> reader(p, () -> withPlan(plan -> ok(plan.answeringPoints().values().stream()
                .filter(ap -> p.covers(ap.id())).toList())))),
            post(() -> centreAdmin(p, () -> tree(node -> field("id", () -> new AnsweringPointId(text(node, "id")), id ->
                withPlan(plan -> plan.answeringPoints().containsKey(id)
                    ? conflict("answering point " + id + " already exists")
                    : putAnsweringPoint(id, node, StatusCodes.CREATED)))))))),
        path(PathMatchers.segment(), raw -> parse(() -> new AnsweringPointId(raw), id -> concat(
            get(() -> reader(p, () -> withPlan(plan -> Optional.ofNullable(plan.answeringPoints().get(id))
                .filter(ap -> p.covers(id)).map(this::ok).orElseGet(() -> notFound("answering point " + id))))),
            put(() -> centreAdmin(p, () -> tree(node -> sameId(node, "id", raw, () -> withPlan(plan ->
                !plan.answeringPoints().containsKey(id) ? notFound("answering point " + id)
                    : putAnsweringPoint(id, node, StatusCodes.OK)))))),
            delete(() -> centreAdmin(p, () -> planWrite(r -> new NumberPlan.RemoveAnsweringPoint(id, r),
                plan -> null, StatusCodes.NO_CONTENT)))))));
  }

  private Route putAnsweringPoint(AnsweringPointId id, ObjectNode node, StatusCode status) {
    return only(node, Set.of("id", "name"), () -> planWrite(r -> new NumberPlan.PutAnsweringPoint(id, text(node, "name"), r),
        plan -> plan.answeringPoints().get(id), status));
  }

  // ---------------------------------------------------------------- companies

  private Route companies(Principal p) {
    return concat(
        pathEndOrSingleSlash(() -> concat(
            get(() -> reader(p, () -> withPlan(plan -> ok(plan.companies().values().stream()
                .filter(c -> p.covers(c.answeringPoint())).toList())))),
            post(() -> admin(p, () -> tree(node -> field("id", () -> new CompanyId(text(node, "id")), id ->
                withPlan(plan -> plan.companies().containsKey(id) ? conflict("company " + id + " already exists")
                    : putCompany(p, id, node, StatusCodes.CREATED)))))))),
        path(PathMatchers.segment(), raw -> parse(() -> new CompanyId(raw), id -> concat(
            get(() -> reader(p, () -> withPlan(plan -> Optional.ofNullable(plan.companies().get(id))
                .filter(c -> p.covers(c.answeringPoint())).map(this::ok).orElseGet(() -> notFound("company " + id))))),
            put(() -> admin(p, () -> tree(node -> sameId(node, "id", raw, () -> withPlan(plan -> {
              NumberPlan.Company c = plan.companies().get(id);
              if (c == null || !p.covers(c.answeringPoint())) return notFound("company " + id);
              return putCompany(p, id, node, StatusCodes.OK);
            }))))),
            delete(() -> admin(p, () -> withPlan(plan -> {
              NumberPlan.Company c = plan.companies().get(id);
              if (c == null || !p.covers(c.answeringPoint())) return notFound("company " + id);
              return planWrite(r -> new NumberPlan.RemoveCompany(id, r), x -> null, StatusCodes.NO_CONTENT);
            })))))));
  }

  private Route putCompany(Principal p, CompanyId id, ObjectNode node, StatusCode status) {
    return only(node, Set.of("id", "name", "answeringPoint"), () ->
        field("answeringPoint", () -> new AnsweringPointId(text(node, "answeringPoint")), ap -> !p.covers(ap)
            ? outOfScope("answering point " + ap)
            : planWrite(r -> new NumberPlan.PutCompany(id, text(node, "name"), ap, r), plan -> plan.companies().get(id), status)));
  }

  // ---------------------------------------------------------------- calendars

  private Route calendars(Principal p) {
    return concat(
        pathEndOrSingleSlash(() -> concat(
            get(() -> reader(p, () -> withPlan(plan -> ok(plan.calendars().values())))),
            post(() -> admin(p, () -> tree(node -> field("id", () -> new CalendarId(text(node, "id")), id ->
                withPlan(plan -> plan.calendars().containsKey(id) ? conflict("calendar " + id + " already exists")
                    : putCalendar(id, node, StatusCodes.CREATED)))))))),
        path(PathMatchers.segment(), raw -> parse(() -> new CalendarId(raw), id -> concat(
            get(() -> reader(p, () -> withPlan(plan -> !plan.calendars().containsKey(id) ? notFound("calendar " + id)
                : onComplete(this.<Calendar.Command, Calendar.Reply>ask(engine.refs().calendar(id), Calendar.Get::new),
                    r -> r.isFailure() ? unavailable() : r.get() instanceof Calendar.Done d ? ok(calendarJson(id, d.definition()))
                        : error(ApiError.of(refusalOf(r.get()))))))),
            put(() -> admin(p, () -> tree(node -> sameId(node, "id", raw, () -> withPlan(plan ->
                !plan.calendars().containsKey(id) ? notFound("calendar " + id) : putCalendar(id, node, StatusCodes.OK)))))),
            delete(() -> admin(p, () -> withPlan(plan -> !plan.calendars().containsKey(id) ? notFound("calendar " + id)
                : onComplete(directory.queuesWhere(plan, c -> id.equals(c.calendarId())), users -> {
                  if (users.isFailure()) return unavailable();
                  return !users.get().isEmpty()
                      ? conflict("calendar " + id + " is still used by queues " + users.get())
                      : planWrite(r -> new NumberPlan.RemoveCalendar(id, r), x -> null, StatusCodes.NO_CONTENT);
                }))))))));
  }

  private Route putCalendar(CalendarId id, ObjectNode node, StatusCode status) {
    ObjectNode def = node.deepCopy();
    def.remove("id");
    return convert(def, CalendarDefinition.class, definition ->
        onComplete(this.<Calendar.Command, Calendar.Reply>ask(engine.refs().calendar(id), r -> new Calendar.Define(definition, r)),
            r -> {
              if (r.isFailure()) return unavailable();
              if (!(r.get() instanceof Calendar.Done d)) return error(ApiError.of(refusalOf(r.get())));
              return planWrite(x -> new NumberPlan.PutCalendar(id, definition.name(), x),
                  plan -> calendarJson(id, d.definition()), status);
            }));
  }

  private ObjectNode calendarJson(CalendarId id, CalendarDefinition def) {
    ObjectNode n = json.createObjectNode().put("id", id.value());
    n.setAll((ObjectNode) json.valueToTree(def));
    return n;
  }

  // ---------------------------------------------------------------- queues

  private Route queues(Principal p) {
    return concat(
        pathEndOrSingleSlash(() -> concat(
            get(() -> reader(p, () -> withPlan(plan -> ok(plan.queues().values().stream()
                .filter(q -> p.covers(q.answeringPoint())).toList())))),
            post(() -> admin(p, () -> tree(node -> field("id", () -> new QueueId(text(node, "id")), id ->
                withPlan(plan -> plan.queues().containsKey(id) ? conflict("queue " + id + " already exists")
                    : putQueue(p, plan, id, node, StatusCodes.CREATED)))))))),
        path(PathMatchers.segment().slash("live"), raw -> parse(() -> new QueueId(raw), id ->
            get(() -> reader(p, () -> scopedQueue(p, id, q ->
                reply(this.<Queue.Command, Queue.Reply>ask(engine.refs().queue(id), Queue.GetState::new), StatusCodes.OK)))))),
        path(PathMatchers.segment(), raw -> parse(() -> new QueueId(raw), id -> concat(
            get(() -> reader(p, () -> scopedQueue(p, id, listing ->
                onComplete(this.<Queue.Command, Queue.Reply>ask(engine.refs().queue(id), Queue.GetState::new), r ->
                    r.isFailure() ? unavailable() : r.get() instanceof Queue.Done d
                        ? ok(queueJson(listing, d.view().config())) : error(ApiError.of(refusalOf(r.get()))))))),
            put(() -> admin(p, () -> tree(node -> sameId(node, "id", raw, () -> scopedQueue(p, id, listing ->
                withPlan(plan -> putQueue(p, plan, id, node, StatusCodes.OK))))))),
            delete(() -> admin(p, () -> scopedQueue(p, id, listing -> withPlan(plan ->
                onComplete(directory.queuesWhere(plan, c -> c.overflow() instanceof io.switchboard.core.queue.OverflowTarget.ToQueue to
                    && to.queue().equals(id) || c.menu() != null && c.menu().choices().containsValue(id)), users -> {
                  if (users.isFailure()) return unavailable();
                  // Everything that still refers to the queue, named at once.
                  List<String> refs = new java.util.ArrayList<>();
                  List<String> numbers = plan.entries().values().stream().filter(e -> id.equals(e.queue()))
                      .map(NumberPlanEntry::dialledNumber).sorted().toList();
                  if (!numbers.isEmpty()) refs.add("dialled numbers " + numbers);
                  List<AgentId> members = plan.agents().values().stream().filter(a -> a.queues().contains(id))
                      .map(NumberPlan.AgentListing::id).sorted().toList();
                  if (!members.isEmpty()) refs.add("agents " + members + " (answer groups)");
                  if (!users.get().isEmpty()) refs.add("queues " + users.get() + " (overflow or menu)");
                  if (!refs.isEmpty()) return conflict("queue " + id + " is still used by " + String.join(", ", refs));
                  return planWrite(r -> new NumberPlan.RemoveQueue(id, r), x -> null, StatusCodes.NO_CONTENT);
                })))))))));
  }

  private Route scopedQueue(Principal p, QueueId id, Function<NumberPlan.QueueListing, Route> inner) {
    return withPlan(plan -> {
      NumberPlan.QueueListing q = plan.queues().get(id);
      return q == null || !p.covers(q.answeringPoint()) ? notFound("queue " + id) : inner.apply(q);
    });
  }

  private Route putQueue(Principal p, NumberPlan.Plan plan, QueueId id, ObjectNode node, StatusCode status) {
    ObjectNode cfg = node.deepCopy();
    cfg.remove("id");
    JsonNode apNode = cfg.remove("answeringPoint");
    return field("answeringPoint", () -> new AnsweringPointId(apNode == null || apNode.isNull() ? null : apNode.asText()), ap -> {
      if (!p.covers(ap)) return outOfScope("answering point " + ap);
      if (!plan.answeringPoints().containsKey(ap)) return invalid("answeringPoint", "unknown answering point " + ap);
      NumberPlan.QueueListing existing = plan.queues().get(id);
      if (existing != null && !existing.answeringPoint().equals(ap)
          && plan.entries().values().stream().anyMatch(e -> id.equals(e.queue())))
        return conflict("queue " + id + " has dialled numbers under answering point " + existing.answeringPoint()
            + "; move or remove them first");
      return convert(cfg, QueueConfig.class, config -> {
        if (config.calendarId() != null && !plan.calendars().containsKey(config.calendarId()))
          return invalid("calendarId", "unknown calendar " + config.calendarId());
        if (config.overflow() instanceof io.switchboard.core.queue.OverflowTarget.ToQueue to
            && !plan.queues().containsKey(to.queue()))
          return invalid("overflow.queue", "unknown queue " + to.queue());
        if (config.menu() != null)
          for (var choice : config.menu().choices().entrySet())
            if (!plan.queues().containsKey(choice.getValue()))
              return invalid("menu.choices." + choice.getKey(), "unknown queue " + choice.getValue());
        return onComplete(this.<Queue.Command, Queue.Reply>ask(engine.refs().queue(id), r -> new Queue.Configure(config, r)), r -> {
          if (r.isFailure()) return unavailable();
          if (!(r.get() instanceof Queue.Done)) return error(ApiError.of(refusalOf(r.get())));
          NumberPlan.QueueListing listing = new NumberPlan.QueueListing(id, config.name(), ap);
          return planWrite(x -> new NumberPlan.PutQueue(id, config.name(), ap, x), pl -> queueJson(listing, config), status);
        });
      });
    });
  }

  private ObjectNode queueJson(NumberPlan.QueueListing listing, QueueConfig config) {
    ObjectNode n = json.createObjectNode().put("id", listing.id().value()).put("answeringPoint", listing.answeringPoint().value());
    n.setAll((ObjectNode) json.valueToTree(config));
    return n;
  }

  // ---------------------------------------------------------------- number plan

  private Route numberPlan(Principal p) {
    return concat(
        pathEndOrSingleSlash(() -> concat(
            get(() -> reader(p, () -> withPlan(plan -> ok(plan.entries().values().stream()
                .filter(e -> p.covers(e.answeringPoint())).toList())))),
            post(() -> admin(p, () -> tree(node -> withPlan(plan -> {
              String number = text(node, "dialledNumber");
              if (number == null) return invalid("dialledNumber", "dialledNumber is required");
              return plan.entries().containsKey(number) ? conflict("dialled number " + number + " already exists")
                  : putEntry(p, plan, number, node, StatusCodes.CREATED);
            })))))),
        path(PathMatchers.segment(), number -> concat(
            get(() -> reader(p, () -> withPlan(plan -> Optional.ofNullable(plan.entries().get(number))
                .filter(e -> p.covers(e.answeringPoint())).map(this::ok)
                .orElseGet(() -> notFound("dialled number " + number))))),
            put(() -> admin(p, () -> tree(node -> sameId(node, "dialledNumber", number, () -> withPlan(plan -> {
              NumberPlanEntry e = plan.entries().get(number);
              return e == null || !p.covers(e.answeringPoint()) ? notFound("dialled number " + number)
                  : putEntry(p, plan, number, node, StatusCodes.OK);
            }))))),
            delete(() -> admin(p, () -> withPlan(plan -> {
              NumberPlanEntry e = plan.entries().get(number);
              return e == null || !p.covers(e.answeringPoint()) ? notFound("dialled number " + number)
                  : planWrite(r -> new NumberPlan.RemoveEntry(number, r), x -> null, StatusCodes.NO_CONTENT);
            }))))));
  }

  private Route putEntry(Principal p, NumberPlan.Plan plan, String number, ObjectNode node, StatusCode status) {
    return only(node, Set.of("dialledNumber", "answeringPoint", "company", "queue", "priority", "account"), () -> parse(() -> {
      JsonNode prio = node.get("priority");
      if (prio != null && !prio.isNull() && !prio.isInt()) throw new IllegalArgumentException("priority must be a whole number 0-9");
      String company = text(node, "company");
      String queue = text(node, "queue");
      String ap = text(node, "answeringPoint");
      return new NumberPlanEntry(number, ap == null ? null : new AnsweringPointId(ap), company == null ? null : new CompanyId(company),
          queue == null ? null : new QueueId(queue), prio == null || prio.isNull() ? 0 : prio.asInt(), accountTarget(node));
    }, entry -> {
      if (!p.covers(entry.answeringPoint())) return outOfScope("answering point " + entry.answeringPoint());
      if (entry.toAccount()) return planWrite(r -> new NumberPlan.PutEntry(entry, r), pl -> pl.entries().get(number), status);
      NumberPlan.QueueListing q = plan.queues().get(entry.queue());
      if (q == null) return invalid("queue", "unknown queue " + entry.queue());
      if (!q.answeringPoint().equals(entry.answeringPoint()))
        return invalid("queue", "queue " + entry.queue() + " belongs to answering point " + q.answeringPoint());
      return planWrite(r -> new NumberPlan.PutEntry(entry, r), pl -> pl.entries().get(number), status);
    }));
  }

  /** The optional {@code account} of a number-plan row: {"user","forwardAfterSeconds","forwardTo","voicemail"}. */
  private static SipAccountTarget accountTarget(ObjectNode node) {
    JsonNode a = node.get("account");
    if (a == null || a.isNull()) return null;
    if (!(a instanceof ObjectNode o))
      throw new IllegalArgumentException("account must be an object {\"user\",\"forwardAfterSeconds\",\"forwardTo\",\"voicemail\"}");
    Set<String> known = Set.of("user", "forwardAfterSeconds", "forwardTo", "voicemail");
    for (var it = o.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!known.contains(f))
        throw new IllegalArgumentException("account." + f + " is not a field of account (user, forwardAfterSeconds, forwardTo, voicemail)");
    }
    JsonNode after = o.get("forwardAfterSeconds");
    if (after != null && !after.isNull() && !after.isInt())
      throw new IllegalArgumentException("account.forwardAfterSeconds must be a whole number of seconds 1-300");
    return new SipAccountTarget(text(o, "user"), after == null || after.isNull() ? 0 : after.asInt(),
        text(o, "forwardTo"), text(o, "voicemail"));
  }

  // ---------------------------------------------------------------- agents

  private Route agents(Principal p) {
    return concat(
        pathEndOrSingleSlash(() -> concat(
            get(() -> reader(p, () -> withPlan(plan -> ok(plan.agents().values().stream()
                .filter(a -> p.covers(plan, a)).toList())))),
            post(() -> admin(p, () -> tree(node -> field("id", () -> new AgentId(text(node, "id")), id ->
                withPlan(plan -> plan.agents().containsKey(id) ? conflict("agent " + id + " already exists")
                    : putAgent(p, plan, id, node, StatusCodes.CREATED)))))))),
        path(PathMatchers.segment().slash("live"), raw -> parse(() -> new AgentId(raw), id ->
            get(() -> reader(p, () -> scopedAgent(p, id, a ->
                reply(this.<Agent.Command, Agent.Reply>ask(engine.refs().agent(id), Agent.GetState::new), StatusCodes.OK)))))),
        path(PathMatchers.segment(), raw -> parse(() -> new AgentId(raw), id -> concat(
            get(() -> reader(p, () -> scopedAgent(p, id, a ->
                onComplete(this.<Agent.Command, Agent.Reply>ask(engine.refs().agent(id), Agent.GetState::new), r ->
                    r.isFailure() ? unavailable() : r.get() instanceof Agent.Done d
                        ? ok(agentJson(id, d.view().config())) : error(ApiError.of(refusalOf(r.get()))))))),
            put(() -> admin(p, () -> tree(node -> sameId(node, "id", raw, () -> scopedAgent(p, id, a ->
                withPlan(plan -> putAgent(p, plan, id, node, StatusCodes.OK))))))),
            delete(() -> admin(p, () -> scopedAgent(p, id, a ->
                onComplete(this.<Agent.Command, Agent.Reply>ask(engine.refs().agent(id), Agent.GetState::new), r -> {
                  if (r.isFailure()) return unavailable();
                  if (r.get() instanceof Agent.Done d && d.view().status() != AgentStatus.LOGGED_OUT)
                    return conflict("agent " + id + " is logged in; log it out first");
                  return onComplete(this.<Users.Command, Users.Reply>ask(Users.ref(system), Users.ListUsers::new), u -> {
                    if (u.isFailure()) return unavailable();
                    List<String> holders = ((Users.Listed) u.get()).users().stream().filter(x -> id.equals(x.agentId()))
                        .map(User::username).sorted().toList();
                    if (!holders.isEmpty()) return conflict("agent " + id + " is the agent of users " + holders);
                    return planWrite(x -> new NumberPlan.RemoveAgent(id, x), x -> null, StatusCodes.NO_CONTENT);
                  });
                }))))))));
  }

  private Route scopedAgent(Principal p, AgentId id, Function<NumberPlan.AgentListing, Route> inner) {
    return withPlan(plan -> {
      NumberPlan.AgentListing a = plan.agents().get(id);
      return a == null || !p.covers(plan, a) ? notFound("agent " + id) : inner.apply(a);
    });
  }

  private Route putAgent(Principal p, NumberPlan.Plan plan, AgentId id, ObjectNode node, StatusCode status) {
    ObjectNode cfg = node.deepCopy();
    cfg.remove("id");
    return convert(cfg, AgentConfig.class, config -> {
      for (AnswerGroup g : config.answerGroups()) {
        NumberPlan.QueueListing q = plan.queues().get(g.queue());
        if (q == null) return invalid("answerGroups", "unknown queue " + g.queue());
        if (!p.covers(q.answeringPoint())) return outOfScope("queue " + g.queue());
      }
      List<QueueId> queues = config.answerGroups().stream().map(AnswerGroup::queue).toList();
      return onComplete(this.<Agent.Command, Agent.Reply>ask(engine.refs().agent(id), r -> new Agent.Configure(config, r)), r -> {
        if (r.isFailure()) return unavailable();
        if (!(r.get() instanceof Agent.Done)) return error(ApiError.of(refusalOf(r.get())));
        return planWrite(x -> new NumberPlan.PutAgent(id, config.name(), queues, x), pl -> agentJson(id, config), status);
      });
    });
  }

  private ObjectNode agentJson(AgentId id, AgentConfig config) {
    ObjectNode n = json.createObjectNode().put("id", id.value());
    if (config != null) n.setAll((ObjectNode) json.valueToTree(config));
    return n;
  }

  private Route myAgent(Principal p) {
    if (!p.has(Role.AGENT) || p.agentId() == null) return forbidden("this needs the role agent");
    return reply(this.<Agent.Command, Agent.Reply>ask(engine.refs().agent(p.agentId()), Agent.GetState::new), StatusCodes.OK);
  }

  // ---------------------------------------------------------------- users

  /** What the API shows of a user: never the hash. */
  public record UserView(String username, String name, Set<Role> roles, Set<AnsweringPointId> answeringPoints,
      Set<CompanyId> companies, AgentId agentId, boolean locked) {
    static UserView of(User u, java.time.Instant now) {
      return new UserView(u.username(), u.name(), u.roles(), u.answeringPoints(), u.companies(), u.agentId(),
          u.lockedAt(now));
    }
  }

  public record UserBody(String username, String name, String password, Set<Role> roles,
      Set<AnsweringPointId> answeringPoints, Set<CompanyId> companies, AgentId agentId) {}

  private Route users(Principal p) {
    if (!p.has(Role.ADMIN) || p.scoped()) return forbidden("managing users needs the role admin for every answering point");
    return concat(
        pathEndOrSingleSlash(() -> concat(
            get(() -> onComplete(this.<Users.Command, Users.Reply>ask(Users.ref(system), Users.ListUsers::new), r ->
                r.isFailure() ? unavailable()
                    : ok(((Users.Listed) r.get()).users().stream().map(u -> UserView.of(u, java.time.Instant.now())).toList()))),
            post(() -> body(UserBody.class, b -> checkUser(b, true, () -> hashed(b.password(), hash ->
                userReply(ask(Users.ref(system), r -> new Users.CreateUser(new User(b.username(), b.name(), hash,
                    b.roles(), b.answeringPoints(), b.companies(), b.agentId(), 0, null, null), r)), StatusCodes.CREATED))))))),
        path(PathMatchers.segment(), username -> concat(
            get(() -> userReply(ask(Users.ref(system), r -> new Users.GetUser(username, r)), StatusCodes.OK)),
            put(() -> body(UserBody.class, b -> b.username() != null && !b.username().equals(username)
                ? invalid("username", "username in the body (" + b.username() + ") differs from the path (" + username + ")")
                : checkUser(new UserBody(username, b.name(), b.password(), b.roles(), b.answeringPoints(), b.companies(), b.agentId()), false,
                    () -> hashed(b.password(), hash -> userReply(ask(Users.ref(system), r -> new Users.UpdateUser(username,
                        b.name(), b.roles(), b.answeringPoints(), b.companies(), b.agentId(), hash, r)), StatusCodes.OK))))),
            delete(() -> username.equals(p.user().username()) ? conflict("you cannot remove yourself")
                : onComplete(this.<Users.Command, Users.Reply>ask(Users.ref(system), r -> new Users.RemoveUser(username, r)), r ->
                    r.isFailure() ? unavailable() : r.get() instanceof Users.Removed ? complete(StatusCodes.NO_CONTENT)
                        : error(ApiError.of(refusalOf(r.get()))))))));
  }

  private Route checkUser(UserBody b, boolean create, java.util.function.Supplier<Route> inner) {
    try {
      User.requireUsername(b.username());
    } catch (IllegalArgumentException e) {
      return invalid("username", e.getMessage());
    }
    if (b.name() == null || b.name().isBlank()) return invalid("name", "name is required");
    if (b.roles() == null || b.roles().isEmpty())
      return invalid("roles", "roles must name at least one of admin, supervisor, agent, client");
    if (b.roles().contains(Role.CLIENT) && b.roles().size() > 1)
      return invalid("roles", "a client user has the role client only");
    boolean client = b.roles().contains(Role.CLIENT);
    boolean hasCompanies = b.companies() != null && !b.companies().isEmpty();
    if (client && !hasCompanies) return invalid("companies", "companies must name the client's companies for the client role");
    if (!client && hasCompanies) return invalid("companies", "companies limits only client users; use answeringPoints for staff");
    if (create || b.password() != null) {
      String weak = PasswordHasher.weakness(b.password());
      if (weak != null) return invalid("password", weak);
    }
    if (b.roles().contains(Role.AGENT) && b.agentId() == null) return invalid("agentId", "agentId is required for the agent role");
    return withPlan(plan -> {
      if (b.agentId() != null && !plan.agents().containsKey(b.agentId())) return invalid("agentId", "unknown agent " + b.agentId());
      for (AnsweringPointId ap : b.answeringPoints() == null ? Set.<AnsweringPointId>of() : b.answeringPoints())
        if (!plan.answeringPoints().containsKey(ap)) return invalid("answeringPoints", "unknown answering point " + ap);
      for (CompanyId c : b.companies() == null ? Set.<CompanyId>of() : b.companies())
        if (!plan.companies().containsKey(c)) return invalid("companies", "unknown company " + c);
      return inner.get();
    });
  }

  /** Hashes off the request threads: bcrypt is slow on purpose. */
  private Route hashed(String password, Function<String, Route> inner) {
    if (password == null) return inner.apply(null);
    CompletionStage<String> hash = CompletableFuture.supplyAsync(() -> auth.hasher().hash(password),
        system.dispatchers().lookup(DispatcherSelector.blocking()));
    return onSuccess(hash, inner::apply);
  }

  private Route userReply(CompletionStage<Users.Reply> reply, StatusCode status) {
    return onComplete(reply, r -> {
      if (r.isFailure()) return unavailable();
      if (r.get() instanceof Users.Found f) return complete(status, UserView.of(f.user(), java.time.Instant.now()), Jackson.marshaller(json));
      return error(ApiError.of(refusalOf(r.get())));
    });
  }

  // ---------------------------------------------------------------- test calls

  /**
   * {@code menuChoice}: the key pressed in the control queue's IVR menu, if it has one (omitted:
   * none); {@code customerNumber}: the digits keyed in where the queue asks for them (omitted: none).
   */
  public record TestCall(String callId, String dialledNumber, String callerNumber, String menuChoice,
      String customerNumber) {}

  private Route testCalls(Principal p) {
    Route routes = concat(
        pathEndOrSingleSlash(() -> post(() -> body(TestCall.class, c -> withPlan(plan -> {
          if (c.dialledNumber() == null || c.dialledNumber().isBlank()) return invalid("dialledNumber", "dialledNumber is required");
          NumberPlanEntry e = plan.entries().get(c.dialledNumber());
          if (e != null && !p.covers(e.answeringPoint())) return outOfScope("dialled number " + c.dialledNumber());
          if (e == null && p.scoped()) return notFound("dialled number " + c.dialledNumber());
          String id = c.callId() == null || c.callId().isBlank() ? "test-" + UUID.randomUUID() : c.callId();
          return parse(() -> new CallId(id), callId -> reply(this.<CallSession.Command, CallSession.Reply>ask(engine.refs().call(callId),
              r -> new CallSession.Arrive(c.dialledNumber(), c.callerNumber() == null ? "anonymous" : c.callerNumber(),
                  c.menuChoice() == null ? "" : c.menuChoice(), c.customerNumber() == null ? "" : c.customerNumber(), r)),
              StatusCodes.CREATED));
        })))),
        path(PathMatchers.segment(), raw -> parse(() -> new CallId(raw), callId -> get(() -> scopedCall(p, callId, view -> ok(view))))),
        path(PathMatchers.segment().slash("hangup"), raw -> parse(() -> new CallId(raw), callId -> post(() -> scopedCall(p, callId, view ->
            reply(this.<CallSession.Command, CallSession.Reply>ask(engine.refs().call(callId), CallSession.Hangup::new), StatusCodes.OK))))));
    return role(p, routes, Role.ADMIN, Role.SUPERVISOR);
  }

  private Route scopedCall(Principal p, CallId id, Function<CallView, Route> inner) {
    return onComplete(this.<CallSession.Command, CallSession.Reply>ask(engine.refs().call(id), CallSession.GetState::new), r -> {
      if (r.isFailure()) return unavailable();
      if (!(r.get() instanceof CallSession.Done d)) return error(ApiError.of(refusalOf(r.get())));
      if (p.scoped() && !p.covers(d.view().answeringPoint())) return notFound("call " + id);
      return inner.apply(d.view());
    });
  }

  // ---------------------------------------------------------------- plumbing

  private Route reader(Principal p, java.util.function.Supplier<Route> inner) {
    return p.has(Role.ADMIN, Role.SUPERVISOR) ? inner.get() : forbidden("this needs the role admin or supervisor");
  }

  private Route admin(Principal p, java.util.function.Supplier<Route> inner) {
    return p.has(Role.ADMIN) ? inner.get() : forbidden("changing the configuration needs the role admin");
  }

  /** Answering points themselves belong to the whole centre: only an unlimited admin changes them. */
  private Route centreAdmin(Principal p, java.util.function.Supplier<Route> inner) {
    return p.has(Role.ADMIN) && !p.scoped() ? inner.get()
        : forbidden("changing answering points needs the role admin for every answering point");
  }

  private Route withPlan(Function<NumberPlan.Plan, Route> inner) {
    return onComplete(directory.plan(), r -> r.isFailure() ? unavailable() : inner.apply(r.get()));
  }

  private Route planWrite(Function<org.apache.pekko.actor.typed.ActorRef<NumberPlan.Reply>, NumberPlan.Command> command,
      Function<NumberPlan.Plan, Object> answer, StatusCode status) {
    return onComplete(this.<NumberPlan.Command, NumberPlan.Reply>ask(engine.refs().numberPlan(), command::apply), r -> {
      if (r.isFailure()) return unavailable();
      directory.invalidate();
      if (!(r.get() instanceof NumberPlan.Done d)) return error(ApiError.of(refusalOf(r.get())));
      directoryChanged.run();
      if (status.equals(StatusCodes.NO_CONTENT)) return complete(StatusCodes.NO_CONTENT);
      return complete(status, answer.apply(d.plan()), Jackson.marshaller(json));
    });
  }

  private <T> Route parse(java.util.function.Supplier<T> value, Function<T, Route> inner) {
    return withId(value, inner);
  }

  private Route outOfScope(String what) {
    return forbidden(what + " is outside the answering points you may manage");
  }
}
