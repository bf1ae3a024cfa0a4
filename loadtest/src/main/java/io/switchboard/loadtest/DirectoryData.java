package io.switchboard.loadtest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

/**
 * A made-up but life-like answering-service directory: client companies with a greeting, a
 * profile and staff lists written the way clients send them (docs/contact-import.md: the Swedish
 * headers of docs/samples/contacts.csv), as CSV or as an Excel workbook. Everything follows from
 * the company's number and a seed, so a run can be repeated.
 */
final class DirectoryData {

  /** The columns of every generated file, as in docs/samples/contacts.csv. */
  static final List<String> HEADERS =
      List.of("Namn", "Typ", "Titel", "Avdelning", "Telefon", "Telefon 2", "E-post", "Mobil", "Hälsning", "Instruktion");

  private static final String[] FIRST = {"Anna", "Åsa", "Eva", "Maria", "Karin", "Sara", "Lena", "Kerstin", "Emma",
      "Ingrid", "Malin", "Sofia", "Linnéa", "Elin", "Ida", "Hanna", "Johanna", "Marie", "Birgitta", "Helena", "Camilla",
      "Annika", "Therese", "Frida", "Ylva", "Erik", "Lars", "Karl", "Anders", "Johan", "Per", "Nils", "Mikael", "Jan",
      "Hans", "Peter", "Olof", "Björn", "Fredrik", "Mats", "Magnus", "Stefan", "Jonas", "Henrik", "Gustav", "Oskar",
      "Göran", "Ulf", "Bo", "Søren", "Mette", "Jørgen", "Åke", "André", "José", "Aisha", "Mohammed", "Ali", "Yusuf",
      "Fatima", "Mei", "Ngoc Anh", "Liam", "Noah", "Olivia"};
  private static final String[] LAST = {"Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson",
      "Olsson", "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson",
      "Jönsson", "Lindberg", "Jakobsson", "Magnusson", "Olofsson", "Lindström", "Lindqvist", "Lindgren", "Berg",
      "Axelsson", "Bergström", "Lundberg", "Lind", "Lundgren", "Lundqvist", "Mattsson", "Berglund", "Fredriksson",
      "Sandberg", "Henriksson", "Forsberg", "Sjöberg", "Wallin", "Engström", "Eklund", "Danielsson", "Håkansson",
      "Öberg", "Ek", "Nyström", "Holmberg", "Åberg", "Strand", "Hedlund", "Sundberg", "Nguyen", "Ahmed", "Hussein",
      "Østergaard", "Mäkinen", "Virtanen", "Kowalski", "García", "de la Cruz", "Af Klint"};
  private static final String[] DEPARTMENTS = {"Ledning", "Ekonomi", "Försäljning", "Kundtjänst", "Marknad", "IT",
      "HR", "Inköp", "Logistik", "Produktion", "Juridik", "Service", "Lager", "Kvalitet", "Utveckling"};
  private static final String[] TITLES = {"Vd", "Ekonomichef", "Controller", "Redovisningsekonom", "Säljare",
      "Key account manager", "Säljchef", "Kundtjänstmedarbetare", "Teamledare", "Marknadschef",
      "Kommunikatör", "IT-tekniker", "Systemutvecklare", "HR-partner", "Rekryterare", "Inköpare", "Logistiker",
      "Produktionsledare", "Projektledare", "Bolagsjurist", "Servicetekniker", "Lagerarbetare", "Kvalitetsansvarig",
      "Konsult", "Receptionist", "Assistent", "Ingenjör", "Arkitekt", "Affärsområdeschef", "Ordermottagare"};
  private static final String[] HANDLINGS = {"Koppla bara samtal om avtal, annars meddelande",
      "Ta alltid meddelande, ringer tillbaka samma dag", "Koppla till mobilen om det brådskar",
      "Hänvisa leverantörer till inköp", "Sms:a alltid vem som ringt", "Koppla endast kunder med avtal"};
  private static final String[] BUSINESS = {"Bygg", "Redovisning", "Advokatbyrå", "Tandvård", "Fastigheter",
      "Transport", "Konsult", "Elteknik", "VVS", "Måleri", "Bilverkstad", "Revision", "Arkitekter", "Städservice",
      "Golv", "Säkerhet", "Data", "Reklambyrå", "Begravningsbyrå", "Veterinär"};
  private static final String[] FORMS = {"AB", "AB", "AB", "HB", "& Co", "Aktiebolag", "Sverige AB", "Norden AB"};
  private static final String[] GREETINGS = {
      "%s, god dag, du talar med växeln. Du ringer från {ANO}.",
      "Välkommen till %s! Du ringer från {ANO}, vad kan jag hjälpa dig med?",
      "%s, hej och välkommen. Samtal från {ANO}.",
      "Good afternoon, %s, how may I help you? Caller {ANO}."};
  private static final String[] REASONS = {"lunch", "meeting", "vacation", "sick", "off", "other"};
  private static final String[] NOTES = {"Tillbaka efter lunch", "I möte till 15", "Semester, åter måndag",
      "Sjuk idag", "Ledig", "På kurs hela dagen, hänvisa till kollega"};

  /** One client company and its profile. */
  record Company(int index, String id, String name, String number, String domain, String greeting) {
    /** The greeting as the agent must see it for a call from {@code caller}. */
    String greetingFor(String caller) {
      return greeting.replace("{ANO}", caller);
    }
  }

  /** One row of a staff list, as written in the file (numbers as people write them). */
  record Person(String id, boolean department, String name, String title, String dept, String phone, String phone2,
      String email, String mobile, String greeting, String handling) {
    List<String> cells() {
      return java.util.Arrays.asList(name, department ? "avdelning" : "person", title, dept, phone, phone2, email, mobile,
          greeting, handling);
    }
  }

  private DirectoryData() {}

  static String companyId(int k) {
    return "co-" + (k + 1);
  }

  /** Company {@code k}'s dialled number: +4685 and eight digits. */
  static String companyNumber(int k) {
    return String.format("+4685%08d", k + 1);
  }

  static Company company(int k) {
    Random r = new Random(1_000_003L * (k + 1));
    String surname = LAST[r.nextInt(LAST.length)];
    String business = BUSINESS[r.nextInt(BUSINESS.length)];
    String name = switch (r.nextInt(4)) {
      case 0 -> surname + "s " + business + " " + FORMS[r.nextInt(FORMS.length)];
      case 1 -> business + " " + surname + " & " + LAST[r.nextInt(LAST.length)] + " " + FORMS[r.nextInt(FORMS.length)];
      case 2 -> "Nordic " + business + " " + (k + 1) + " AB";
      default -> surname + " " + business + " i " + List.of("Stockholm", "Göteborg", "Malmö", "Uppsala", "Umeå")
          .get(r.nextInt(5)) + " AB";
    };
    String domain = ascii(surname.toLowerCase(Locale.ROOT)).replaceAll("[^a-z0-9]", "") + (k + 1) + ".se";
    String greeting = String.format(GREETINGS[r.nextInt(GREETINGS.length)], name);
    return new Company(k, companyId(k), name, companyNumber(k), domain, greeting);
  }

  /**
   * The company's profile (docs/rest-api.md "Company cards"): its greeting, information, standard
   * and out-of-hours handling (every third a wait list), business hours, on every second the
   * office-hours {@code calendar}, every fourth a CRM link, every fifth an FAQ.
   */
  static Map<String, Object> profile(Company c, String calendar) {
    int k = c.index();
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("greeting", c.greeting());
    p.put("information", c.name() + " har öppet vardagar 08-17. Besöksadress Storgatan " + (k % 90 + 1)
        + ", " + (k % 2 == 0 ? "Stockholm" : "Göteborg") + ". Fakturafrågor hänvisas till ekonomi@" + c.domain()
        + ". Leveranser tas emot vid port 3 före klockan 15.");
    p.put("standardHandling", k % 3 == 0
        ? Map.of("type", "waitList", "text", "Meddela att samtalet kopplas, sedan till receptionen",
            "target", String.format("08-50%d %02d %02d", k % 10, k % 100, (k / 100) % 100), "fallback", "070-555 00 00")
        : Map.of("type", "note", "text", "Ta meddelande och skicka till kontaktpersonen"));
    p.put("outOfHoursHandling", Map.of("type", "note", "text", "Stängt: erbjud att vi ringer upp nästa vardag"));
    p.put("businessHours", "Mån-fre 08.00-17.00, lunchstängt 12-13");
    if (calendar != null && k % 2 == 0) p.put("calendar", calendar);
    p.put("tone", k % 3 == 1 ? "informal" : "formal");
    p.put("ownNumbers", List.of(String.format("08-55%06d", k + 1)));
    if (k % 4 == 0) p.put("screenPopUrls", List.of("https://crm.example.se/lookup?phone={ANO}&agent={AID}&call={CALLID}"));
    if (k % 5 == 0)
      p.put("faq", List.of(
          Map.of("id", "priser", "title", "Priser", "answer", "Prislista finns på webben"),
          Map.of("id", "leverans", "title", "Leveranser", "answer", "Leverans inom 3 arbetsdagar",
              "children", List.of(Map.of("id", "retur", "title", "Returer", "answer", "Retur inom 30 dagar")))));
    return p;
  }

  /** A current exception (ANS-12) for every tenth company, lasting two days from {@code now}. */
  static Map<String, Object> exception(Company c, Instant now) {
    return Map.of("handling", Map.of("type", "note", "text", "Kontoret stängt för personalkonferens: ta meddelande"),
        "until", now.plus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString());
  }

  static boolean hasException(Company c) {
    return c.index() % 10 == 0;
  }

  /**
   * {@code n} staff: about 2 % departments, the rest people with a title, department, desk phone,
   * e-mail (unique local part: the contact's id) and mostly a mobile; some with a handling note.
   * Desk phones are 08-5xx xx xx, unique in the directory for companies below 5,000.
   */
  static List<Person> staff(Company c, int n) {
    Random r = new Random(7_919L * (c.index() + 1) + n);
    List<Person> out = new ArrayList<>(n);
    Set<String> used = new HashSet<>();
    int departments = Math.min(DEPARTMENTS.length, Math.max(n >= 20 ? 1 : 0, n / 50));
    for (int j = 0; j < n; j++) {
      long serial = (long) c.index() * 1000 + (j % 1000) + (j / 1000) * 5_000_000L;
      String desk = String.format("08-%03d %02d %02d", 500 + (serial / 10000) % 500, (serial / 100) % 100, serial % 100);
      if (j < departments) {
        String dept = DEPARTMENTS[j];
        String local = ascii(dept.toLowerCase(Locale.ROOT));
        used.add(local);
        out.add(new Person(local, true, dept, null, dept, desk, null, local + "@" + c.domain(), null,
            j == 0 ? c.name() + " " + dept.toLowerCase(Locale.ROOT) + ", god dag" : null, "Fråga efter ärendenummer"));
        continue;
      }
      String first = FIRST[r.nextInt(FIRST.length)];
      String last = LAST[r.nextInt(LAST.length)];
      String base = ascii((first + "." + last).toLowerCase(Locale.ROOT)).replace(' ', '.');
      String local = base;
      for (int i = 2; !used.add(local); i++) local = base + i;
      String mobile = r.nextInt(10) < 8 ? String.format("07%d-%03d %02d %02d", new int[] {0, 2, 3, 6}[r.nextInt(4)],
          r.nextInt(1000), r.nextInt(100), r.nextInt(100)) : null;
      String phone2 = r.nextInt(10) == 0 ? String.format("08-%03d %02d %02d", 500 + r.nextInt(500), r.nextInt(100), r.nextInt(100)) : null;
      out.add(new Person(local.replace('.', '-'), false, first + " " + last, TITLES[r.nextInt(TITLES.length)],
          DEPARTMENTS[r.nextInt(DEPARTMENTS.length)], desk, phone2, local + "@" + c.domain(), mobile, null,
          r.nextInt(10) == 0 ? HANDLINGS[r.nextInt(HANDLINGS.length)] : null));
    }
    return out;
  }

  /** Every twentieth person (5 %) gets a redirect: reason, note and, for most, an end some days ahead. */
  static boolean redirected(int j) {
    return j % 20 == 7;
  }

  static Map<String, Object> redirect(int j, Instant now) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("reason", REASONS[j % REASONS.length]);
    if (j % 3 != 0) m.put("until", now.plus(3 + j % 5, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString());
    m.put("note", NOTES[j % NOTES.length]);
    return m;
  }

  /** The staff as CSV the way Swedish Excel saves it: {@code ;}-separated, quoted where needed, UTF-8. */
  static byte[] csv(List<Person> staff) {
    StringBuilder b = new StringBuilder(staff.size() * 160);
    b.append(String.join(";", HEADERS)).append("\r\n");
    for (Person p : staff) {
      List<String> cells = p.cells();
      for (int i = 0; i < cells.size(); i++) {
        if (i > 0) b.append(';');
        String v = cells.get(i);
        if (v == null) continue;
        if (v.indexOf(';') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0)
          b.append('"').append(v.replace("\"", "\"\"")).append('"');
        else b.append(v);
      }
      b.append("\r\n");
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The staff as an Excel workbook (.xlsx): one sheet, a header row, every cell text, kept in the
   * shared strings table as Excel itself writes them.
   */
  static byte[] xlsx(List<Person> staff) throws IOException {
    try (XSSFWorkbook wb = new XSSFWorkbook()) {
      Sheet sheet = wb.createSheet("Kontakter");
      Row header = sheet.createRow(0);
      for (int i = 0; i < HEADERS.size(); i++) header.createCell(i).setCellValue(HEADERS.get(i));
      int row = 1;
      for (Person p : staff) {
        Row x = sheet.createRow(row++);
        List<String> cells = p.cells();
        for (int i = 0; i < cells.size(); i++) if (cells.get(i) != null) x.createCell(i).setCellValue(cells.get(i));
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      wb.write(bytes);
      return bytes.toByteArray();
    }
  }

  /** Lower-case Nordic and accented letters spelled in ASCII, as the import folds ids. */
  static String ascii(String s) {
    String t = s.replace("ø", "o").replace("æ", "ae").replace("ß", "ss");
    return java.text.Normalizer.normalize(t, java.text.Normalizer.Form.NFD).replaceAll("\\p{M}", "");
  }
}
