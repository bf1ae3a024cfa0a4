package io.switchboard.core.company;

import io.switchboard.core.CborSerializable;
import io.switchboard.core.Refusal;
import io.switchboard.core.directory.CompanyId;
import io.switchboard.core.engine.EngineContext;
import io.switchboard.core.instruction.CurrentException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerWithReply;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehaviorWithEnforcedReplies;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * One client company's directory card (ANS-1, ANS-2, ANS-5, ANS-7, ANS-11…ANS-16): its profile,
 * contacts and redirects. The screen pop reads it in one ask, so everything an agent needs when
 * the company's call arrives lives here; the company's name and numbers stay in the number plan.
 */
public final class Company
    extends EventSourcedBehaviorWithEnforcedReplies<Company.Command, Company.Event, CompanyCard> {

  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "Company");

  /** Contacts per event when importing, so no journal row grows past a few hundred kilobytes. */
  static final int IMPORT_CHUNK = 500;
  public static final int MAX_CONTACTS = 50_000;

  // ---------------------------------------------------------------- commands

  public sealed interface Command extends CborSerializable {}

  public record GetCard(ActorRef<Reply> replyTo) implements Command {}

  public record PutProfile(CompanyProfile profile, ActorRef<Reply> replyTo) implements Command {}

  /** Adds or replaces a contact; its redirect stays as it is (redirects have their own commands). */
  public record PutContact(Contact contact, ActorRef<Reply> replyTo) implements Command {}

  public record RemoveContact(ContactId id, ActorRef<Reply> replyTo) implements Command {}

  /** A redirect on one contact, or on the whole company when {@code contact} is null. */
  public record SetRedirect(ContactId contact, Redirect redirect, ActorRef<Reply> replyTo) implements Command {}

  public record ClearRedirect(ContactId contact, String by, ActorRef<Reply> replyTo) implements Command {}

  public enum ImportMode { MERGE, REPLACE }

  /**
   * Contacts from a file, all or none: MERGE adds and replaces by id (keeping redirects),
   * REPLACE also removes every contact the file does not name.
   */
  public record ImportContacts(List<Contact> contacts, ImportMode mode, ActorRef<Reply> replyTo) implements Command {}

  public record PutException(CurrentException exception, ActorRef<Reply> replyTo) implements Command {}

  public record RemoveException(String id, ActorRef<Reply> replyTo) implements Command {}

  // ---------------------------------------------------------------- replies

  public sealed interface Reply extends CborSerializable {}

  public record Done(CompanyCard card) implements Reply {}

  public record Imported(int added, int updated, int removed, CompanyCard card) implements Reply {}

  public record Refused(Refusal refusal) implements Reply {}

  // ---------------------------------------------------------------- events

  public sealed interface Event extends CborSerializable {}

  public record ProfilePut(CompanyProfile profile, Instant at) implements Event {}

  public record ContactPut(Contact contact, Instant at) implements Event {}

  public record ContactRemoved(ContactId id, Instant at) implements Event {}

  public record RedirectSet(ContactId contact, Redirect redirect, Instant at) implements Event {}

  public record RedirectCleared(ContactId contact, String by, Instant at) implements Event {}

  /** One chunk of an import; the chunks of one import are written atomically together. */
  public record ContactsImported(List<Contact> contacts, Instant at) implements Event {}

  public record ContactsRemoved(List<ContactId> ids, Instant at) implements Event {}

  public record ExceptionPut(CurrentException exception, Instant at) implements Event {}

  public record ExceptionRemoved(String id, Instant at) implements Event {}

  // ---------------------------------------------------------------- wiring

  public static void init(ActorSystem<?> system, EngineContext ctx) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, ec -> create(new CompanyId(ec.getEntityId()), ctx)));
  }

  public static Behavior<Command> create(CompanyId id, EngineContext ctx) {
    return new Company(id, ctx);
  }

  private final CompanyId id;
  private final EngineContext ctx;

  private Company(CompanyId id, EngineContext ctx) {
    super(PersistenceId.of(ENTITY_KEY.name(), id.value()));
    this.id = id;
    this.ctx = ctx;
  }

  @Override
  public CompanyCard emptyState() {
    return CompanyCard.empty(id);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return ctx.settings().snapshots();
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return Set.of("company");
  }

  @Override
  public CommandHandlerWithReply<Command, Event, CompanyCard> commandHandler() {
    return newCommandHandlerWithReplyBuilder()
        .forAnyState()
        .onCommand(GetCard.class, (card, c) -> Effect().reply(c.replyTo(), new Done(card)))
        .onCommand(PutProfile.class, (card, c) -> c.profile() == null
            ? refuse(c.replyTo(), Refusal.invalid("profile", "profile is required"))
            : persist(new ProfilePut(c.profile(), ctx.now()), c.replyTo()))
        .onCommand(PutContact.class, (card, c) -> {
          if (c.contact() == null) return refuse(c.replyTo(), Refusal.invalid("contact", "contact is required"));
          if (!card.contacts().containsKey(c.contact().id()) && card.contacts().size() >= MAX_CONTACTS)
            return refuse(c.replyTo(), Refusal.conflict("company " + id + " has " + MAX_CONTACTS + " contacts, the most it may"));
          return persist(new ContactPut(c.contact(), ctx.now()), c.replyTo());
        })
        .onCommand(RemoveContact.class, (card, c) -> c.id() == null || !card.contacts().containsKey(c.id())
            ? refuse(c.replyTo(), Refusal.notFound("company " + id + " has no contact " + c.id()))
            : persist(new ContactRemoved(c.id(), ctx.now()), c.replyTo()))
        .onCommand(SetRedirect.class, (card, c) -> {
          if (c.redirect() == null) return refuse(c.replyTo(), Refusal.invalid("redirect", "redirect is required"));
          if (c.contact() != null && !card.contacts().containsKey(c.contact()))
            return refuse(c.replyTo(), Refusal.notFound("company " + id + " has no contact " + c.contact()));
          if (c.redirect().until() != null && !c.redirect().until().isAfter(ctx.now()))
            return refuse(c.replyTo(), Refusal.invalid("until", "until " + c.redirect().until() + " has passed"));
          return persist(new RedirectSet(c.contact(), c.redirect(), ctx.now()), c.replyTo());
        })
        .onCommand(ClearRedirect.class, (card, c) -> {
          if (c.contact() != null && !card.contacts().containsKey(c.contact()))
            return refuse(c.replyTo(), Refusal.notFound("company " + id + " has no contact " + c.contact()));
          boolean set = c.contact() == null ? card.redirect() != null : card.contacts().get(c.contact()).redirect() != null;
          // Clearing what is clear changes nothing and is no error: the caller wanted it clear.
          if (!set) return Effect().reply(c.replyTo(), new Done(card));
          return persist(new RedirectCleared(c.contact(), c.by(), ctx.now()), c.replyTo());
        })
        .onCommand(ImportContacts.class, this::onImport)
        .onCommand(PutException.class, (card, c) -> {
          if (c.exception() == null) return refuse(c.replyTo(), Refusal.invalid("exception", "exception is required"));
          return persist(new ExceptionPut(c.exception(), ctx.now()), c.replyTo());
        })
        .onCommand(RemoveException.class, (card, c) ->
            card.profile().exceptions().stream().noneMatch(e -> e.id().equals(c.id()))
                ? refuse(c.replyTo(), Refusal.notFound("company " + id + " has no exception " + c.id()))
                : persist(new ExceptionRemoved(c.id(), ctx.now()), c.replyTo()))
        .build();
  }

  private ReplyEffect<Event, CompanyCard> onImport(CompanyCard card, ImportContacts c) {
    if (c.contacts() == null || c.contacts().isEmpty())
      return refuse(c.replyTo(), Refusal.invalid("contacts", "the import holds no contacts"));
    Map<ContactId, Contact> byId = new TreeMap<>();
    for (Contact x : c.contacts()) {
      // A null in the list (a JSON array with a null) would throw here and stop the entity.
      if (x == null) return refuse(c.replyTo(), Refusal.invalid("contacts", "the import holds an empty entry"));
      if (byId.put(x.id(), x) != null)
        return refuse(c.replyTo(), Refusal.invalid("id", "contact id " + x.id() + " is in the import twice"));
    }
    boolean replace = c.mode() == ImportMode.REPLACE;
    List<ContactId> gone = replace
        ? card.contacts().keySet().stream().filter(k -> !byId.containsKey(k)).toList() : List.of();
    int after = card.contacts().size() - gone.size()
        + (int) byId.keySet().stream().filter(k -> !card.contacts().containsKey(k)).count();
    if (after > MAX_CONTACTS)
      return refuse(c.replyTo(), Refusal.conflict("company " + id + " would have " + after + " contacts; at most "
          + MAX_CONTACTS));
    int updated = (int) byId.keySet().stream().filter(card.contacts()::containsKey).count();
    int added = byId.size() - updated;
    Instant now = ctx.now();
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < gone.size(); i += IMPORT_CHUNK)
      events.add(new ContactsRemoved(List.copyOf(gone.subList(i, Math.min(gone.size(), i + IMPORT_CHUNK))), now));
    List<Contact> all = new ArrayList<>(byId.values());
    for (int i = 0; i < all.size(); i += IMPORT_CHUNK)
      events.add(new ContactsImported(List.copyOf(all.subList(i, Math.min(all.size(), i + IMPORT_CHUNK))), now));
    return Effect().persist(events)
        .thenReply(c.replyTo(), s -> new Imported(added, updated, gone.size(), s));
  }

  private ReplyEffect<Event, CompanyCard> persist(Event e, ActorRef<Reply> replyTo) {
    return Effect().persist(e).thenReply(replyTo, Done::new);
  }

  private ReplyEffect<Event, CompanyCard> refuse(ActorRef<Reply> replyTo, Refusal r) {
    return Effect().reply(replyTo, new Refused(r));
  }

  @Override
  public EventHandler<CompanyCard, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onEvent(ProfilePut.class, (card, e) -> card.withProfile(e.profile()))
        .onEvent(ContactPut.class, (card, e) -> {
          Contact old = card.contacts().get(e.contact().id());
          return card.withContact(e.contact().id(), e.contact().withRedirect(old == null ? null : old.redirect()));
        })
        .onEvent(ContactRemoved.class, (card, e) -> card.withContact(e.id(), null))
        .onEvent(RedirectSet.class, (card, e) -> e.contact() == null ? card.withRedirect(e.redirect())
            : card.withContact(e.contact(), card.contacts().get(e.contact()).withRedirect(e.redirect())))
        .onEvent(RedirectCleared.class, (card, e) -> e.contact() == null ? card.withRedirect(null)
            : card.withContact(e.contact(), card.contacts().get(e.contact()).withRedirect(null)))
        .onEvent(ContactsImported.class, (card, e) -> {
          TreeMap<ContactId, Contact> copy = new TreeMap<>(card.contacts());
          for (Contact x : e.contacts()) {
            Contact old = copy.get(x.id());
            copy.put(x.id(), old == null ? x : x.withRedirect(old.redirect()));
          }
          return card.withContacts(copy);
        })
        .onEvent(ContactsRemoved.class, (card, e) -> {
          TreeMap<ContactId, Contact> copy = new TreeMap<>(card.contacts());
          e.ids().forEach(copy::remove);
          return card.withContacts(copy);
        })
        .onEvent(ExceptionPut.class, (card, e) -> {
          List<CurrentException> list = new ArrayList<>(card.profile().exceptions());
          list.removeIf(x -> x.id().equals(e.exception().id()));
          list.add(e.exception());
          return card.withProfile(card.profile().withExceptions(list));
        })
        .onEvent(ExceptionRemoved.class, (card, e) -> card.withProfile(card.profile().withExceptions(
            card.profile().exceptions().stream().filter(x -> !x.id().equals(e.id())).toList())))
        .build();
  }
}
