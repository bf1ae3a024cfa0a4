package io.switchboard.http.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.agent.Agent;
import io.switchboard.core.agent.AgentConfig;
import io.switchboard.core.agent.AgentId;
import io.switchboard.core.calendar.Calendar;
import io.switchboard.core.calendar.CalendarDefinition;
import io.switchboard.core.calendar.CalendarId;
import io.switchboard.core.call.CallId;
import io.switchboard.core.call.CallSession;
import io.switchboard.core.directory.AnsweringPointId;
import io.switchboard.core.directory.CompanyId;
import io.switchboard.core.engine.Engine;
import io.switchboard.core.engine.Notification;
import io.switchboard.core.numberplan.NumberPlan;
import io.switchboard.core.numberplan.NumberPlanEntry;
import io.switchboard.core.call.TransferTarget;
import io.switchboard.core.numberplan.SipAccountTarget;
import io.switchboard.core.queue.Queue;
import io.switchboard.core.queue.QueueConfig;
import io.switchboard.core.queue.QueueId;
import io.switchboard.core.routing.OfferId;
import io.switchboard.http.ApiError;
import io.switchboard.http.ApiRoutes;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.pubsub.Topic;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSource;

/**
 * Engine API v0 (docs/engine-api.md): drive the engine from outside until the real edge exists.
 * JSON in and out; every error is an {@link ApiError} naming the field at fault.
 */
public final class EngineApi extends ApiRoutes {

  private final Engine engine;
  private final Instant started = Instant.now();

  public EngineApi(ActorSystem<?> system, Engine engine, ObjectMapper json, Duration timeout) {
    super(system, json, timeout);
    this.engine = engine;
  }

  // ---------------------------------------------------------------- request bodies

  public record NewCall(String callId, String dialledNumber, String callerNumber, String menuChoice,
      String customerNumber) {}

  public record LoginRequest(String loginId, List<String> groups, Boolean ready) {}

  public record LoginRef(String loginId) {}

  public record PauseRequest(String loginId, String reason) {}

  public record EndCallRequest(String loginId, String callId) {}

  public record TransferRequest(String loginId, String callId, TransferTarget target) {}

  public record ConsultRequest(String loginId, String callId, String number) {}

  /** What a telephony edge reports on a consultation's leg to the number (ANS-4). */
  public record ConsultReport(String consultId, String reason) {
    public ConsultReport {
      if (consultId == null || consultId.isBlank()) throw new IllegalArgumentException("consultId is required");
    }
  }

  public record Named(String name) {}

  public record CompanyRequest(String name, String answeringPoint) {}

  /** {@code account}: instead of {@code queue}, the number rings a SIP account (ACD-1). */
  public record NumberRequest(String answeringPoint, String company, String queue, Integer priority,
      SipAccountTarget account) {}

  public record Health(String status, String node, String memberStatus, int members, long uptimeSeconds) {}

  // ---------------------------------------------------------------- routes

  public Route routes() {
    return handleExceptions(exceptions(), () -> handleRejections(rejections(), () ->
        withSizeLimit(MAX_BODY_BYTES, () -> pathPrefix("api", () -> pathPrefix("v0", this::v0)))));
  }

  /** The routes below {@code /api/v0}, for an edge that checks who calls first. */
  public Route v0() {
    return concat(
        path("health", () -> get(this::health)),
        path("events", () -> get(() -> parameterOptional("types", types ->
            parameterOptional("agents", agents -> parameterOptional("causes", causes ->
                parameterOptional("phases", phases -> events(types, agents, causes, phases))))))),
        pathPrefix("calls", this::calls),
        pathPrefix("agents", this::agents),
        pathPrefix("queues", this::queues),
        pathPrefix("calendars", this::calendars),
        pathPrefix("answering-points", this::answeringPoints),
        pathPrefix("companies", this::companies),
        pathPrefix("number-plan", this::numberPlan));
  }

  /** Health for load balancers and probes: no login needed. */
  public Route healthRoute() {
    return path("health", () -> get(this::health));
  }

  private Route health() {
    Cluster cluster = Cluster.get(system);
    var self = cluster.selfMember();
    Health h = new Health("UP", self.address().toString(), self.status().toString(),
        cluster.state().members().size(), Duration.between(started, Instant.now()).toSeconds());
    return ok(h);
  }

  private Route calls() {
    return concat(
        pathEndOrSingleSlash(() -> post(() -> body(NewCall.class, c -> {
          String id = c.callId() == null || c.callId().isBlank() ? UUID.randomUUID().toString() : c.callId();
          return withId(() -> new CallId(id), callId ->
              reply(this.<CallSession.Command, CallSession.Reply>ask(engine.refs().call(callId), r -> new CallSession.Arrive(c.dialledNumber(), c.callerNumber(),
                  c.menuChoice() == null ? "" : c.menuChoice(), c.customerNumber() == null ? "" : c.customerNumber(), r)),
                  StatusCodes.CREATED));
        }))),
        path(PathMatchers.segment(), id -> withId(() -> new CallId(id), callId ->
            get(() -> reply(this.<CallSession.Command, CallSession.Reply>ask(engine.refs().call(callId), CallSession.GetState::new), StatusCodes.OK)))),
        path(PathMatchers.segment().slash("hangup"), id -> withId(() -> new CallId(id), callId ->
            post(() -> reply(this.<CallSession.Command, CallSession.Reply>ask(engine.refs().call(callId), CallSession.Hangup::new), StatusCodes.OK)))),
        path(PathMatchers.segment().slash("consult-answered"), id -> withId(() -> new CallId(id), callId ->
            post(() -> body(ConsultReport.class, k -> reply(this.<CallSession.Command, CallSession.Reply>ask(
                engine.refs().call(callId), r -> new CallSession.ConsultLegAnswered(k.consultId(), r)), StatusCodes.OK))))),
        path(PathMatchers.segment().slash("consult-failed"), id -> withId(() -> new CallId(id), callId ->
            post(() -> body(ConsultReport.class, k -> reply(this.<CallSession.Command, CallSession.Reply>ask(
                engine.refs().call(callId), r -> new CallSession.ConsultLegFailed(k.consultId(), k.reason(), r)),
                StatusCodes.OK))))),
        path(PathMatchers.segment().slash("consult-ended"), id -> withId(() -> new CallId(id), callId ->
            post(() -> body(ConsultReport.class, k -> reply(this.<CallSession.Command, CallSession.Reply>ask(
                engine.refs().call(callId), r -> new CallSession.ConsultLegEnded(k.consultId(), r)), StatusCodes.OK))))));
  }

  private Route agents() {
    return pathPrefix(PathMatchers.segment(), id -> withId(() -> new AgentId(id), agentId -> {
      var agent = engine.refs().agent(agentId);
      return concat(
          pathEndOrSingleSlash(() -> concat(
              get(() -> agentReply(ask(agent, Agent.GetState::new))),
              put(() -> body(AgentConfig.class, cfg -> agentReply(ask(agent, r -> new Agent.Configure(cfg, r))))))),
          path("login", () -> post(() -> body(LoginRequest.class, l -> {
            String loginId = l.loginId() == null || l.loginId().isBlank() ? UUID.randomUUID().toString() : l.loginId();
            return withId(() -> l.groups() == null ? List.<QueueId>of() : l.groups().stream().map(QueueId::new).toList(),
                groups -> agentReply(ask(agent, r -> new Agent.Login(loginId, groups, l.ready() == null || l.ready(), r))));
          }))),
          path("logout", () -> post(() -> body(LoginRef.class, l -> agentReply(ask(agent, r -> new Agent.Logout(l.loginId(), r)))))),
          path("ready", () -> post(() -> body(LoginRef.class, l -> agentReply(ask(agent, r -> new Agent.SetReady(l.loginId(), r)))))),
          path("pause", () -> post(() -> body(PauseRequest.class, p ->
              agentReply(ask(agent, r -> new Agent.Pause(p.loginId(), p.reason(), r)))))),
          path("end-call", () -> post(() -> body(EndCallRequest.class, e ->
              withId(() -> e.callId() == null ? null : new CallId(e.callId()), callId ->
                  agentReply(ask(agent, r -> new Agent.EndCall(e.loginId(), callId, r))))))),
          path("transfer", () -> post(() -> body(TransferRequest.class, t ->
              withId(() -> t.callId() == null ? null : new CallId(t.callId()), callId ->
                  agentReply(ask(agent, r -> new Agent.Transfer(t.loginId(), callId, t.target(), r))))))),
          path("consult", () -> post(() -> body(ConsultRequest.class, k ->
              withId(() -> k.callId() == null ? null : new CallId(k.callId()), callId ->
                  agentReply(ask(agent, r -> new Agent.Consult(k.loginId(), callId, k.number(), r))))))),
          path("toggle", () -> post(() -> body(EndCallRequest.class, k ->
              withId(() -> k.callId() == null ? null : new CallId(k.callId()), callId ->
                  agentReply(ask(agent, r -> new Agent.Toggle(k.loginId(), callId, r))))))),
          path("complete-consult", () -> post(() -> body(EndCallRequest.class, k ->
              withId(() -> k.callId() == null ? null : new CallId(k.callId()), callId ->
                  agentReply(ask(agent, r -> new Agent.CompleteConsult(k.loginId(), callId, r))))))),
          path("cancel-consult", () -> post(() -> body(EndCallRequest.class, k ->
              withId(() -> k.callId() == null ? null : new CallId(k.callId()), callId ->
                  agentReply(ask(agent, r -> new Agent.CancelConsult(k.loginId(), callId, r))))))),
          path("wrap-up-done", () -> post(() -> body(LoginRef.class, l ->
              agentReply(ask(agent, r -> new Agent.EndWrapUp(l.loginId(), r)))))),
          path(PathMatchers.segment("offers").slash(PathMatchers.segment()).slash("accept"), offer ->
              post(() -> body(LoginRef.class, l -> withId(() -> new OfferId(offer), offerId ->
                  agentReply(ask(agent, r -> new Agent.AcceptOffer(l.loginId(), offerId, r))))))),
          path(PathMatchers.segment("offers").slash(PathMatchers.segment()).slash("decline"), offer ->
              post(() -> body(LoginRef.class, l -> withId(() -> new OfferId(offer), offerId ->
                  agentReply(ask(agent, r -> new Agent.DeclineOffer(l.loginId(), offerId, r))))))));
    }));
  }

  private Route queues() {
    return path(PathMatchers.segment(), id -> withId(() -> new QueueId(id), queueId -> {
      var queue = engine.refs().queue(queueId);
      return concat(
          get(() -> reply(this.<Queue.Command, Queue.Reply>ask(queue, Queue.GetState::new), StatusCodes.OK)),
          put(() -> body(QueueConfig.class, cfg -> reply(this.<Queue.Command, Queue.Reply>ask(queue, r -> new Queue.Configure(cfg, r)), StatusCodes.OK))));
    }));
  }

  private Route calendars() {
    return path(PathMatchers.segment(), id -> withId(() -> new CalendarId(id), calendarId -> {
      var calendar = engine.refs().calendar(calendarId);
      return concat(
          get(() -> reply(this.<Calendar.Command, Calendar.Reply>ask(calendar, Calendar.Get::new), StatusCodes.OK)),
          put(() -> body(CalendarDefinition.class, def ->
              reply(this.<Calendar.Command, Calendar.Reply>ask(calendar, r -> new Calendar.Define(def, r)), StatusCodes.OK))));
    }));
  }

  private Route answeringPoints() {
    return path(PathMatchers.segment(), id -> withId(() -> new AnsweringPointId(id), ap ->
        put(() -> body(Named.class, n ->
            reply(this.<NumberPlan.Command, NumberPlan.Reply>ask(engine.refs().numberPlan(), r -> new NumberPlan.PutAnsweringPoint(ap, n.name(), r)), StatusCodes.OK)))));
  }

  private Route companies() {
    return path(PathMatchers.segment(), id -> withId(() -> new CompanyId(id), company ->
        put(() -> body(CompanyRequest.class, c -> withId(
            () -> c.answeringPoint() == null ? null : new AnsweringPointId(c.answeringPoint()), ap ->
                reply(this.<NumberPlan.Command, NumberPlan.Reply>ask(engine.refs().numberPlan(), r -> new NumberPlan.PutCompany(company, c.name(), ap, r)),
                    StatusCodes.OK))))));
  }

  private Route numberPlan() {
    var plan = engine.refs().numberPlan();
    return concat(
        pathEndOrSingleSlash(() -> get(() -> reply(this.<NumberPlan.Command, NumberPlan.Reply>ask(plan, NumberPlan.GetPlan::new), StatusCodes.OK))),
        path(PathMatchers.segment(), dialled -> concat(
            put(() -> body(NumberRequest.class, n -> withId(
                () -> new NumberPlanEntry(dialled, n.answeringPoint() == null ? null : new AnsweringPointId(n.answeringPoint()),
                    n.company() == null ? null : new CompanyId(n.company()), n.queue() == null ? null : new QueueId(n.queue()),
                    n.priority() == null ? 0 : n.priority(), n.account()),
                entry -> reply(this.<NumberPlan.Command, NumberPlan.Reply>ask(plan, r -> new NumberPlan.PutEntry(entry, r)), StatusCodes.OK)))),
            delete(() -> reply(this.<NumberPlan.Command, NumberPlan.Reply>ask(plan, r -> new NumberPlan.RemoveEntry(dialled, r)), StatusCodes.OK)))));
  }

  /**
   * Live agent and call changes as Server-Sent Events. Filters (comma lists, all optional):
   * {@code types} agent,call; {@code agents} agent ids; {@code causes} agent change causes;
   * {@code phases} call phases. Filtered here, before anything is serialized.
   */
  private Route events(Optional<String> types, Optional<String> agents, Optional<String> causes,
      Optional<String> phases) {
    Set<String> wantedTypes = split(types.orElse("agent,call"));
    Set<String> wantedAgents = agents.map(EngineApi::split).orElse(Set.of());
    Set<String> wantedCauses = causes.map(EngineApi::split).orElse(Set.of());
    Set<String> wantedPhases = phases.map(EngineApi::split).orElse(Set.of());
    java.util.function.Predicate<Notification> wanted = n -> {
      if (n instanceof Notification.AgentChanged a)
        return wantedTypes.contains("agent")
            && (wantedAgents.isEmpty() || wantedAgents.contains(a.agentId().value()))
            && (wantedCauses.isEmpty() || wantedCauses.contains(a.cause()));
      if (n instanceof Notification.CallChanged c)
        return wantedTypes.contains("call") && (wantedPhases.isEmpty() || wantedPhases.contains(c.view().phase().name()));
      return wantedTypes.contains("queue");
    };
    Source<ServerSentEvent, NotUsed> source = ActorSource.<Notification>actorRef(
            n -> false, n -> Optional.empty(), 100_000, OverflowStrategy.fail())
        .mapMaterializedValue(ref -> {
          engine.notifications().tell(Topic.subscribe(ref));
          return NotUsed.getInstance();
        })
        .filter(wanted::test)
        .map(n -> ServerSentEvent.create(json.writeValueAsString(n), n instanceof Notification.AgentChanged ? "agent"
            : n instanceof Notification.CallChanged ? "call" : "queue"))
        .keepAlive(Duration.ofSeconds(10), ServerSentEvent::heartbeat);
    return completeOK(source, EventStreamMarshalling.toEventStream());
  }

  private static Set<String> split(String csv) {
    return Arrays.stream(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toSet());
  }


  private Route agentReply(CompletionStage<Agent.Reply> reply) {
    return reply(reply, StatusCodes.OK);
  }

}
