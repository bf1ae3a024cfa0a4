package io.switchboard.cluster;

import io.switchboard.core.Refusal;
import io.switchboard.core.agent.Agent;
import io.switchboard.core.agent.AgentConfig;
import io.switchboard.core.agent.AgentId;
import io.switchboard.core.agent.AnswerGroup;
import io.switchboard.core.calendar.Calendar;
import io.switchboard.core.calendar.CalendarDefinition;
import io.switchboard.core.calendar.CalendarId;
import io.switchboard.core.calendar.WeeklyHours;
import io.switchboard.core.directory.AnsweringPointId;
import io.switchboard.core.directory.CompanyId;
import io.switchboard.core.engine.Engine;
import io.switchboard.core.numberplan.NumberPlan;
import io.switchboard.core.numberplan.NumberPlanEntry;
import io.switchboard.core.numberplan.SipAccountTarget;
import io.switchboard.core.queue.ClosedAction;
import io.switchboard.core.queue.OverflowTarget;
import io.switchboard.core.queue.Queue;
import io.switchboard.core.queue.QueueConfig;
import io.switchboard.core.queue.QueueId;
import io.switchboard.core.routing.Strategy;
import io.switchboard.core.routing.WrapUpPolicy;
import io.switchboard.core.user.Role;
import io.switchboard.core.user.User;
import io.switchboard.core.user.Users;
import io.switchboard.http.auth.PasswordHasher;
import java.util.Set;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo centre a fresh node starts with: the answering point Nordic Answering serving Acme AB
 * and Globex Sverige AB, three queues with different strategies, five agents, a number plan,
 * and demo users (an admin, a supervisor, a user per agent) with the passwords in README.md.
 */
final class DemoData {
  private static final Logger log = LoggerFactory.getLogger(DemoData.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  static final AnsweringPointId NORDIC = new AnsweringPointId("nordic");
  static final String ACME_SALES = "+4685550100";
  static final String ACME_VIP = "+4685550199";
  static final String ACME_SUPPORT = "+4685550200";
  static final String GLOBEX = "+4685550300";
  /** Acme's managing director's own phone (a SIP account), voicemail when it is not answered. */
  static final String ACME_DIRECT = "+4685550400";

  static final String ADMIN_PASSWORD = "demo-admin";
  static final String SUPERVISOR_PASSWORD = "demo-supervisor";
  static final String AGENT_PASSWORD = "demo-agent";

  private final ActorSystem<?> system;
  private final Engine engine;
  private final PasswordHasher hasher;

  DemoData(ActorSystem<?> system, Engine engine, PasswordHasher hasher) {
    this.system = system;
    this.engine = engine;
    this.hasher = hasher;
  }

  void loadIfEmpty() {
    NumberPlan.Reply plan = ask(engine.refs().numberPlan(), NumberPlan.GetPlan::new);
    Users.Reply users = ask(Users.ref(system), Users.ListUsers::new);
    if (users instanceof Users.Listed listed && listed.users().isEmpty()) {
      loadUsers();
      log.info("demo users: admin / {}, supervisor sara / {}, agents anna, bertil, cecilia, david, eva / {}",
          ADMIN_PASSWORD, SUPERVISOR_PASSWORD, AGENT_PASSWORD);
    }
    if (plan instanceof NumberPlan.Done done && !done.plan().entries().isEmpty()) {
      log.info("number plan has {} numbers: demo centre not loaded", done.plan().entries().size());
      return;
    }
    load();
    log.info("demo data loaded: call {} (Acme sales), {} (Acme VIP), {} (Acme support), {} (Globex), "
        + "{} (SIP account acme-md)", ACME_SALES, ACME_VIP, ACME_SUPPORT, GLOBEX, ACME_DIRECT);
  }

  private void load() {
    AnsweringPointId nordic = NORDIC;
    CompanyId acme = new CompanyId("acme");
    CompanyId globex = new CompanyId("globex");
    var plan = engine.refs().numberPlan();
    check(ask(plan, (ActorRef<NumberPlan.Reply> r) -> new NumberPlan.PutAnsweringPoint(nordic, "Nordic Answering Service", r)));
    check(ask(plan, (ActorRef<NumberPlan.Reply> r) -> new NumberPlan.PutCompany(acme, "Acme AB", nordic, r)));
    check(ask(plan, (ActorRef<NumberPlan.Reply> r) -> new NumberPlan.PutCompany(globex, "Globex Sverige AB", nordic, r)));

    CalendarId office = new CalendarId("office");
    check(ask(engine.refs().calendar(office), (ActorRef<Calendar.Reply> r) -> new Calendar.Define(
        CalendarDefinition.standard("Office hours", ZoneId.of("Europe/Stockholm"),
            WeeklyHours.weekdays(LocalTime.of(8, 0), LocalTime.of(17, 0))), r)));
    check(ask(plan, (ActorRef<NumberPlan.Reply> r) -> new NumberPlan.PutCalendar(office, "Office hours", r)));

    QueueId sales = new QueueId("acme-sales");
    QueueId support = new QueueId("acme-support");
    QueueId reception = new QueueId("globex-reception");
    queue(sales, QueueConfig.named("Acme sales")
        .withWrapUp(WrapUpPolicy.fixed(Duration.ofSeconds(15))));
    queue(support, QueueConfig.named("Acme support")
        .withStrategy(Strategy.SKILLS).withTierDelay(Duration.ofSeconds(30))
        .withCalendar(office, new ClosedAction.NightMessage("acme-support-closed"))
        .withMaxWait(Duration.ofMinutes(2), new OverflowTarget.ToQueue(sales))
        .withWrapUp(WrapUpPolicy.agentEnded()));
    queue(reception, QueueConfig.named("Globex reception")
        .withStrategy(Strategy.RING_ALL)
        .withOfferTimeout(Duration.ofSeconds(15), false)
        .withMaxWait(Duration.ofSeconds(90), new OverflowTarget.Close(new ClosedAction.Voicemail("globex"))));

    agent("anna", "Anna Andersson", new AnswerGroup(sales, 1), new AnswerGroup(support, 2));
    agent("bertil", "Bertil Berg", new AnswerGroup(support, 1));
    agent("cecilia", "Cecilia Carlsson", new AnswerGroup(sales, 1), new AnswerGroup(reception, 1));
    agent("david", "David Dahl", new AnswerGroup(reception, 1));
    agent("eva", "Eva Ek", new AnswerGroup(sales, 2), new AnswerGroup(support, 1), new AnswerGroup(reception, 2));

    number(ACME_SALES, nordic, acme, sales, 0);
    number(ACME_VIP, nordic, acme, sales, 5);
    number(ACME_SUPPORT, nordic, acme, support, 0);
    number(GLOBEX, nordic, globex, reception, 0);
    check(ask(plan, (ActorRef<NumberPlan.Reply> r) -> new NumberPlan.PutEntry(new NumberPlanEntry(ACME_DIRECT, nordic,
        acme, null, 0, new SipAccountTarget("acme-md", 20, null, "acme-md@example.com")), r)));
  }

  private void queue(QueueId id, QueueConfig config) {
    check(ask(engine.refs().queue(id), (ActorRef<Queue.Reply> r) -> new Queue.Configure(config, r)));
    check(ask(engine.refs().numberPlan(), (ActorRef<NumberPlan.Reply> r) ->
        new NumberPlan.PutQueue(id, config.name(), NORDIC, r)));
  }

  private void agent(String id, String name, AnswerGroup... groups) {
    check(ask(engine.refs().agent(new AgentId(id)), (ActorRef<Agent.Reply> r) ->
        new Agent.Configure(AgentConfig.of(name, groups), r)));
    check(ask(engine.refs().numberPlan(), (ActorRef<NumberPlan.Reply> r) -> new NumberPlan.PutAgent(new AgentId(id), name,
        java.util.Arrays.stream(groups).map(AnswerGroup::queue).toList(), r)));
  }

  private void loadUsers() {
    user("admin", "Demo Admin", hasher.hash(ADMIN_PASSWORD), Set.of(Role.ADMIN), null);
    user("sara", "Sara Supervisor", hasher.hash(SUPERVISOR_PASSWORD), Set.of(Role.SUPERVISOR), null);
    String agentHash = hasher.hash(AGENT_PASSWORD);
    for (String[] a : new String[][] {{"anna", "Anna Andersson"}, {"bertil", "Bertil Berg"},
        {"cecilia", "Cecilia Carlsson"}, {"david", "David Dahl"}, {"eva", "Eva Ek"}})
      user(a[0], a[1], agentHash, Set.of(Role.AGENT), new AgentId(a[0]));
  }

  private void user(String username, String name, String hash, Set<Role> roles, AgentId agent) {
    Users.Reply reply = ask(Users.ref(system), (ActorRef<Users.Reply> r) ->
        new Users.CreateUser(new User(username, name, hash, roles, Set.of(), Set.of(), agent, 0, null, null), r));
    if (reply instanceof Users.Refused refused) throw new IllegalStateException("demo data refused: " + refused.refusal().message());
  }

  private void number(String dialled, AnsweringPointId ap, CompanyId company, QueueId queue, int priority) {
    check(ask(engine.refs().numberPlan(), (ActorRef<NumberPlan.Reply> r) ->
        new NumberPlan.PutEntry(new NumberPlanEntry(dialled, ap, company, queue, priority), r)));
  }

  private <Req, Res> Res ask(RecipientRef<Req> target, Function<ActorRef<Res>, Req> request) {
    try {
      return AskPattern.ask(target, request::apply, TIMEOUT, system.scheduler())
          .toCompletableFuture().get(TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("demo data: " + target + " did not answer", e);
    }
  }

  private static void check(Object reply) {
    Refusal refusal = reply instanceof Agent.Refused r ? r.refusal()
        : reply instanceof Queue.Refused r ? r.refusal()
        : reply instanceof NumberPlan.Refused r ? r.refusal()
        : reply instanceof Calendar.Refused r ? r.refusal() : null;
    if (refusal != null) throw new IllegalStateException("demo data refused: " + refusal.message());
  }
}
