package io.switchboard.core.company;

import io.switchboard.core.CborSerializable;
import io.switchboard.core.directory.CompanyId;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A client company's card as its entity holds it: profile, whole-company redirect and contacts
 * by id. Immutable: every change makes a new card, so a card handed out in a reply never moves.
 */
public record CompanyCard(CompanyId id, CompanyProfile profile, Redirect redirect, Map<ContactId, Contact> contacts,
    long version) implements CborSerializable {

  public CompanyCard {
    profile = profile == null ? CompanyProfile.EMPTY : profile;
    contacts = contacts instanceof SortedMap<ContactId, Contact> sorted ? sorted
        : Collections.unmodifiableSortedMap(new TreeMap<>(contacts == null ? Map.of() : contacts));
  }

  static CompanyCard empty(CompanyId id) {
    return new CompanyCard(id, CompanyProfile.EMPTY, null, Map.of(), 0);
  }

  CompanyCard withProfile(CompanyProfile p) {
    return new CompanyCard(id, p, redirect, contacts, version + 1);
  }

  CompanyCard withRedirect(Redirect r) {
    return new CompanyCard(id, profile, r, contacts, version + 1);
  }

  CompanyCard withContacts(SortedMap<ContactId, Contact> m) {
    // Seen as sorted, the next change's copy is built in one pass, without a compare per contact:
    // replaying a card's redirects copies the map once per event.
    return new CompanyCard(id, profile, redirect, Collections.unmodifiableSortedMap(m), version + 1);
  }

  CompanyCard withContact(ContactId contactId, Contact c) {
    TreeMap<ContactId, Contact> copy = new TreeMap<>(contacts);
    if (c == null) copy.remove(contactId);
    else copy.put(contactId, c);
    return withContacts(copy);
  }

  /** The contact's redirect if it still stands. */
  public Redirect activeRedirect(ContactId contact, Instant now) {
    Contact c = contacts.get(contact);
    return c == null || c.redirect() == null || !c.redirect().activeAt(now) ? null : c.redirect();
  }

  /** The contact one of whose numbers was dialled or is named, if any. */
  public Contact contactReachedOn(String number) {
    if (number == null) return null;
    for (Contact c : contacts.values()) if (c.numbers().contains(number)) return c;
    return null;
  }
}
