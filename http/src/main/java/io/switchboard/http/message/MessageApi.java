package io.switchboard.http.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.call.CallId;
import io.switchboard.core.company.Company;
import io.switchboard.core.company.CompanyCard;
import io.switchboard.core.company.Contact;
import io.switchboard.core.company.ContactId;
import io.switchboard.core.directory.CompanyId;
import io.switchboard.core.engine.Engine;
import io.switchboard.core.message.CallBackGuard;
import io.switchboard.core.message.CallNote;
import io.switchboard.core.message.Channel;
import io.switchboard.core.message.Message;
import io.switchboard.core.message.MessageId;
import io.switchboard.core.message.TakenMessage;
import io.switchboard.core.numberplan.NumberPlan;
import io.switchboard.core.user.Role;
import io.switchboard.http.ApiError;
import io.switchboard.http.auth.Authenticator;
import io.switchboard.http.auth.Principal;
import io.switchboard.http.auth.SecuredRoutes;
import io.switchboard.http.directory.DirectoryCache;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * REST API v1 for message taking (ANS-6, docs/rest-api.md "Messages"): an agent sends the call
 * note, the {@link Message} entity mails and texts it to the contact until they took it. The
 * call-back number may not be one of the client's own numbers (ANS-16).
 */
public final class MessageApi extends SecuredRoutes {

  private static final Set<String> FIELDS = Set.of("id", "callId", "company", "contact", "channels", "callerName",
      "callerNumber", "callerCompany", "text", "callBack");

  private final Engine engine;
  private final DirectoryCache directory;
  private final Clock clock;

  public MessageApi(ActorSystem<?> system, Engine engine, ObjectMapper json, Duration timeout, Authenticator auth,
      DirectoryCache directory, Clock clock) {
    super(system, json, timeout, auth);
    this.engine = engine;
    this.directory = directory;
    this.clock = clock;
  }

  private volatile io.switchboard.persistence.statistics.StatisticsReader reader;

  /** Lists companies' messages from this read side; without one the list answers 503. */
  public void reader(io.switchboard.persistence.statistics.StatisticsReader reader) {
    this.reader = reader;
  }

  public static final int MAX_LIST = 500;

  /** Routes under {@code /api/v1}. */
  public Route routes(Principal p) {
    return concat(
        pathPrefix("messages", () -> concat(
            pathEndOrSingleSlash(() -> post(() -> taking(p, () -> tree(node -> only(node, FIELDS, () -> take(p, node)))))),
            path(PathMatchers.segment(), raw -> withId(() -> new MessageId(raw), id -> get(() -> read(p, id)))))),
        path(PathMatchers.segment("companies").slash(PathMatchers.segment()).slash("messages"), raw ->
            withId(() -> new CompanyId(raw), id -> get(() -> list(p, id)))));
  }

  /** A company's messages, newest first: {@code from}/{@code to} (ISO instants, default the last 30 days), {@code limit}. */
  private Route list(Principal p, CompanyId id) {
    if (!p.has(Role.ADMIN, Role.SUPERVISOR, Role.AGENT, Role.CLIENT))
      return forbidden("messages need the role admin, supervisor, agent or client");
    var r = reader;
    if (r == null) return error(ApiError.of(StatusCodes.SERVICE_UNAVAILABLE, "the read side is not running on this node", null));
    return parameterOptional("from", from -> parameterOptional("to", to -> parameterOptional("limit", limit ->
        field("to", () -> to.map(java.time.Instant::parse).orElse(clock.instant()), until ->
        field("from", () -> from.map(java.time.Instant::parse).orElse(until.minus(java.time.Duration.ofDays(30))), since ->
        field("limit", () -> {
          int n = Integer.parseInt(limit.orElse("100"));
          if (n < 1 || n > MAX_LIST) throw new IllegalArgumentException("must be from 1 to " + MAX_LIST);
          return n;
        }, n -> onComplete(directory.plan(), plan -> {
          if (plan.isFailure()) return unavailable();
          NumberPlan.Company company = plan.get().companies().get(id);
          if (company == null || !p.covers(id, company.answeringPoint())) return notFound("company " + id);
          return onComplete(java.util.concurrent.CompletableFuture.supplyAsync(() -> r.messages(id.value(), since, until, n),
              system.dispatchers().lookup(org.apache.pekko.actor.typed.DispatcherSelector.blocking())), rows ->
              rows.isFailure() ? unavailable() : ok(rows.get()));
        })))))));
  }

  private Route taking(Principal p, java.util.function.Supplier<Route> inner) {
    return p.has(Role.ADMIN, Role.SUPERVISOR, Role.AGENT) ? inner.get()
        : forbidden("taking messages needs the role admin, supervisor or agent");
  }

  private Route take(Principal p, ObjectNode node) {
    return field("id", () -> Optional.ofNullable(text(node, "id")).map(MessageId::new)
            .orElseGet(() -> new MessageId("m-" + UUID.randomUUID())), id ->
        field("company", () -> new CompanyId(required(node, "company")), companyId ->
        field("contact", () -> new ContactId(required(node, "contact")), contactId ->
        field("callId", () -> Optional.ofNullable(text(node, "callId")).map(CallId::new).orElse(null), callId ->
        field("channels", () -> channels(node.get("channels")), channels ->
        convert(noteFields(node), CallNote.class, note ->
        onComplete(directory.plan(), planRead -> {
          if (planRead.isFailure()) return unavailable();
          NumberPlan.Company company = planRead.get().companies().get(companyId);
          if (company == null || !p.covers(company.answeringPoint())) return notFound("company " + companyId);
          return withCard(companyId, card -> {
            Contact contact = card.contacts().get(contactId);
            if (contact == null) return invalid("contact", "company " + companyId + " has no contact " + contactId);
            Optional<String> own = CallBackGuard.check(note.callerNumber(),
                CallBackGuard.clientNumbers(planRead.get(), companyId, card.profile()));
            if (own.isPresent()) return invalid("callerNumber", own.get());
            Set<Channel> chosen = channels.isEmpty() ? defaultChannels(contact) : channels;
            TakenMessage m;
            try {
              m = new TakenMessage(id, company.answeringPoint(), companyId, company.name(), contactId, contact.name(),
                  contact.email(), contact.mobile(), chosen, note, callId, p.user().username(), clock.instant());
            } catch (IllegalArgumentException e) {
              return invalid("channels", e.getMessage());
            }
            return onComplete(this.<Message.Command, Message.Reply>ask(Message.ref(system, id),
                r -> new Message.Take(m, r)), r -> {
              if (r.isFailure()) return unavailable();
              if (r.get() instanceof Message.Refused refused) return error(ApiError.of(refused.refusal()));
              return complete(StatusCodes.CREATED, ((Message.Done) r.get()).view(), Jackson.marshaller(json));
            });
          });
        })))))));
  }

  private Route read(Principal p, MessageId id) {
    if (!p.has(Role.ADMIN, Role.SUPERVISOR, Role.AGENT, Role.CLIENT))
      return forbidden("messages need the role admin, supervisor, agent or client");
    return onComplete(this.<Message.Command, Message.Reply>ask(Message.ref(system, id), Message.Get::new), r -> {
      if (r.isFailure()) return unavailable();
      if (!(r.get() instanceof Message.Done d)) return notFound("message " + id);
      TakenMessage m = d.view().message();
      if (!p.covers(m.company(), m.answeringPoint())) return notFound("message " + id);
      return ok(d.view());
    });
  }

  private Route withCard(CompanyId id, Function<CompanyCard, Route> inner) {
    return onComplete(this.<Company.Command, Company.Reply>ask(engine.refs().company(id), Company.GetCard::new), r -> {
      if (r.isFailure()) return unavailable();
      if (!(r.get() instanceof Company.Done d)) return error(ApiError.of(((Company.Refused) r.get()).refusal()));
      return inner.apply(d.card());
    });
  }

  /** E-mail when the contact has an address, else SMS when it has a mobile. */
  private static Set<Channel> defaultChannels(Contact c) {
    if (c.email() != null) return Set.of(Channel.EMAIL);
    if (c.mobile() != null) return Set.of(Channel.SMS);
    return Set.of();
  }

  private static Set<Channel> channels(JsonNode v) {
    if (v == null || v.isNull()) return Set.of();
    if (!v.isArray()) throw new IllegalArgumentException("must be a list of email and/or sms");
    Set<Channel> out = EnumSet.noneOf(Channel.class);
    for (JsonNode c : v) out.add(Channel.parse(c.asText()));
    return out;
  }

  private ObjectNode noteFields(ObjectNode node) {
    ObjectNode n = json.createObjectNode();
    for (String f : new String[] {"callerName", "callerNumber", "callerCompany", "text", "callBack"})
      if (node.has(f)) n.set(f, node.get(f));
    return n;
  }

  private static String required(ObjectNode node, String field) {
    String v = text(node, field);
    if (v == null) throw new IllegalArgumentException(field + " is required");
    return v;
  }
}
