package io.switchboard.http.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.calendar.Calendar;
import io.switchboard.core.company.Company;
import io.switchboard.core.company.CompanyCard;
import io.switchboard.core.company.CompanyProfile;
import io.switchboard.core.company.Contact;
import io.switchboard.core.company.Redirect;
import io.switchboard.core.directory.CompanyId;
import io.switchboard.core.engine.Engine;
import io.switchboard.core.instruction.WorkInstruction;
import io.switchboard.core.numberplan.NumberPlan;
import io.switchboard.core.routing.ContactSummary;
import io.switchboard.core.template.GreetingTemplate;
import io.switchboard.http.directory.DirectoryCache;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Everything the answering agent sees when a company's call rings (ANS-2, docs/agent-protocol.md
 * "screenPop"): the greeting from the template chain, the work instruction that applies now,
 * the staff with their redirects, the company's recent calls and its CRM links. One ask to the
 * company's card, one to its calendar and one read of the call log, all at once.
 */
public final class ScreenPop {

  /** The company's last calls, newest first: (company, how many) → rows. Null: none kept on this node. */
  @FunctionalInterface
  public interface History extends BiFunction<CompanyId, Integer, CompletionStage<List<RecentCall>>> {}

  public record RecentCall(String callId, Instant arrivedAt, String callerNumber, String outcome, String agent,
      Long talkMs) {}

  public static final int HISTORY = 10;
  /** The staff list travels whole so the desktop searches it without a round trip. */
  public static final int MAX_STAFF = 5000;

  private final ActorSystem<?> system;
  private final Engine engine;
  private final DirectoryCache directory;
  private final ObjectMapper json;
  private final Clock clock;
  private final Duration timeout;
  private final GreetingTemplate fallback;
  private volatile History history;

  public ScreenPop(ActorSystem<?> system, Engine engine, DirectoryCache directory, ObjectMapper json, Clock clock,
      Duration timeout, GreetingTemplate fallback) {
    this.system = system;
    this.engine = engine;
    this.directory = directory;
    this.json = json;
    this.clock = clock;
    this.timeout = timeout;
    this.fallback = fallback;
  }

  public void history(History h) {
    this.history = h;
  }

  /** The payload for a contact offered to an agent; completes with null for a call of no company. */
  public CompletionStage<ObjectNode> assemble(ContactSummary call, String agentId) {
    if (call.company() == null) return CompletableFuture.completedFuture(null);
    long started = System.nanoTime();
    CompanyId id = call.company();
    CompletableFuture<CompanyCard> card = AskPattern.<Company.Command, Company.Reply>ask(engine.refs().company(id),
            Company.GetCard::new, timeout, system.scheduler())
        .thenApply(r -> r instanceof Company.Done d ? d.card() : null).toCompletableFuture();
    CompletableFuture<NumberPlan.Plan> plan = directory.plan().toCompletableFuture();
    History h = history;
    CompletableFuture<List<RecentCall>> calls = h == null ? CompletableFuture.completedFuture(List.of())
        : h.apply(id, HISTORY).exceptionally(t -> List.of()).toCompletableFuture();
    CompletableFuture<Boolean> open = card.thenCompose(c -> c == null || c.profile().calendar() == null
        ? CompletableFuture.completedFuture((Boolean) null)
        : AskPattern.<Calendar.Command, Calendar.Reply>ask(engine.refs().calendar(c.profile().calendar()),
                r -> new Calendar.Evaluate(clock.instant(), r), timeout, system.scheduler())
            .thenApply(r -> r instanceof Calendar.Status s ? (Boolean) s.status().open() : null)
            .exceptionally(t -> null));
    return CompletableFuture.allOf(card, plan, calls, open).thenApply(v -> {
      ObjectNode pop = payload(call, agentId, card.join(), plan.join(), calls.join(), open.join());
      pop.put("assembledMicros", (System.nanoTime() - started) / 1000);
      return pop;
    });
  }

  ObjectNode payload(ContactSummary call, String agentId, CompanyCard card, NumberPlan.Plan plan,
      List<RecentCall> calls, Boolean open) {
    Instant now = clock.instant();
    NumberPlan.Company company = plan.companies().get(call.company());
    String companyName = company == null ? call.company().value() : company.name();
    CompanyProfile profile = card == null ? CompanyProfile.EMPTY : card.profile();
    // A call to a contact's direct number is for that contact; a caller on a staff number is staff.
    Contact dialled = card == null ? null : card.contactReachedOn(call.dialledNumber());
    Contact caller = card == null ? null : card.contactReachedOn(call.callerNumber());
    Redirect companyRedirect = card == null ? null : card.redirect();

    ObjectNode pop = json.createObjectNode()
        .put("callId", call.callId().value())
        .put("company", call.company().value())
        .put("companyName", companyName)
        .put("answeringPoint", call.answeringPoint() == null ? null : call.answeringPoint().value())
        .put("callerNumber", call.callerNumber())
        .put("dialledNumber", call.dialledNumber())
        .put("customerNumber", call.customerNumber());
    if (open != null) pop.put("open", open);
    else pop.putNull("open");

    GreetingTemplate template = GreetingTemplate.mostSpecific(dialled == null ? null : dialled.greeting(),
        profile.greeting(), fallback).orElse(null);
    pop.put("greeting", template == null ? null : template.render(new GreetingTemplate.Caller(call.callerNumber(),
        caller == null ? null : caller.name(), caller == null ? null : companyName)));
    pop.set("contact", dialled == null ? null : json.valueToTree(dialled.asOf(now)));
    pop.set("caller", caller == null ? null : json.valueToTree(caller.asOf(now)));

    WorkInstruction.Resolved instruction = WorkInstruction.resolve(profile, companyRedirect, dialled, now, open);
    pop.set("instruction", json.valueToTree(instruction));
    pop.set("faq", json.valueToTree(profile.faq()));
    pop.set("ownNumbers", json.valueToTree(io.switchboard.core.message.CallBackGuard.clientNumbers(plan,
        call.company(), profile)));

    List<Contact> staff = card == null ? List.of() : card.contacts().values().stream()
        .sorted(Comparator.comparing(Contact::name)).limit(MAX_STAFF).toList();
    // Written once with the frame, not copied into a tree of nodes first: a thousand contacts.
    pop.putPOJO("staff", staff.stream().map(c -> c.asOf(now)).toList());
    pop.put("staffTotal", card == null ? 0 : card.contacts().size());

    pop.set("history", json.valueToTree(calls));
    ArrayNode links = pop.putArray("links");
    for (String url : profile.screenPopUrls()) links.add(link(url, call, agentId));
    return pop;
  }

  /** A CRM URL with the call's codes filled in, each URL-encoded (ACD-13). */
  static String link(String template, ContactSummary call, String agentId) {
    return template
        .replace("{CUSTID}", enc(call.customerNumber()))
        .replace("{AID}", enc(agentId))
        .replace("{ANO}", enc(call.callerNumber()))
        .replace("{CALLID}", enc(call.callId().value()))
        .replace("{COMPANY}", enc(call.company() == null ? null : call.company().value()));
  }

  private static String enc(String v) {
    return v == null ? "" : URLEncoder.encode(v, StandardCharsets.UTF_8);
  }
}
