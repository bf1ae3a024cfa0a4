package io.switchboard.http.company;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.switchboard.core.company.Company;
import io.switchboard.core.company.CompanyCard;
import io.switchboard.core.company.CompanyProfile;
import io.switchboard.core.company.Contact;
import io.switchboard.core.company.ContactImport;
import io.switchboard.core.company.ContactId;
import io.switchboard.core.company.Redirect;
import io.switchboard.core.company.StaffSearch;
import io.switchboard.core.directory.CompanyId;
import io.switchboard.core.engine.Engine;
import io.switchboard.core.instruction.CurrentException;
import io.switchboard.core.numberplan.NumberPlan;
import io.switchboard.core.user.Role;
import io.switchboard.http.ApiError;
import io.switchboard.http.auth.Authenticator;
import io.switchboard.http.auth.Principal;
import io.switchboard.http.auth.SecuredRoutes;
import io.switchboard.http.contactimport.ContactSheets;
import io.switchboard.http.directory.DirectoryCache;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.ContentDisposition;
import org.apache.pekko.http.javadsl.model.headers.ContentDispositionTypes;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * REST API v1 for a client company's card (docs/rest-api.md "Company cards"): profile, contacts,
 * redirects and current exceptions. Who may do what:
 * <ul>
 *   <li>read: admin, supervisor and agent of the company's answering point, and the company's
 *       own client users (customer portal);
 *   <li>redirects: the same people, for agents and clients set them too (ANS-5);
 *   <li>profile, contacts and exceptions: admins of the answering point and the client's users.
 * </ul>
 * A company outside the caller's scope answers 404, like one that does not exist.
 */
public final class CompanyCardApi extends SecuredRoutes {

  public static final int MAX_SEARCH = 200;

  private final Engine engine;
  private final DirectoryCache directory;
  private final Clock clock;

  public CompanyCardApi(ActorSystem<?> system, Engine engine, ObjectMapper json, Duration timeout,
      Authenticator auth, DirectoryCache directory, Clock clock) {
    super(system, json, timeout, auth);
    this.engine = engine;
    this.directory = directory;
    this.clock = clock;
  }

  /** What the API shows of a contact: its redirect only while it stands. */
  public record ContactView(ContactId id, Contact.Kind kind, String name, String title, String department,
      List<String> phones, String email, String mobile, String greeting, String handling, Redirect redirect) {
    public static ContactView of(Contact c, Instant now) {
      Contact x = c.asOf(now);
      return new ContactView(x.id(), x.kind(), x.name(), x.title(), x.department(), x.phones(), x.email(), x.mobile(),
          x.greeting() == null ? null : x.greeting().text(), x.handling(), x.redirect());
    }
  }

  public record CardView(CompanyId id, String name, String answeringPoint, CompanyProfile profile, Redirect redirect,
      int contactCount, long version) {}

  public record SearchResult(List<ContactView> contacts, int total) {}

  /** Routes under {@code /api/v1/companies/{id}/…}; anything else falls through to the company CRUD. */
  public Route routes(Principal p) {
    return pathPrefix(PathMatchers.segment(), raw -> withId(() -> new CompanyId(raw), id -> concat(
        path("card", () -> get(() -> reading(p, id, (company, card) -> ok(cardView(company, card))))),
        path("profile", () -> concat(
            get(() -> reading(p, id, (company, card) -> ok(card.profile()))),
            put(() -> maintaining(p, id, company -> tree(node -> card(id, card -> {
              // Exceptions have their own resource: a profile written without them keeps them.
              if (!node.has("exceptions")) node.set("exceptions", json.valueToTree(card.profile().exceptions()));
              return convert(node, CompanyProfile.class, profile -> knownCalendar(profile, () ->
                  write(id, r -> new Company.PutProfile(profile, r), x -> x.profile(), StatusCodes.OK)));
            })))))),
        path("redirect", () -> concat(
            put(() -> redirecting(p, id, company -> redirectBody(p, redirect ->
                write(id, r -> new Company.SetRedirect(null, redirect, r), CompanyCard::redirect, StatusCodes.OK)))),
            delete(() -> redirecting(p, id, company -> write(id,
                r -> new Company.ClearRedirect(null, p.user().username(), r), card -> null, StatusCodes.NO_CONTENT))))),
        pathPrefix("exceptions", () -> concat(
            pathEndOrSingleSlash(() -> get(() -> reading(p, id, (company, card) -> ok(card.profile().exceptions())))),
            path(PathMatchers.segment(), exceptionId -> concat(
                put(() -> maintaining(p, id, company -> tree(node -> sameId(node, "id", exceptionId, () -> {
                  node.put("id", exceptionId);
                  return convert(node, CurrentException.class, e -> write(id, r -> new Company.PutException(e, r),
                      card -> e, StatusCodes.OK));
                })))),
                delete(() -> maintaining(p, id, company -> write(id, r -> new Company.RemoveException(exceptionId, r),
                    card -> null, StatusCodes.NO_CONTENT))))))),
        path("blocked-callers", () -> concat(
            get(() -> reading(p, id, (company, card) -> ok(blockedOf(company)))),
            put(() -> maintaining(p, id, company -> tree(node -> only(node, Set.of("numbers", "action"), () ->
                convert(node, io.switchboard.core.numberplan.BlockedCallers.class, blocked -> onComplete(
                    this.<NumberPlan.Command, NumberPlan.Reply>ask(engine.refs().numberPlan(),
                        r -> new NumberPlan.PutBlockedCallers(id, blocked, r)), r -> {
                      directory.invalidate();
                      if (r.isFailure()) return unavailable();
                      if (r.get() instanceof NumberPlan.Refused refused) return error(ApiError.of(refused.refusal()));
                      return ok(blockedOf(((NumberPlan.Done) r.get()).plan().companies().get(id)));
                    })))))))),
        pathPrefix("contacts", () -> contacts(p, id)))));
  }

  private Route contacts(Principal p, CompanyId id) {
    return concat(
        pathEndOrSingleSlash(() -> concat(
            get(() -> parameterOptional("q", q -> parameterOptional("limit", limit -> withId(() -> limit(limit.orElse("50")),
                n -> reading(p, id, (company, card) -> {
                  StaffSearch.Found found = StaffSearch.search(card.contacts().values(), q.orElse(""), n);
                  Instant now = clock.instant();
                  return ok(new SearchResult(found.contacts().stream().map(c -> ContactView.of(c, now)).toList(),
                      found.total()));
                }))))),
            post(() -> maintaining(p, id, company -> contactBody(null, contact -> reading(p, id, (c, card) ->
                card.contacts().containsKey(contact.id()) ? conflict("contact " + contact.id() + " already exists")
                    : putContact(id, contact, StatusCodes.CREATED))))))),
        path("export", () -> get(() -> parameterOptional("format", format -> reading(p, id, (company, card) ->
            export(company, card, format.orElse("json")))))),
        path("import", () -> post(() -> maintaining(p, id, company -> importContacts(id)))),
        pathPrefix(PathMatchers.segment(), rawContact -> withId(() -> new ContactId(rawContact),
            contactId -> contact(p, id, contactId))));
  }

  private Route contact(Principal p, CompanyId id, ContactId contactId) {
    return concat(
        pathEndOrSingleSlash(() -> concat(
            get(() -> reading(p, id, (company, card) -> {
              Contact c = card.contacts().get(contactId);
              return c == null ? notFound("contact " + contactId) : ok(ContactView.of(c, clock.instant()));
            })),
            put(() -> maintaining(p, id, company -> contactBody(contactId, contact -> reading(p, id, (c, card) ->
                card.contacts().containsKey(contactId) ? putContact(id, contact, StatusCodes.OK)
                    : notFound("contact " + contactId + " (create it with POST …/contacts)"))))),
            delete(() -> maintaining(p, id, company -> write(id, r -> new Company.RemoveContact(contactId, r),
                card -> null, StatusCodes.NO_CONTENT))))),
        path("redirect", () -> concat(
            put(() -> redirecting(p, id, company -> redirectBody(p, redirect -> write(id,
                r -> new Company.SetRedirect(contactId, redirect, r),
                card -> card.contacts().get(contactId).redirect(), StatusCodes.OK)))),
            delete(() -> redirecting(p, id, company -> write(id,
                r -> new Company.ClearRedirect(contactId, p.user().username(), r), card -> null,
                StatusCodes.NO_CONTENT))))));
  }

  /** A profile's calendar must exist, or out-of-hours handling would silently never apply. */
  private Route knownCalendar(CompanyProfile profile, java.util.function.Supplier<Route> inner) {
    if (profile.calendar() == null) return inner.get();
    return onComplete(directory.plan(), r -> r.isFailure() ? unavailable()
        : r.get().calendars().containsKey(profile.calendar()) ? inner.get()
            : invalid("calendar", "calendar: unknown calendar " + profile.calendar()));
  }

  // ---------------------------------------------------------------- import (ANS-7)

  /** Largest import file: 50,000 contacts of an .xlsx fit in a few megabytes. */
  public static final long MAX_IMPORT_BYTES = 10L * 1024 * 1024;
  /** Contacts shown in a preview. */
  public static final int PREVIEW = 20;

  public record ImportReport(boolean imported, String mode, int rowsRead, int valid, int added, int updated,
      int removed, int errorCount, List<ContactImport.RowError> errors, List<ContactView> preview) {}

  /**
   * {@code POST …/contacts/import?mode=merge|replace&preview=true&filename=…}: the file is the body
   * (.xlsx or .csv, by {@code filename} or Content-Type). A preview writes nothing; an import with
   * any row error writes nothing either (422 with the errors), otherwise all rows at once.
   */
  private Route importContacts(CompanyId id) {
    return parameterOptional("mode", mode -> parameterOptional("preview", preview ->
        parameterOptional("filename", filename -> field("mode", () -> importMode(mode.orElse("merge")), importMode ->
        handleRejections(RejectionHandler.newBuilder().handle(MalformedRequestContentRejection.class, r ->
                error(ApiError.of(StatusCodes.PAYLOAD_TOO_LARGE, "an import file is at most " + MAX_IMPORT_BYTES
                    + " bytes", "body"))).build(),
            () -> extractRequest(request -> withSizeLimit(MAX_IMPORT_BYTES, () ->
                entity(Unmarshaller.entityToByteArray(), bytes -> {
                  String kind = filename.orElse(request.entity().getContentType().mediaType().toString());
                  CompletionStage<ContactImport.Result> parsed = java.util.concurrent.CompletableFuture.supplyAsync(
                      () -> ContactSheets.read(bytes, kind).contacts(),
                      system.dispatchers().lookup(org.apache.pekko.actor.typed.DispatcherSelector.blocking()));
                  return onComplete(parsed, result -> {
                    if (result.isFailure()) {
                      Throwable t = result.failed().get();
                      while (t.getCause() != null && t instanceof java.util.concurrent.CompletionException) t = t.getCause();
                      if (t instanceof IllegalArgumentException) return invalid("body", t.getMessage());
                      throw new IllegalStateException(t);
                    }
                    return card(id, card -> imported(id, card, result.get(), importMode,
                        preview.map(Boolean::parseBoolean).orElse(false)));
                  });
                }))))))));
  }

  private static Company.ImportMode importMode(String raw) {
    return switch (raw.toLowerCase(java.util.Locale.ROOT)) {
      case "merge" -> Company.ImportMode.MERGE;
      case "replace" -> Company.ImportMode.REPLACE;
      default -> throw new IllegalArgumentException("must be merge or replace, got " + raw);
    };
  }

  private Route imported(CompanyId id, CompanyCard card, ContactImport.Result r, Company.ImportMode mode,
      boolean preview) {
    Instant now = clock.instant();
    List<ContactView> sample = r.contacts().stream().limit(PREVIEW).map(c -> ContactView.of(c, now)).toList();
    int updated = (int) r.contacts().stream().filter(c -> card.contacts().containsKey(c.id())).count();
    java.util.Set<ContactId> named = new java.util.HashSet<>();
    r.contacts().forEach(c -> named.add(c.id()));
    int removed = mode == Company.ImportMode.REPLACE
        ? (int) card.contacts().keySet().stream().filter(k -> !named.contains(k)).count() : 0;
    ImportReport report = new ImportReport(false, mode.name().toLowerCase(java.util.Locale.ROOT), r.rowsRead(),
        r.contacts().size(), r.contacts().size() - updated, updated, removed, r.errorCount(), r.errors(), sample);
    if (!r.ok()) return complete(preview ? StatusCodes.OK : StatusCodes.UNPROCESSABLE_ENTITY, report,
        Jackson.marshaller(json));
    if (preview) return ok(report);
    if (r.contacts().isEmpty()) return invalid("body", "the file holds no contacts");
    return onComplete(this.<Company.Command, Company.Reply>ask(engine.refs().company(id),
        reply -> new Company.ImportContacts(r.contactsToImport(), mode, reply)), x -> {
      if (x.isFailure()) return unavailable();
      if (x.get() instanceof Company.Refused refused) return error(ApiError.of(refused.refusal()));
      Company.Imported done = (Company.Imported) x.get();
      return ok(new ImportReport(true, report.mode(), r.rowsRead(), r.contacts().size(), done.added(), done.updated(),
          done.removed(), 0, List.of(), sample));
    });
  }

  private static io.switchboard.core.numberplan.BlockedCallers blockedOf(NumberPlan.Company company) {
    return company.blocked() != null ? company.blocked() : new io.switchboard.core.numberplan.BlockedCallers(null, null);
  }

  private static int limit(String raw) {
    int n;
    try {
      n = Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("limit must be a number from 1 to " + MAX_SEARCH + ", got " + raw);
    }
    if (n < 1 || n > MAX_SEARCH) throw new IllegalArgumentException("limit must be from 1 to " + MAX_SEARCH + ", got " + n);
    return n;
  }

  private Route putContact(CompanyId id, Contact contact, StatusCode status) {
    Instant now = clock.instant();
    return write(id, r -> new Company.PutContact(contact, r),
        card -> ContactView.of(card.contacts().get(contact.id()), now), status);
  }

  /** A contact from the body; its redirect is set through its own resource, never here. */
  private Route contactBody(ContactId pathId, Function<Contact, Route> inner) {
    return tree(node -> only(node, Set.of("id", "kind", "name", "title", "department", "phones", "email", "mobile",
        "greeting", "handling"), () -> pathId == null ? convert(node, Contact.class, inner)
        : sameId(node, "id", pathId.value(), () -> {
          node.put("id", pathId.value());
          return convert(node, Contact.class, inner);
        })));
  }

  private Route redirectBody(Principal p, Function<Redirect, Route> inner) {
    return tree(node -> only(node, Set.of("reason", "until", "note"), () -> {
      ObjectNode full = node.deepCopy();
      full.put("setBy", p.user().username());
      full.put("setAt", clock.instant().toString());
      return convert(full, Redirect.class, inner);
    }));
  }

  private Route export(NumberPlan.Company company, CompanyCard card, String format) {
    Instant now = clock.instant();
    List<ContactView> views = card.contacts().values().stream().map(c -> ContactView.of(c, now)).toList();
    String filename = company.id().value() + "-contacts";
    return switch (format) {
      case "json" -> ok(views);
      case "csv" -> respondWithHeader(ContentDisposition.create(ContentDispositionTypes.ATTACHMENT,
              java.util.Map.of("filename", filename + ".csv")),
          () -> complete(HttpEntities.create(ContentTypes.TEXT_CSV_UTF8, csv(views))));
      default -> invalid("format", "format must be json or csv, got " + format);
    };
  }

  static String csv(List<ContactView> contacts) {
    StringWriter out = new StringWriter();
    try (CSVPrinter printer = new CSVPrinter(out, CSVFormat.DEFAULT.builder()
        .setHeader("id", "name", "kind", "title", "department", "phone", "email", "mobile", "status", "until", "note")
        .build())) {
      for (ContactView c : contacts) {
        Redirect r = c.redirect();
        printer.printRecord(c.id().value(), c.name(), c.kind().json(), c.title(), c.department(),
            String.join(";", c.phones()), c.email(), c.mobile(), r == null ? "available" : r.reason().json(),
            r == null || r.until() == null ? null : r.until().toString(), r == null ? null : r.note());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private CardView cardView(NumberPlan.Company company, CompanyCard card) {
    Redirect r = card.redirect() == null || !card.redirect().activeAt(clock.instant()) ? null : card.redirect();
    return new CardView(company.id(), company.name(), company.answeringPoint().value(), card.profile(), r,
        card.contacts().size(), card.version());
  }

  // ---------------------------------------------------------------- scope and writes

  private interface CardRoute {
    Route apply(NumberPlan.Company company, CompanyCard card);
  }

  /** The company, if it exists and the principal sees it; 404 otherwise. */
  private Route scoped(Principal p, CompanyId id, Function<NumberPlan.Company, Route> inner) {
    return onComplete(directory.plan(), r -> {
      if (r.isFailure()) return unavailable();
      NumberPlan.Company company = r.get().companies().get(id);
      if (company == null || !p.covers(id, company.answeringPoint())) return notFound("company " + id);
      return inner.apply(company);
    });
  }

  private Route reading(Principal p, CompanyId id, CardRoute inner) {
    if (!p.has(Role.ADMIN, Role.SUPERVISOR, Role.AGENT, Role.CLIENT))
      return forbidden("company cards need the role admin, supervisor, agent or client");
    return scoped(p, id, company -> card(id, card -> inner.apply(company, card)));
  }

  private Route card(CompanyId id, Function<CompanyCard, Route> inner) {
    return onComplete(this.<Company.Command, Company.Reply>ask(engine.refs().company(id), Company.GetCard::new), r -> {
      if (r.isFailure()) return unavailable();
      if (!(r.get() instanceof Company.Done d)) return error(ApiError.of(((Company.Refused) r.get()).refusal()));
      return inner.apply(d.card());
    });
  }

  private Route maintaining(Principal p, CompanyId id, Function<NumberPlan.Company, Route> inner) {
    if (!p.has(Role.ADMIN, Role.CLIENT))
      return forbidden("changing a company's contacts, profile or exceptions needs the role admin or client");
    return scoped(p, id, inner);
  }

  private Route redirecting(Principal p, CompanyId id, Function<NumberPlan.Company, Route> inner) {
    if (!p.has(Role.ADMIN, Role.SUPERVISOR, Role.AGENT, Role.CLIENT))
      return forbidden("setting redirects needs the role admin, supervisor, agent or client");
    return scoped(p, id, inner);
  }

  private Route write(CompanyId id, Function<ActorRef<Company.Reply>, Company.Command> command,
      Function<CompanyCard, Object> answer, StatusCode status) {
    CompletionStage<Company.Reply> reply = ask(engine.refs().company(id), command::apply);
    return onComplete(reply, r -> {
      if (r.isFailure()) return unavailable();
      if (r.get() instanceof Company.Refused refused) return error(ApiError.of(refused.refusal()));
      CompanyCard card = r.get() instanceof Company.Done d ? d.card() : ((Company.Imported) r.get()).card();
      if (status.equals(StatusCodes.NO_CONTENT)) return complete(StatusCodes.NO_CONTENT);
      return complete(status, answer.apply(card), Jackson.marshaller(json));
    });
  }
}
