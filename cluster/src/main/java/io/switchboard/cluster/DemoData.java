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
import io.switchboard.core.company.Company;
import io.switchboard.core.company.CompanyProfile;
import io.switchboard.core.company.Contact;
import io.switchboard.core.company.ContactId;
import io.switchboard.core.company.Redirect;
import io.switchboard.core.directory.AnsweringPointId;
import io.switchboard.core.directory.CompanyId;
import io.switchboard.core.engine.Engine;
import io.switchboard.core.instruction.FaqNode;
import io.switchboard.core.instruction.Handling;
import io.switchboard.core.instruction.PhoneTone;
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
import io.switchboard.core.template.GreetingTemplate;
import io.switchboard.core.user.Role;
import io.switchboard.core.user.User;
import io.switchboard.core.user.Users;
import io.switchboard.http.auth.PasswordHasher;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo centre a fresh node starts with: the answering point Nordic Answering serving Acme AB,
 * Globex Sverige AB and the answering-service client Lind &amp; Berg Advokatbyrå (a company card with
 * greeting, work instruction, FAQ and eight contacts, one of them at lunch), four queues with
 * different strategies, five agents, a number plan, and demo users (an admin, a supervisor, a
 * user per agent, a client user for the customer portal) with the passwords in README.md.
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
  /** Lind & Berg Advokatbyrå, the answering service's client: its calls ring the demo agents. */
  static final String LINDBERG = "+4685550500";
  static final CompanyId LINDBERG_ID = new CompanyId("lindberg");
  static final ZoneId ZONE = ZoneId.of("Europe/Stockholm");

  static final String ADMIN_PASSWORD = "demo-admin";
  static final String SUPERVISOR_PASSWORD = "demo-supervisor";
  static final String AGENT_PASSWORD = "demo-agent";
  static final String CLIENT_PASSWORD = "demo-client";

  private final ActorSystem<?> system;
  private final Engine engine;
  private final PasswordHasher hasher;

  DemoData(ActorSystem<?> system, Engine engine, PasswordHasher hasher) {
    this.system = system;
    this.engine = engine;
    this.hasher = hasher;
  }

  void loadIfEmpty() {
    NumberPlan.Reply plan;
    try {
      plan = StartupRead.ask(system, engine.refs().numberPlan(), NumberPlan.GetPlan::new);
    } catch (Exception e) {
      throw new IllegalStateException("demo data: " + e.getMessage(), e);
    }
    Users.Reply users = ask(Users.ref(system), Users.ListUsers::new);
    if (users instanceof Users.Listed listed && listed.users().isEmpty()) {
      loadUsers();
      log.info("demo users: admin / {}, supervisor sara / {}, agents anna, bertil, cecilia, david, eva / {}, "
          + "client (customer portal of Lind & Berg) / {}", ADMIN_PASSWORD, SUPERVISOR_PASSWORD, AGENT_PASSWORD,
          CLIENT_PASSWORD);
    }
    if (plan instanceof NumberPlan.Done done && !done.plan().entries().isEmpty()) {
      log.info("number plan has {} numbers: demo centre not loaded", done.plan().entries().size());
      return;
    }
    load();
    log.info("demo data loaded: call {} (Acme sales), {} (Acme VIP), {} (Acme support), {} (Globex), "
        + "{} (SIP account acme-md), {} (Lind & Berg, answering service)", ACME_SALES, ACME_VIP, ACME_SUPPORT, GLOBEX,
        ACME_DIRECT, LINDBERG);
  }

  private void load() {
    AnsweringPointId nordic = NORDIC;
    CompanyId acme = new CompanyId("acme");
    CompanyId globex = new CompanyId("globex");
    var plan = engine.refs().numberPlan();
    check(ask(plan, (ActorRef<NumberPlan.Reply> r) -> new NumberPlan.PutAnsweringPoint(nordic, "Nordic Answering Service", r)));
    check(ask(plan, (ActorRef<NumberPlan.Reply> r) -> new NumberPlan.PutCompany(acme, "Acme AB", nordic, r)));
    check(ask(plan, (ActorRef<NumberPlan.Reply> r) -> new NumberPlan.PutCompany(globex, "Globex Sverige AB", nordic, r)));
    check(ask(plan, (ActorRef<NumberPlan.Reply> r) ->
        new NumberPlan.PutCompany(LINDBERG_ID, "Lind & Berg Advokatbyrå", nordic, r)));

    CalendarId office = new CalendarId("office");
    check(ask(engine.refs().calendar(office), (ActorRef<Calendar.Reply> r) -> new Calendar.Define(
        CalendarDefinition.standard("Office hours", ZoneId.of("Europe/Stockholm"),
            WeeklyHours.weekdays(LocalTime.of(8, 0), LocalTime.of(17, 0))), r)));
    check(ask(plan, (ActorRef<NumberPlan.Reply> r) -> new NumberPlan.PutCalendar(office, "Office hours", r)));

    QueueId sales = new QueueId("acme-sales");
    QueueId support = new QueueId("acme-support");
    QueueId reception = new QueueId("globex-reception");
    QueueId lindberg = new QueueId("lindberg");
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
    // The answering service's control queue for Lind & Berg: the agent writes the note in wrap-up.
    queue(lindberg, QueueConfig.named("Lind & Berg (answering)")
        .withWrapUp(WrapUpPolicy.fixed(Duration.ofSeconds(60))));

    agent("anna", "Anna Andersson", new AnswerGroup(sales, 1), new AnswerGroup(support, 2), new AnswerGroup(lindberg, 1));
    agent("bertil", "Bertil Berg", new AnswerGroup(support, 1));
    agent("cecilia", "Cecilia Carlsson", new AnswerGroup(sales, 1), new AnswerGroup(reception, 1),
        new AnswerGroup(lindberg, 1));
    agent("david", "David Dahl", new AnswerGroup(reception, 1));
    agent("eva", "Eva Ek", new AnswerGroup(sales, 2), new AnswerGroup(support, 1), new AnswerGroup(reception, 2));

    number(ACME_SALES, nordic, acme, sales, 0);
    number(ACME_VIP, nordic, acme, sales, 5);
    number(ACME_SUPPORT, nordic, acme, support, 0);
    number(GLOBEX, nordic, globex, reception, 0);
    check(ask(plan, (ActorRef<NumberPlan.Reply> r) -> new NumberPlan.PutEntry(new NumberPlanEntry(ACME_DIRECT, nordic,
        acme, null, 0, new SipAccountTarget("acme-md", 20, null, "acme-md@example.com")), r)));
    number(LINDBERG, nordic, LINDBERG_ID, lindberg, 0);
    lindberg(office);
  }

  /**
   * Lind &amp; Berg's card (ANS-1…ANS-16): greeting with the caller's number, standard handling
   * "take a note", out-of-hours handling, FAQ, a CRM link, and eight contacts of which Karin Lind
   * is at lunch until later today.
   */
  private void lindberg(CalendarId office) {
    var company = engine.refs().company(LINDBERG_ID);
    List<FaqNode> faq = List.of(
        new FaqNode("new-client", "New clients", "Take name, number and the matter in one sentence; a lawyer calls "
            + "back within one working day. Never give legal advice.", List.of(
                new FaqNode("family", "Family law (divorce, inheritance)", "Note for Jonas Öberg.", null),
                new FaqNode("business", "Business law (contracts, companies)", "Note for Sofia Åström.", null))),
        new FaqNode("invoices", "Invoices and payments", "Transfer to Lena Holm (finance); if she is away, take a note "
            + "for her.", null),
        new FaqNode("court", "Court dates and urgent matters", "Transfer to the lawyer on the case; if away, to Per Berg.",
            null));
    check(ask(company, (ActorRef<Company.Reply> r) -> new Company.PutProfile(new CompanyProfile(
        new GreetingTemplate("Lind & Berg Advokatbyrå, good day! You are calling from {ANO}. How may I help you?"),
        "A law firm at Storgatan 12, Stockholm: business law and family law. Visits by appointment only. "
            + "Never give legal advice on the phone.",
        new Handling.Note("Take a message for the person asked for; promise a call back within the working day.",
            "new-client"),
        new Handling.Note("We are closed: take a message and tell the caller we open at 08:00 on weekdays.", null),
        "Mon–Fri 08:00–17:00", office, PhoneTone.FORMAL, null, faq, List.of("+4685550509"),
        List.of("https://crm.example.com/lookup?phone={ANO}&call={CALLID}")), r)));
    // An advertiser the firm does not take calls from (ANS-15): declined unanswered.
    check(ask(engine.refs().numberPlan(), (ActorRef<NumberPlan.Reply> r) -> new NumberPlan.PutBlockedCallers(
        LINDBERG_ID, new io.switchboard.core.numberplan.BlockedCallers(List.of("+4685550599"), null), r)));

    contact(company, "karin-lind", Contact.Kind.PERSON, "Karin Lind", "Managing partner", "Partners",
        "+4685550510", "karin.lind@example.com", "+46701550510", null);
    contact(company, "per-berg", Contact.Kind.PERSON, "Per Berg", "Partner", "Partners",
        "+4685550511", "per.berg@example.com", "+46701550511", null);
    contact(company, "sofia-astrom", Contact.Kind.PERSON, "Sofia Åström", "Associate", "Business law",
        "+4685550512", "sofia.astrom@example.com", null, null);
    contact(company, "jonas-oberg", Contact.Kind.PERSON, "Jonas Öberg", "Associate", "Family law",
        "+4685550513", "jonas.oberg@example.com", null, "Family law clients only: book a call-back, never transfer.");
    contact(company, "lena-holm", Contact.Kind.PERSON, "Lena Holm", "Accountant", "Finance",
        "+4685550514", "lena.holm@example.com", null, null);
    contact(company, "maria-nilsson", Contact.Kind.PERSON, "Maria Nilsson", "Office manager", "Reception",
        "+4685550515", "maria.nilsson@example.com", "+46701550515", null);
    contact(company, "erik-johansson", Contact.Kind.PERSON, "Erik Johansson", "IT support", "Administration",
        null, null, "+46701550516", "Reachable by SMS only.");
    contact(company, "reception", Contact.Kind.DEPARTMENT, "Reception", null, "Reception",
        "+4685550519", "reception@example.com", null, null);

    // Karin is at lunch until 13:00, or for two hours when 13:00 is (nearly) past.
    ZonedDateTime now = ZonedDateTime.now(ZONE);
    ZonedDateTime one = now.toLocalDate().atTime(13, 0).atZone(ZONE);
    Instant until = one.isAfter(now.plusMinutes(30)) ? one.toInstant() : now.plusHours(2).withSecond(0).withNano(0).toInstant();
    check(ask(company, (ActorRef<Company.Reply> r) -> new Company.SetRedirect(new ContactId("karin-lind"),
        new Redirect(Redirect.Reason.LUNCH, until, "Back after lunch; urgent matters to Per Berg.", "demo", Instant.now()),
        r)));
  }

  private void contact(RecipientRef<Company.Command> company, String id, Contact.Kind kind, String name, String title,
      String department, String phone, String email, String mobile, String handling) {
    Contact c = new Contact(new ContactId(id), kind, name, title, department, phone == null ? List.of() : List.of(phone),
        email, mobile, null, handling, null);
    check(ask(company, (ActorRef<Company.Reply> r) -> new Company.PutContact(c, r)));
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
    // The customer portal's demo user: Lind & Berg's office manager.
    user("client", "Maria Nilsson (Lind & Berg)", hasher.hash(CLIENT_PASSWORD), Set.of(Role.CLIENT), null,
        Set.of(LINDBERG_ID));
  }

  private void user(String username, String name, String hash, Set<Role> roles, AgentId agent) {
    user(username, name, hash, roles, agent, Set.of());
  }

  private void user(String username, String name, String hash, Set<Role> roles, AgentId agent, Set<CompanyId> companies) {
    Users.Reply reply = ask(Users.ref(system), (ActorRef<Users.Reply> r) ->
        new Users.CreateUser(new User(username, name, hash, roles, Set.of(), companies, agent, 0, null, null), r));
    // Nodes of a cluster started at once with demo data on may all find the centre empty and
    // load it together; the rest of the demo data is written by upserts, so only a user created
    // by another node first is refused, and that user is the one wanted.
    if (reply instanceof Users.Refused refused && refused.refusal().code() == Refusal.Code.CONFLICT) return;
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
        : reply instanceof Calendar.Refused r ? r.refusal()
        : reply instanceof Company.Refused r ? r.refusal() : null;
    if (refusal != null) throw new IllegalStateException("demo data refused: " + refusal.message());
  }
}
