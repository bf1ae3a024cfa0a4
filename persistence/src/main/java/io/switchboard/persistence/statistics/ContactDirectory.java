package io.switchboard.persistence.statistics;

import io.switchboard.core.company.Company;
import io.switchboard.core.company.Contact;
import io.switchboard.core.company.ContactId;
import io.switchboard.core.company.Redirect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Folds Company events into {@code dir_contact}: every contact of every company with its
 * redirect, searchable across companies (ANS-1: search can span an answering point, a chain of
 * shops). A company's own screen pop reads its entity; this table serves search beyond one.
 */
final class ContactDirectory {

  void apply(Connection c, String company, Company.Event event) throws SQLException {
    // A put or an import keeps the contact's redirect, as the entity does: the update leaves it.
    if (event instanceof Company.ContactPut e) {
      put(c, company, List.of(e.contact()));
    } else if (event instanceof Company.ContactsImported e) {
      put(c, company, e.contacts());
    } else if (event instanceof Company.ContactRemoved e) {
      remove(c, company, List.of(e.id()));
    } else if (event instanceof Company.ContactsRemoved e) {
      remove(c, company, e.ids());
    } else if (event instanceof Company.RedirectSet e && e.contact() != null) {
      redirect(c, company, e.contact(), e.redirect());
    } else if (event instanceof Company.RedirectCleared e && e.contact() != null) {
      redirect(c, company, e.contact(), null);
    }
  }

  private static void put(Connection c, String company, List<Contact> contacts) throws SQLException {
    try (PreparedStatement update = c.prepareStatement("UPDATE dir_contact SET kind = ?, name = ?, title = ?,"
            + " department = ?, phones = ?, email = ?, mobile = ?, search_text = ? WHERE company = ? AND contact_id = ?");
        PreparedStatement insert = c.prepareStatement("INSERT INTO dir_contact (company, contact_id, kind, name, title,"
            + " department, phones, email, mobile, search_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      List<Contact> fresh = new ArrayList<>();
      for (Contact x : contacts) {
        bindContact(update, 1, x);
        update.setString(9, company);
        update.setString(10, x.id().value());
        if (update.executeUpdate() == 0) fresh.add(x);
      }
      for (Contact x : fresh) {
        insert.setString(1, company);
        insert.setString(2, x.id().value());
        bindContact(insert, 3, x);
        insert.addBatch();
      }
      if (!fresh.isEmpty()) insert.executeBatch();
    }
  }

  private static void bindContact(PreparedStatement ps, int i, Contact x) throws SQLException {
    ps.setString(i, x.kind().json());
    ps.setString(i + 1, x.name());
    nullable(ps, i + 2, x.title());
    nullable(ps, i + 3, x.department());
    nullable(ps, i + 4, x.phones().isEmpty() ? null : String.join(" ", x.phones()));
    nullable(ps, i + 5, x.email());
    nullable(ps, i + 6, x.mobile());
    ps.setString(i + 7, searchText(x));
  }

  private static void remove(Connection c, String company, List<ContactId> ids) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("DELETE FROM dir_contact WHERE company = ? AND contact_id = ?")) {
      for (ContactId id : ids) {
        ps.setString(1, company);
        ps.setString(2, id.value());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static void redirect(Connection c, String company, ContactId id, Redirect r) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE dir_contact SET redirect_reason = ?, redirect_until = ?,"
        + " redirect_note = ? WHERE company = ? AND contact_id = ?")) {
      nullable(ps, 1, r == null ? null : r.reason().json());
      if (r == null || r.until() == null) ps.setNull(2, Types.BIGINT);
      else ps.setLong(2, r.until().toEpochMilli());
      nullable(ps, 3, r == null ? null : r.note());
      ps.setString(4, company);
      ps.setString(5, id.value());
      ps.executeUpdate();
    }
  }

  /** Words of name, title and department folded (no accents, lower case), then numbers and e-mail: " word word …". */
  static String searchText(Contact x) {
    StringBuilder b = new StringBuilder(" ").append(fold(x.name()));
    if (x.title() != null) b.append(' ').append(fold(x.title()));
    if (x.department() != null) b.append(' ').append(fold(x.department()));
    for (String n : x.numbers()) b.append(' ').append(n.replace("+", ""));
    if (x.email() != null) b.append(' ').append(x.email().toLowerCase(Locale.ROOT));
    return b.length() > 1000 ? b.substring(0, 1000) : b.toString();
  }

  static String fold(String s) {
    String d = Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
    return d.toLowerCase(Locale.ROOT).replace('ø', 'o').replace('æ', 'a').replace('ß', 's')
        .replaceAll("[^\\p{L}\\p{N}@.+-]+", " ").strip();
  }

  private static void nullable(PreparedStatement ps, int i, String v) throws SQLException {
    if (v == null) ps.setNull(i, Types.VARCHAR);
    else ps.setString(i, v);
  }
}
