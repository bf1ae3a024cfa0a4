package io.switchboard.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.http.statistics.StatisticsApi;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import io.switchboard.persistence.statistics.StatisticsProjections;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import io.switchboard.core.engine.Engine;
import io.switchboard.core.engine.EngineSettings;
import io.switchboard.core.report.ReportScheduler;
import io.switchboard.core.user.Role;
import io.switchboard.http.admin.AdminApi;
import io.switchboard.http.agent.AgentConnection;
import io.switchboard.http.agent.AgentFeeds;
import io.switchboard.http.auth.AuthSettings;
import io.switchboard.http.auth.Authenticator;
import io.switchboard.http.auth.PasswordHasher;
import io.switchboard.http.auth.Principal;
import io.switchboard.http.auth.SecuredRoutes;
import io.switchboard.http.directory.DirectoryCache;
import io.switchboard.http.engine.EngineApi;
import io.switchboard.http.report.ReportApi;
import io.switchboard.http.soundfile.SoundFileApi;
import io.switchboard.http.soundfile.SoundFileStore;
import io.switchboard.http.wallboard.WallboardHub;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpCookie;
import org.apache.pekko.http.javadsl.model.headers.SameSite;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSink;
import org.apache.pekko.stream.typed.javadsl.ActorSource;

/**
 * The node's HTTP edge: web pages, sessions, the REST API v1, the agent and wallboard sockets,
 * and the engine API v0 for admins. Everything but the pages, the API description, health and
 * the login itself needs a session.
 */
public final class Edge extends SecuredRoutes {

  /** The largest text frame a socket reads; bigger ones get an error frame. */
  public static final int MAX_FRAME_CHARS = 16 * 1024;

  private final EngineApi engineApi;
  private final AdminApi adminApi;
  private final ActorRef<AgentFeeds.Command> feeds;
  private final ActorRef<WallboardHub.Command> wallboards;
  private final AgentConnection.Deps agentDeps;
  private final DirectoryCache directory;
  /** Set once the node runs the report scheduler; null: report subscriptions answer 503. */
  private volatile ReportApi reportApi;
  private final SoundFileApi soundFiles;
  private final io.switchboard.http.agent.ScreenPop screenPop;
  private final io.switchboard.http.company.CompanyCardApi companyCards;
  private final io.switchboard.http.message.MessageApi messages;
  private final io.switchboard.http.company.CompanyCallsApi companyCalls;
  private final io.switchboard.http.company.DirectorySearchApi directorySearch;
  private final StatisticsApi statisticsApi;
  private final PrometheusMeterRegistry metrics;

  public record Login(String username, String password) {}

  public Edge(ActorSystem<?> system, Engine engine, Config config, Clock clock) {
    this(system, engine, config, clock, null, null);
  }

  /**
   * With the statistics read side ({@code statistics} null: this node answers statistics with
   * 503) and a Prometheus registry for {@code /metrics} (null: none).
   */
  public Edge(ActorSystem<?> system, Engine engine, Config config, Clock clock, StatisticsProjections statistics,
      PrometheusMeterRegistry metrics) {
    this(system, engine, config, clock, JsonMapper.create(), statistics, metrics);
  }

  private Edge(ActorSystem<?> system, Engine engine, Config config, Clock clock, ObjectMapper json,
      StatisticsProjections statistics, PrometheusMeterRegistry metrics) {
    super(system, json, config.getDuration("switchboard.http.ask-timeout"), authenticator(system, config, clock));
    this.metrics = metrics;
    this.directory = new DirectoryCache(system, engine, timeout);
    this.statisticsApi = statistics == null ? null
        : new StatisticsApi(system, json, timeout, auth, directory, statistics, clock);
    this.engineApi = new EngineApi(system, engine, json, timeout);
    this.feeds = system.systemActorOf(AgentFeeds.create(engine.notifications()), "agent-feeds", Props.empty());
    EngineSettings settings = engine.context().settings();
    this.wallboards = system.systemActorOf(
        WallboardHub.create(engine, directory, json, clock, settings.timeZone(), timeout, auth::stillValid,
            statisticsApi == null ? null : statisticsApi::todayByQueue), "wallboards",
        Props.empty());
    this.adminApi = new AdminApi(system, engine, json, timeout, auth, directory, this::directoryChanged);
    this.soundFiles = new SoundFileApi(system, json, timeout, auth, directory,
        new SoundFileStore(java.nio.file.Path.of(config.getString("switchboard.sound-files.directory")), json),
        config.getString("switchboard.sound-files.sox"), clock);
    this.companyCards = new io.switchboard.http.company.CompanyCardApi(system, engine, json, timeout, auth, directory,
        clock);
    this.messages = new io.switchboard.http.message.MessageApi(system, engine, json, timeout, auth, directory, clock);
    this.companyCalls = new io.switchboard.http.company.CompanyCallsApi(system, json, timeout, auth, directory, clock);
    this.directorySearch = new io.switchboard.http.company.DirectorySearchApi(system, json, timeout, auth, directory,
        clock);
    io.switchboard.core.message.Message.init(system, clock,
        io.switchboard.http.message.MessageChannels.fromConfig(system, config, settings.timeZone()),
        new io.switchboard.core.message.Message.Settings(config.getDurationList("switchboard.answering.message-retry-delays")));
    this.screenPop = new io.switchboard.http.agent.ScreenPop(system, engine, directory, json, clock, timeout,
        new io.switchboard.core.template.GreetingTemplate(config.getString("switchboard.answering.default-greeting")));
    if (statisticsApi != null) {
      screenPop.history(statisticsApi::recentCalls);
      messages.reader(statisticsApi.reader());
      companyCalls.reader(statisticsApi.reader());
      directorySearch.reader(statisticsApi.reader());
    }
    this.agentDeps = new AgentConnection.Deps(engine, feeds, directory, json, clock, timeout,
        settings.heartbeatInterval(), auth::stillValid, screenPop);
  }

  private static Authenticator authenticator(ActorSystem<?> system, Config config, Clock clock) {
    AuthSettings settings = AuthSettings.from(config);
    return new Authenticator(system, settings, new PasswordHasher(settings.bcryptCost()), clock,
        config.getDuration("switchboard.http.ask-timeout"));
  }

  public Authenticator authenticator() {
    return auth;
  }

  /** Serves {@code /api/v1/report-subscriptions} through the scheduler ({@code ReportScheduler.init}). */
  /** Mailed reports from this node's statistics read side; null when it has none. */
  public io.switchboard.http.report.ReportRenderer reportRenderer() {
    if (statisticsApi == null) return null;
    return new io.switchboard.http.report.StatisticsReportRenderer(statisticsApi.reader(),
        () -> directory.plan().toCompletableFuture().join(), statisticsApi.slices(), this::answeringPointsOf);
  }

  /** The answering points a user may see (empty: all); a user gone sees nothing of anything. */
  private java.util.Set<String> answeringPointsOf(String username) {
    Object reply = AskPattern.<io.switchboard.core.user.Users.Command, io.switchboard.core.user.Users.Reply>ask(
            io.switchboard.core.user.Users.ref(system),
            r -> new io.switchboard.core.user.Users.GetUser(username, r), timeout, system.scheduler())
        .toCompletableFuture().join();
    if (!(reply instanceof io.switchboard.core.user.Users.Found f))
      throw new IllegalStateException("the report's owner " + username + " is gone");
    return f.user().answeringPoints().stream().map(io.switchboard.core.directory.AnsweringPointId::value)
        .collect(java.util.stream.Collectors.toSet());
  }

  public void reportSubscriptions(ActorRef<ReportScheduler.Command> scheduler) {
    this.reportApi = new ReportApi(system, json, timeout, auth, directory, scheduler);
  }

  private Route reports(Principal p) {
    ReportApi api = reportApi;
    if (api != null) return api.routes(p);
    return pathPrefix("report-subscriptions", () -> error(ApiError.of(StatusCodes.SERVICE_UNAVAILABLE,
        "report subscriptions are not running on this node", null)));
  }

  /** The directory was written around the API (demo data, an import): read it again now. */
  public void directoryChanged() {
    directory.invalidate();
    wallboards.tell(new WallboardHub.DirectoryChanged());
  }

  public Route routes() {
    return handleExceptions(exceptions(), () -> handleRejections(rejections(), () ->
        withSizeLimit(MAX_BODY_BYTES, () -> concat(
            pathPrefix("api", () -> concat(
                path("openapi.json", () -> get(() -> getFromResource("openapi.json"))),
                pathPrefix("v0", () -> concat(
                    engineApi.healthRoute(),
                    authenticated(p -> p.has(Role.ADMIN) && !p.scoped() ? engineApi.v0()
                        : forbidden("the engine API v0 needs the role admin for every answering point")))),
                pathPrefix("v1", () -> concat(
                    // Its rejections are answered here: a bad login body is a 400, not "sign in first".
                    path("session", () -> handleRejections(rejections(), this::session)),
                    path(PathMatchers.segment("agent").slash("ws"), () -> authenticated(this::agentSocket)),
                    path(PathMatchers.segment("wallboard").slash("ws"), () -> authenticated(this::wallboardSocket)),
                    authenticated(p -> concat(statistics(p), reports(p), soundFiles.routes(p),
                        pathPrefix("companies", () -> companyCards.routes(p)), messages.routes(p),
                        companyCalls.routes(p),
                        directorySearch.routes(p), adminApi.routes(p))))))),
            path("metrics", () -> get(this::metrics)),
            pathPrefix("webjars", () -> getFromResourceDirectory("META-INF/resources/webjars")),
            pathEndOrSingleSlash(() -> getFromResource("web/index.html")),
            getFromResourceDirectory("web")))));
  }

  private Route statistics(Principal p) {
    if (statisticsApi != null) return statisticsApi.routes(p);
    return pathPrefix("statistics", () -> error(ApiError.of(StatusCodes.SERVICE_UNAVAILABLE,
        "statistics are not running on this node", null)));
  }

  /** Prometheus text format: projection lag and whatever else is registered. */
  private Route metrics() {
    if (metrics == null) return notFound("metrics: none are kept on this node");
    return complete(org.apache.pekko.http.javadsl.model.HttpEntities.create(
        org.apache.pekko.http.javadsl.model.ContentTypes.TEXT_PLAIN_UTF8, metrics.scrape()));
  }

  // ---------------------------------------------------------------- sessions

  private Route session() {
    return concat(
        post(() -> body(Login.class, l -> {
          if (l.username() == null || l.username().isBlank()) return error(ApiError.of(StatusCodes.BAD_REQUEST, "username is required", "username"));
          if (l.password() == null || l.password().isEmpty()) return error(ApiError.of(StatusCodes.BAD_REQUEST, "password is required", "password"));
          return onComplete(auth.login(l.username().strip().toLowerCase(java.util.Locale.ROOT), l.password()), r -> {
            if (r.isFailure()) return unavailable();
            if (r.get() instanceof Authenticator.SignedIn s)
              return setCookie(cookie(s.token(), auth.settings().sessionTtl()), () ->
                  ok(new SessionView(s.token(), s.principal().expiresAt().toString(), UserInfo.of(s.principal()))));
            if (r.get() instanceof Authenticator.Locked locked)
              return complete(StatusCodes.UNAUTHORIZED, new LockedError(401, "account locked", null,
                  Math.max(1, Duration.between(java.time.Instant.now(), locked.until()).toSeconds())), Jackson.marshaller(json));
            return unauthorized("invalid username or password");
          });
        })),
        get(() -> authenticated(p -> ok(UserInfo.of(p)))),
        delete(() -> authenticated(p -> onComplete(auth.logout(p), r -> {
          // This node's sockets of the session close now; other nodes' at their next check.
          feeds.tell(new AgentFeeds.SessionEnded(p.sessionId()));
          wallboards.tell(new WallboardHub.SessionEnded(p.sessionId()));
          return setCookie(cookie("", Duration.ZERO), () -> complete(StatusCodes.NO_CONTENT));
        }))));
  }

  /** The signed-in user; {@code companies} are a client user's own companies (customer portal), empty for staff. */
  public record UserInfo(String username, String name, java.util.Set<Role> roles,
      java.util.Set<io.switchboard.core.directory.AnsweringPointId> answeringPoints,
      io.switchboard.core.agent.AgentId agentId,
      java.util.SortedSet<io.switchboard.core.directory.CompanyId> companies) {
    static UserInfo of(Principal p) {
      return new UserInfo(p.user().username(), p.user().name(), p.user().roles(), p.user().answeringPoints(), p.agentId(),
          new java.util.TreeSet<>(p.user().companies()));
    }
  }

  public record SessionView(String token, String expiresAt, UserInfo user) {}

  public record LockedError(int status, String error, String field, long retryAfterSeconds) {}

  private HttpCookie cookie(String token, Duration ttl) {
    return HttpCookie.create(AuthSettings.COOKIE, token)
        .withPath("/")
        .withHttpOnly(true)
        .withSecure(auth.settings().secureCookie())
        .withSameSite(SameSite.Strict)
        .withMaxAge(ttl.toSeconds());
  }

  // ---------------------------------------------------------------- sockets

  private Route agentSocket(Principal p) {
    if (!p.has(Role.AGENT) || p.agentId() == null) return forbidden("the agent socket needs the role agent");
    return extractRequest(request -> !originAllowed(request) ? forbidden("sockets from this origin are not allowed")
        // The connection's actor is made only for a real upgrade, not for any GET on the path.
        : extractWebSocketUpgrade(upgrade -> complete(upgrade.handleMessagesWith(agentFlow(p)))));
  }

  private Flow<Message, Message, NotUsed> agentFlow(Principal p) {
    String connectionId = UUID.randomUUID().toString();
    ActorRef<AgentConnection.Command> connection = system.systemActorOf(
        AgentConnection.create(p, connectionId, agentDeps), "agent-socket-" + connectionId, Props.empty());
    Source<Message, NotUsed> out = ActorSource.<AgentConnection.Out>actorRef(
            o -> o instanceof AgentConnection.Close, o -> Optional.empty(), 4096, OverflowStrategy.fail())
        .mapMaterializedValue(ref -> {
          connection.tell(new AgentConnection.Attach(ref));
          return NotUsed.getInstance();
        })
        .filter(o -> o instanceof AgentConnection.Frame)
        .map(o -> (Message) TextMessage.create(((AgentConnection.Frame) o).json()));
    Sink<Message, NotUsed> in = Flow.<Message>create()
        .mapAsync(1, m -> read(m).thenApply(t -> t.text() != null
            ? (AgentConnection.Command) new AgentConnection.Inbound(t.text())
            : new AgentConnection.BadInbound(t.error())))
        .to(ActorSink.actorRef(connection, new AgentConnection.Closed(), t -> new AgentConnection.Closed()));
    return Flow.fromSinkAndSourceCoupled(in, out);
  }

  private Route wallboardSocket(Principal p) {
    if (!p.has(Role.SUPERVISOR, Role.ADMIN)) return forbidden("the wallboard needs the role supervisor or admin");
    return extractRequest(request -> !originAllowed(request) ? forbidden("sockets from this origin are not allowed")
        : extractWebSocketUpgrade(upgrade -> complete(upgrade.handleMessagesWith(wallboardFlow(p)))));
  }

  private Flow<Message, Message, NotUsed> wallboardFlow(Principal p) {
    AtomicReference<ActorRef<WallboardHub.Out>> socket = new AtomicReference<>();
    Source<Message, NotUsed> out = ActorSource.<WallboardHub.Out>actorRef(
            o -> o instanceof WallboardHub.Close, o -> Optional.empty(), 16_384, OverflowStrategy.fail())
        .mapMaterializedValue(ref -> {
          socket.set(ref);
          wallboards.tell(new WallboardHub.Subscribe(ref, p));
          return NotUsed.getInstance();
        })
        .filter(o -> o instanceof WallboardHub.Frame)
        .map(o -> (Message) TextMessage.create(((WallboardHub.Frame) o).json()));
    Sink<Message, NotUsed> in = Flow.<Message>create()
        .mapAsync(1, this::read)
        .to(Sink.foreach(t -> {
          ActorRef<WallboardHub.Out> ref = socket.get();
          if (ref == null) return;
          com.fasterxml.jackson.databind.JsonNode frame = t.text() == null ? null : jsonObject(t.text());
          String bad = t.text() == null ? t.error() : frame == null ? "a frame must be a JSON object" : null;
          if (bad == null && "ping".equals(frame.path("type").asText())) {
            wallboards.tell(new WallboardHub.Ping(ref));
          } else {
            String why = bad != null ? bad : "the wallboard feed only takes {\"type\":\"ping\"}";
            ref.tell(new WallboardHub.Frame(json.createObjectNode().put("type", "error")
                .put("code", bad != null ? "bad-frame" : "unknown-type").put("message", why).toString()));
          }
        }));
    return Flow.fromSinkAndSourceCoupled(in, out);
  }

  /** The frame as a JSON object, or null when it is not one. */
  private com.fasterxml.jackson.databind.JsonNode jsonObject(String text) {
    try {
      var node = json.readTree(text);
      return node != null && node.isObject() ? node : null;
    } catch (Exception e) {
      return null;
    }
  }

  /** A frame's text, or why it is refused. Oversized and binary frames are read to the end and dropped. */
  private record Read(String text, String error) {}

  private CompletionStage<Read> read(Message m) {
    if (!m.isText()) {
      return m.asBinaryMessage().getStreamedData().runWith(Sink.ignore(), system)
          .thenApply(d -> new Read(null, "binary frames are not supported; send JSON text"));
    }
    TextMessage t = m.asTextMessage();
    if (t.isStrict()) return CompletableFuture.completedFuture(checked(t.getStrictText()));
    return t.getStreamedText()
        .runFold(new StringBuilder(), (sb, chunk) -> sb.length() > MAX_FRAME_CHARS ? sb : sb.append(chunk), system)
        .thenApply(sb -> checked(sb.toString()));
  }

  private static Read checked(String text) {
    if (text.length() > MAX_FRAME_CHARS) return new Read(null, "frame over " + MAX_FRAME_CHARS + " characters");
    return new Read(text, null);
  }
}
