package io.switchboard.core.company;

import io.switchboard.core.template.GreetingTemplate;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Contacts from a spreadsheet (ANS-7): a header row and data rows, as read from an .xlsx or .csv
 * file, become {@link Contact}s, or row-level errors naming the row, the column and why. Pure
 * policy: the reading of files lives at the edge, the writing (all or nothing) in {@link Company}.
 *
 * <p>Headers are matched without regard to case, accents, spaces or punctuation, in English,
 * Swedish and Norwegian ({@code Namn}, {@code E-post}, {@code Telefon 2}, {@code Hälsning} …).
 * Each row goes through {@link Contact}'s own rules; a contact's id comes from an id column or,
 * without one, from the e-mail's local part or the name, so importing the same file again updates
 * the contacts instead of adding them twice.
 */
public final class ContactImport {

  /** Data rows in one file at most: a company has no more contacts than this. */
  public static final int MAX_ROWS = Company.MAX_CONTACTS;
  /** Errors kept in a result; {@link Result#errorCount()} counts them all. */
  public static final int MAX_ERRORS = 1_000;
  public static final int MAX_ID = 64;

  /** One row of a sheet: its number as the spreadsheet shows it (1-based) and its cells, "" when empty. */
  public record SheetRow(int number, List<String> cells) {
    public SheetRow {
      List<String> c = new ArrayList<>(cells == null ? List.of() : cells);
      c.replaceAll(s -> s == null ? "" : s);
      cells = List.copyOf(c);
    }

    public String cell(int index) {
      return index >= 0 && index < cells.size() ? cells.get(index) : "";
    }

    public boolean blank() {
      for (String c : cells) if (!c.isBlank()) return false;
      return true;
    }
  }

  /**
   * What is wrong, where: the row's number, the column's letter ({@code "C"}) and header text
   * (both null when the error is about the whole file or a column that is missing).
   */
  public record RowError(int row, String column, String header, String message) {}

  /**
   * The contacts read and what is wrong. {@code contacts} holds every row that is right, for a
   * preview; import them only when {@link #ok()} (see {@link #contactsToImport()}), so a file with
   * an error imports nothing. {@code errors} are in row order, at most {@link #MAX_ERRORS};
   * {@code errorCount} counts all of them. {@code rowsRead} counts data rows that are not blank.
   */
  public record Result(List<Contact> contacts, List<RowError> errors, int rowsRead, int errorCount) {
    public Result {
      contacts = List.copyOf(contacts);
      errors = List.copyOf(errors);
    }

    public boolean ok() {
      return errorCount == 0;
    }

    /** The contacts, for {@link Company.ImportContacts}; a result with errors imports nothing. */
    public List<Contact> contactsToImport() {
      if (!ok()) throw new IllegalStateException("the file has " + errorCount + " errors; nothing may be imported");
      return contacts;
    }
  }

  // ---------------------------------------------------------------- columns

  /** The columns a file may have; {@code field} is how {@link Contact}'s messages name them. */
  enum Field {
    ID("id"), NAME("name"), KIND("kind"), TITLE("title"), DEPARTMENT("department"), PHONE("phones"),
    EMAIL("email"), MOBILE("mobile"), GREETING("greeting"), HANDLING("handling");

    final String field;

    Field(String field) {
      this.field = field;
    }
  }

  private static final Map<String, Field> HEADERS = new HashMap<>();
  private static final Map<String, Field> MESSAGE_FIELDS = new HashMap<>();
  /** Phone headers that may carry a number: "Phone 2", "Telefon 3". */
  private static final Pattern NOT_KEY = Pattern.compile("[^a-z0-9]");
  private static final Pattern NOT_SLUG = Pattern.compile("[^a-z0-9]+");
  private static final Pattern DASHES_AT_ENDS = Pattern.compile("^-+|-+$");
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final Pattern PHONE_SEPARATORS = Pattern.compile("[;,\\n]");
  private static final Pattern NUMBERED_PHONE = Pattern.compile("(phone|telephone|telefon|tel|tlf)[0-9]{1,2}");

  static {
    header(Field.ID, "id", "contactid");
    header(Field.NAME, "name", "namn", "navn", "fullname");
    header(Field.KIND, "kind", "typ", "type");
    header(Field.TITLE, "title", "titel", "tittel");
    header(Field.DEPARTMENT, "department", "dept", "avdelning", "avdeling");
    header(Field.PHONE, "phone", "phones", "telephone", "telefon", "telefonnummer", "tel", "tlf");
    header(Field.EMAIL, "email", "epost", "mail", "emailaddress", "epostadress", "epostadresse");
    header(Field.MOBILE, "mobile", "mobil", "mobiltelefon", "mobilnummer", "mobilephone");
    header(Field.GREETING, "greeting", "halsning", "hilsen", "hilsning", "template", "mall");
    header(Field.HANDLING, "handling", "instruction", "instructions", "instruktion", "instruks", "instruksjon",
        "hantering");
    for (Field f : Field.values()) MESSAGE_FIELDS.put(f.field, f);
    MESSAGE_FIELDS.put("contactId", Field.ID); // ContactId's own message
    MESSAGE_FIELDS.put("template", Field.GREETING); // GreetingTemplate's own message
  }

  private static void header(Field field, String... names) {
    for (String n : names) HEADERS.put(n, field);
  }

  /** The field a header names, or null when it names none. */
  static Field field(String header) {
    String key = key(header);
    Field f = HEADERS.get(key);
    return f != null ? f : NUMBERED_PHONE.matcher(key).matches() ? Field.PHONE : null;
  }

  /** The header row read: which column holds which field. */
  private static final class Columns {
    final SheetRow header;
    final Map<Field, Integer> single = new EnumMap<>(Field.class);
    final List<Integer> phones = new ArrayList<>();

    Columns(SheetRow header) {
      this.header = header;
    }

    Integer of(Field f) {
      return f == Field.PHONE ? (phones.isEmpty() ? null : phones.get(0)) : single.get(f);
    }

    boolean hasField(int column) {
      return column < header.cells().size() && !header.cell(column).isBlank();
    }
  }

  // ---------------------------------------------------------------- reading

  /** The contacts in {@code rows} under {@code header} (null or blank: the file is empty). */
  public static Result read(SheetRow header, List<SheetRow> rows) {
    List<SheetRow> data = rows == null ? List.of() : rows;
    int rowsRead = 0;
    for (SheetRow r : data) {
      if (r.blank()) continue;
      if (++rowsRead > MAX_ROWS)
        return new Result(List.of(), List.of(new RowError(r.number(), null, null, "the file is too large: more than "
            + MAX_ROWS + " rows of contacts (at most " + MAX_ROWS + " per import); split it")), rowsRead, 1);
    }
    Errors errors = new Errors();
    if (header == null || header.blank()) {
      errors.add(new RowError(header == null ? 1 : header.number(), null, null,
          "the file is empty: there is no header row naming the columns"));
      return new Result(List.of(), errors.kept, rowsRead, errors.count);
    }
    Columns columns = columns(header, errors);
    if (errors.count > 0) return new Result(List.of(), errors.kept, rowsRead, errors.count);

    List<Contact> contacts = new ArrayList<>();
    Map<ContactId, Integer> seen = new HashMap<>();
    for (SheetRow r : data) {
      if (r.blank()) continue;
      List<RowError> rowErrors = new ArrayList<>(2);
      Contact c = row(r, columns, seen, rowErrors);
      if (rowErrors.isEmpty()) contacts.add(c);
      else {
        rowErrors.sort(Comparator.comparingInt(e -> e.column() == null ? Integer.MAX_VALUE : columnIndex(e.column())));
        rowErrors.forEach(errors::add);
      }
    }
    return new Result(contacts, errors.kept, rowsRead, errors.count);
  }

  private static Columns columns(SheetRow header, Errors errors) {
    Columns columns = new Columns(header);
    Map<Field, Integer> firstSeen = new EnumMap<>(Field.class);
    Map<String, Integer> phoneHeaders = new HashMap<>();
    for (int i = 0; i < header.cells().size(); i++) {
      String text = header.cell(i).strip();
      if (text.isEmpty()) continue;
      Field f = field(text);
      if (f == null) {
        errors.add(new RowError(header.number(), letter(i), text, "unknown column '" + text + "' in column "
            + letter(i) + "; the columns are id, name, kind, title, department, phone (phone 2 …), email, mobile,"
            + " greeting, handling, or their Swedish or Norwegian names"));
        continue;
      }
      // Several phone columns are fine ("Phone 1", "Phone 2"), but not two of the same name.
      Integer earlier = f == Field.PHONE ? phoneHeaders.putIfAbsent(key(text), i) : firstSeen.putIfAbsent(f, i);
      if (earlier != null) {
        String what = f == Field.PHONE ? "phone column of that name" : f.field + " column";
        errors.add(new RowError(header.number(), letter(i), text, "column " + letter(i) + " '" + text + "' is a second "
            + what + "; column " + letter(earlier) + " '" + header.cell(earlier).strip() + "' is the first"));
        continue;
      }
      if (f == Field.PHONE) columns.phones.add(i);
      else columns.single.put(f, i);
    }
    if (!columns.single.containsKey(Field.NAME))
      errors.add(new RowError(header.number(), null, null, "there is no name column (name, namn or navn)"));
    return columns;
  }

  private static Contact row(SheetRow r, Columns columns, Map<ContactId, Integer> seen, List<RowError> errors) {
    // A value under no header would be lost without a word.
    for (int i = 0; i < r.cells().size(); i++)
      if (!r.cell(i).isBlank() && !columns.hasField(i))
        errors.add(new RowError(r.number(), letter(i), null, "column " + letter(i)
            + " has a value but no header, so it would be lost; name the column or empty it"));

    String name = value(r, columns, Field.NAME);
    String email = value(r, columns, Field.EMAIL);

    Contact.Kind kind = null;
    String kindText = value(r, columns, Field.KIND);
    try {
      kind = kind(kindText);
    } catch (IllegalArgumentException e) {
      errors.add(error(r, columns, columns.of(Field.KIND), e.getMessage()));
    }

    List<String> phones = new ArrayList<>();
    for (int column : columns.phones)
      for (String number : PHONE_SEPARATORS.split(r.cell(column))) {
        if (number.isBlank()) continue;
        try {
          Contact.phone(Field.PHONE.field, number);
          phones.add(number);
        } catch (IllegalArgumentException e) {
          errors.add(error(r, columns, column, e.getMessage()));
        }
      }

    GreetingTemplate greeting = null;
    String greetingText = value(r, columns, Field.GREETING);
    if (greetingText != null)
      try {
        greeting = new GreetingTemplate(greetingText);
      } catch (IllegalArgumentException e) {
        errors.add(error(r, columns, columns.of(Field.GREETING), e.getMessage()));
      }

    ContactId id = null;
    Field idFrom = Field.ID;
    String idText = value(r, columns, Field.ID);
    if (idText != null) {
      try {
        id = ContactId.of(idText);
      } catch (IllegalArgumentException e) {
        errors.add(error(r, columns, columns.of(Field.ID), e.getMessage()));
      }
    } else {
      String fromEmail = emailId(email);
      idFrom = fromEmail.isEmpty() ? Field.NAME : Field.EMAIL;
      String derived = fromEmail.isEmpty() ? nameId(name) : fromEmail;
      if (derived != null) id = ContactId.of(derived);
    }
    if (id != null) {
      Integer earlier = seen.putIfAbsent(id, r.number());
      if (earlier != null)
        errors.add(error(r, columns, columns.of(idFrom), "id '" + id + "' is already used by row " + earlier
            + (idFrom == Field.ID ? "" : " (the id is made from the " + (idFrom == Field.EMAIL ? "e-mail" : "name")
            + " when there is no id column or it is empty; give the rows their own ids)")));
    }

    // Contact's own rules, with its own messages: each error sets its field aside and tries again,
    // so one row reports everything wrong with it, not just the first thing.
    String title = value(r, columns, Field.TITLE), department = value(r, columns, Field.DEPARTMENT);
    String mobile = value(r, columns, Field.MOBILE), handling = value(r, columns, Field.HANDLING);
    for (int attempt = 0; attempt <= Field.values().length; attempt++) {
      try {
        Contact c = new Contact(id == null ? ContactId.of("x") : id, kind, name, title, department, phones, email,
            mobile, greeting, handling, null);
        return errors.isEmpty() ? c : null;
      } catch (IllegalArgumentException e) {
        Field f = fieldOf(e.getMessage());
        errors.add(error(r, columns, f == null ? null : columns.of(f), e.getMessage()));
        if (f == null) return null;
        switch (f) {
          case NAME -> name = "x";
          case TITLE -> title = null;
          case DEPARTMENT -> department = null;
          case PHONE -> phones = List.of();
          case EMAIL -> email = null;
          case MOBILE -> mobile = null;
          case HANDLING -> handling = null;
          default -> { return null; }
        }
      }
    }
    return null;
  }

  private static String value(SheetRow r, Columns columns, Field f) {
    Integer column = columns.of(f);
    if (column == null) return null;
    String v = r.cell(column);
    return v.isBlank() ? null : v.strip();
  }

  private static RowError error(SheetRow r, Columns columns, Integer column, String message) {
    if (column == null) return new RowError(r.number(), null, null, message);
    return new RowError(r.number(), letter(column), columns.header.cell(column).strip(), message);
  }

  /** The field a constructor's message is about: its first word ("email is not an e-mail address"). */
  static Field fieldOf(String message) {
    if (message == null) return null;
    int end = 0;
    while (end < message.length() && Character.isLetter(message.charAt(end))) end++;
    return MESSAGE_FIELDS.get(message.substring(0, end));
  }

  /** person or department; Swedish and Norwegian avdelning/avdeling are departments; blank is a person. */
  static Contact.Kind kind(String text) {
    if (text == null || text.isBlank()) return Contact.Kind.PERSON;
    return switch (fold(text).strip()) {
      case "person" -> Contact.Kind.PERSON;
      case "department", "avdelning", "avdeling" -> Contact.Kind.DEPARTMENT;
      default -> throw new IllegalArgumentException("kind must be person or department (avdelning, avdeling); got '"
          + text.strip() + "'");
    };
  }

  // ---------------------------------------------------------------- ids

  /**
   * The id a contact without one gets, the same for the same row every time: the e-mail's local
   * part, else the name, folded to {@code [a-z0-9-]} ("Åsa Öberg" is {@code asa-oberg}), at most
   * {@link #MAX_ID} characters. A name with no letters that fold (only Cyrillic, say) gets
   * {@code contact-} and a hash of it. Null when there is neither.
   */
  public static String derivedId(String email, String name) {
    String fromEmail = emailId(email);
    return fromEmail.isEmpty() ? nameId(name) : fromEmail;
  }

  /** The e-mail's local part folded; "" when there is none. */
  private static String emailId(String email) {
    if (email == null) return "";
    int at = email.strip().indexOf('@');
    return at > 0 ? slug(email.strip().substring(0, at)) : "";
  }

  private static String nameId(String name) {
    if (name == null || name.isBlank()) return null;
    String s = slug(name);
    return s.isEmpty() ? "contact-" + hash(name.strip()) : s;
  }

  static String slug(String text) {
    String s = DASHES_AT_ENDS.matcher(NOT_SLUG.matcher(fold(text)).replaceAll("-")).replaceAll("");
    return s.length() > MAX_ID ? DASHES_AT_ENDS.matcher(s.substring(0, MAX_ID)).replaceAll("") : s;
  }

  /** A header as looked up: folded, letters and digits only ("E-post" is {@code epost}). */
  private static String key(String header) {
    return NOT_KEY.matcher(fold(header)).replaceAll("");
  }

  /** Lower case, accents dropped, and the Nordic letters that do not decompose spelled out. */
  static String fold(String text) {
    String s = MARKS.matcher(Normalizer.normalize(text.toLowerCase(Locale.ROOT), Normalizer.Form.NFD)).replaceAll("");
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case 'ø' -> out.append('o');
        case 'æ' -> out.append("ae");
        case 'œ' -> out.append("oe");
        case 'ß' -> out.append("ss");
        case 'đ', 'ð' -> out.append('d');
        case 'þ' -> out.append("th");
        case 'ł' -> out.append('l');
        case 'ı' -> out.append('i');
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static String hash(String text) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---------------------------------------------------------------- columns as letters

  /** A column's letters as a spreadsheet shows them: 0 is A, 25 is Z, 26 is AA. */
  public static String letter(int column) {
    StringBuilder s = new StringBuilder();
    for (int n = column + 1; n > 0; n = (n - 1) / 26) s.insert(0, (char) ('A' + (n - 1) % 26));
    return s.toString();
  }

  static int columnIndex(String letters) {
    int n = 0;
    for (int i = 0; i < letters.length(); i++) n = n * 26 + (letters.charAt(i) - 'A' + 1);
    return n - 1;
  }

  private static final class Errors {
    final List<RowError> kept = new ArrayList<>();
    int count;

    void add(RowError e) {
      count++;
      if (kept.size() < MAX_ERRORS) kept.add(e);
    }
  }

  private ContactImport() {}
}
