package io.switchboard.http.contactimport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.core.company.Contact;
import io.switchboard.core.company.ContactImport;
import io.switchboard.core.company.ContactImport.SheetRow;
import io.switchboard.http.contactimport.ContactSheets.Sheet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.apache.poi.hssf.usermodel.HSSFWorkbook;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;
import org.apache.poi.xssf.usermodel.XSSFRichTextString;
import org.apache.poi.xssf.usermodel.XSSFSheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;

/** Reading contact files (ANS-7): real .xlsx workbooks made with POI, CSV as Excel writes it, and what is refused. */
class ContactSheetsTest {

  static byte[] bytes(Workbook wb) throws IOException {
    try (wb; ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      wb.write(out);
      return out.toByteArray();
    }
  }

  static List<String> cells(String... cells) {
    return Arrays.asList(cells);
  }

  // ---------------------------------------------------------------- .xlsx

  /** Row 1 blank, header in row 2, data in 3 and 5 (4 blank); numbers, a formula and gaps. */
  static byte[] sampleWorkbook() throws IOException {
    XSSFWorkbook wb = new XSSFWorkbook();
    XSSFSheet s = wb.createSheet("Kontakter");
    Row h = s.createRow(1);
    String[] header = {"Namn", "Titel", "Telefon", "E-post", "Mobil", "Telefon 2"};
    for (int i = 0; i < header.length; i++) h.createCell(i).setCellValue(header[i]);

    Row anna = s.createRow(2);
    anna.createCell(0).setCellFormula("CONCATENATE(\"Anna\",\" \",\"Berg\")");
    // B empty: no cell at all
    anna.createCell(2).setCellValue(46812345678d); // a phone typed as a number
    anna.createCell(3).setCellValue("anna.berg@acme.se");
    anna.createCell(4).setCellFormula("46701234000+567"); // a numeric formula
    anna.createCell(5).setCellValue(4930123456789d); // 13 digits: Excel shows 4,93012E+12 in a narrow cell

    Row bo = s.createRow(4);
    bo.createCell(0).setCellValue("Bo Ek");
    bo.createCell(1).setCellValue(""); // an empty string cell
    CellStyle padded = wb.createCellStyle();
    padded.setDataFormat(wb.createDataFormat().getFormat("0000000000"));
    var phone = bo.createCell(2);
    phone.setCellValue(812345678d); // formatted with leading zeros, as Excel shows it
    phone.setCellStyle(padded);
    bo.createCell(5).setCellValue("+46 8 999 00 00");

    wb.createSheet("Other").createRow(0).createCell(0).setCellValue("not read");
    wb.getCreationHelper().createFormulaEvaluator().evaluateAll(); // Excel saves formula results; so do we
    return bytes(wb);
  }

  @Test
  void theFirstSheetOfAWorkbookWithCellsInTheirColumnsAndRowsAsExcelNumbersThem() throws IOException {
    Sheet sheet = ContactSheets.read(sampleWorkbook(), "Kontakter.XLSX");
    assertThat(sheet.header()).isEqualTo(new SheetRow(2, cells("Namn", "Titel", "Telefon", "E-post", "Mobil",
        "Telefon 2")));
    assertThat(sheet.rows()).containsExactly(
        new SheetRow(3, cells("Anna Berg", "", "46812345678", "anna.berg@acme.se", "46701234567", "4930123456789")),
        new SheetRow(5, cells("Bo Ek", "", "0812345678", "", "", "+46 8 999 00 00")));
  }

  @Test
  void aNumericPhoneIsNeverWrittenInScientificNotation() throws IOException {
    Sheet sheet = ContactSheets.read(sampleWorkbook(), "contacts.xlsx");
    assertThat(sheet.rows()).flatExtracting(SheetRow::cells).noneMatch(c -> c.matches(".*[0-9][.,][0-9]*E[+-]?[0-9]+.*"));
    assertThat(String.valueOf(46812345678d)).isEqualTo("4.6812345678E10"); // what a naive reader would give
  }

  @Test
  void aWorkbookBecomesContacts() throws IOException {
    ContactImport.Result r = ContactSheets.read(sampleWorkbook(), "contacts.xlsx").contacts();
    assertThat(r.errors()).isEmpty();
    assertThat(r.contacts()).extracting(c -> c.id().value()).containsExactly("anna-berg", "bo-ek");
    Contact anna = r.contacts().get(0);
    assertThat(anna.phones()).containsExactly("46812345678", "4930123456789");
    assertThat(anna.mobile()).isEqualTo("46701234567");
    assertThat(r.contacts().get(1).phones()).containsExactly("0812345678", "+4689990000");
  }

  @Test
  void theContentTypeWorksAsWellAsTheName() throws IOException {
    byte[] xlsx = sampleWorkbook();
    assertThat(ContactSheets.read(xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").rows())
        .hasSize(2);
    assertThat(ContactSheets.read(xlsx, "application/vnd.ms-excel").rows()).hasSize(2);
    assertThat(ContactSheets.read(new ByteArrayInputStream(xlsx), "x.xlsx").rows()).hasSize(2);
    assertThat(ContactSheets.read(xlsx, "C:\\Users\\eva\\Desktop\\kunder; mars.xlsx").rows()).hasSize(2);
    byte[] csv = "Name\nAnna\n".getBytes(StandardCharsets.UTF_8);
    for (String name : List.of("text/csv", "TEXT/CSV; charset=UTF-8", "uploads/contacts.CSV", "a;b.csv"))
      assertThat(ContactSheets.read(csv, name).rows()).as(name).hasSize(1);
  }

  @Test
  void inlineStringsAsStreamingWritersSaveThem() throws IOException {
    SXSSFWorkbook wb = new SXSSFWorkbook(); // inline strings, no shared strings table
    var s = wb.createSheet();
    s.createRow(0).createCell(0).setCellValue("Name");
    s.getRow(0).createCell(2).setCellValue("Email");
    s.createRow(1).createCell(0).setCellValue("Åsa Öberg");
    s.getRow(1).createCell(2).setCellValue("asa@acme.se");
    Sheet sheet = ContactSheets.read(bytes(wb), "x.xlsx");
    wb.dispose();
    assertThat(sheet.header().cells()).containsExactly("Name", "", "Email");
    assertThat(sheet.rows()).containsExactly(new SheetRow(2, cells("Åsa Öberg", "", "asa@acme.se")));
  }

  @Test
  void sharedStringsWithFormattingRunsAndEscapedCharactersReadAsTheirText() throws IOException {
    XSSFWorkbook wb = new XSSFWorkbook();
    var s = wb.createSheet();
    s.createRow(0).createCell(0).setCellValue("Name");
    s.getRow(0).createCell(1).setCellValue("Handling");
    XSSFRichTextString rich = new XSSFRichTextString("Anna Berg");
    var bold = wb.createFont();
    bold.setBold(true);
    rich.applyFont(0, 4, bold); // two runs: "Anna" bold, " Berg" plain
    s.createRow(1).createCell(0).setCellValue(rich);
    s.getRow(1).createCell(1).setCellValue("Rad 1\r\nRad 2\ttab");
    Sheet sheet = ContactSheets.read(bytes(wb), "x.xlsx");
    assertThat(sheet.rows()).containsExactly(new SheetRow(2, cells("Anna Berg", "Rad 1\r\nRad 2\ttab")));
  }

  @Test
  void sharedStringsAsExcelWritesThemPhoneticRunsLeftOutEscapesDecoded() throws Exception {
    String xml = "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"3\" uniqueCount=\"3\">"
        + "<si><t>Rad 1_x000D_\nRad 2</t></si>"
        + "<si><r><rPr><b/></rPr><t>Anna</t></r><r><t xml:space=\"preserve\"> Berg</t></r></si>"
        + "<si><t>東京</t><rPh sb=\"0\" eb=\"2\"><t>トウキョウ</t></rPh></si></sst>";
    ContactSheets.PlainSharedStrings strings = new ContactSheets.PlainSharedStrings();
    var reader = org.apache.poi.util.XMLHelper.newXMLReader();
    reader.setContentHandler(strings);
    reader.parse(new org.xml.sax.InputSource(new java.io.StringReader(xml)));
    assertThat(strings.getCount()).isEqualTo(3);
    assertThat(strings.getItemAt(0).getString()).isEqualTo("Rad 1\r\nRad 2");
    assertThat(strings.getItemAt(1).toString()).isEqualTo("Anna Berg");
    assertThat(strings.getItemAt(2).getString()).isEqualTo("東京");
  }

  @Test
  void anEmptyWorkbookHasNoHeader() throws IOException {
    XSSFWorkbook wb = new XSSFWorkbook();
    wb.createSheet();
    Sheet sheet = ContactSheets.read(bytes(wb), "x.xlsx");
    assertThat(sheet.header()).isNull();
    assertThat(sheet.contacts().errors()).extracting(ContactImport.RowError::message)
        .containsExactly("the file is empty: there is no header row naming the columns");
  }

  @Test
  void tenThousandRowsAreStreamed() throws IOException {
    // Shared strings, as Excel writes them; the streaming writer keeps the test's own memory small.
    SXSSFWorkbook wb = new SXSSFWorkbook(new XSSFWorkbook(), 200, true, true);
    var s = wb.createSheet("Contacts");
    Row h = s.createRow(0);
    String[] header = {"Id", "Namn", "Typ", "Titel", "Avdelning", "Telefon", "E-post", "Mobil", "Hälsning", "Instruktion"};
    for (int i = 0; i < header.length; i++) h.createCell(i).setCellValue(header[i]);
    for (int n = 1; n <= 10_000; n++) {
      Row r = s.createRow(n);
      r.createCell(0).setCellValue("c" + n);
      r.createCell(1).setCellValue("Person Nummer " + n);
      r.createCell(2).setCellValue(n % 10 == 0 ? "avdelning" : "person");
      r.createCell(3).setCellValue("Handläggare");
      r.createCell(4).setCellValue("Avdelning " + (n % 40));
      r.createCell(5).setCellValue(46_800_000_000d + n);
      r.createCell(6).setCellValue("person" + n + "@example.se");
      if (n % 3 == 0) r.createCell(7).setCellValue("070-" + (1_000_000 + n));
      r.createCell(8).setCellValue("Välkommen till {COMP}, " + n);
      r.createCell(9).setCellValue("Koppla till växeln om ingen svarar");
    }
    byte[] file = bytes(wb);
    wb.dispose();

    Sheet sheet = ContactSheets.read(file, "contacts.xlsx");
    assertThat(sheet.rows()).hasSize(10_000);
    assertThat(sheet.rows().get(9_999).number()).isEqualTo(10_001);
    assertThat(sheet.rows().get(9_999).cell(5)).isEqualTo("46800010000");
    ContactImport.Result r = sheet.contacts();
    assertThat(r.errors()).isEmpty();
    assertThat(r.rowsRead()).isEqualTo(10_000);
    assertThat(r.contacts()).hasSize(10_000);
  }

  @Test
  void aWorkbookIsReadOnlyToOneRowPastTheLimit() throws IOException {
    SXSSFWorkbook wb = new SXSSFWorkbook(new XSSFWorkbook(), 200, true, true);
    var s = wb.createSheet();
    s.createRow(0).createCell(0).setCellValue("Name");
    for (int n = 1; n <= ContactImport.MAX_ROWS + 10; n++) s.createRow(n).createCell(0).setCellValue("P" + n);
    byte[] file = bytes(wb);
    wb.dispose();
    Sheet sheet = ContactSheets.read(file, "x.xlsx");
    assertThat(sheet.rows()).hasSize(ContactImport.MAX_ROWS + 1);
    assertThat(sheet.contacts().errors()).singleElement()
        .satisfies(e -> assertThat(e.message()).startsWith("the file is too large"));
  }

  @Test
  void aValueFarToTheRightIsRefused() throws IOException {
    XSSFWorkbook wb = new XSSFWorkbook();
    var s = wb.createSheet();
    s.createRow(0).createCell(0).setCellValue("Name");
    s.createRow(1).createCell(0).setCellValue("Anna");
    s.getRow(1).createCell(1000).setCellValue("far away");
    assertThatThrownBy(() -> ContactSheets.read(bytes(wb), "x.xlsx")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("row 2 has a value in column ALM; a contact sheet has at most 100 columns (A to CV)");
  }

  // ---------------------------------------------------------------- refused

  @Test
  void anOldXlsIsRefusedSayingWhatIsAccepted() throws IOException {
    HSSFWorkbook wb = new HSSFWorkbook();
    wb.createSheet().createRow(0).createCell(0).setCellValue("Name");
    byte[] xls = bytes(wb);
    for (String name : List.of("contacts.xls", "application/vnd.ms-excel", "contacts.xlsx", "contacts.csv"))
      assertThatThrownBy(() -> ContactSheets.read(xls, name)).as(name).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(".xls").hasMessageContaining(".xlsx").hasMessageContaining("CSV");
    assertThatThrownBy(() -> ContactSheets.read("Name\nAnna".getBytes(StandardCharsets.UTF_8), "contacts.xls"))
        .hasMessageStartingWith("old Excel .xls files cannot be read");
  }

  @Test
  void otherFormatsAreRefusedSayingWhichAreAccepted() {
    byte[] text = "Name\nAnna\n".getBytes(StandardCharsets.UTF_8);
    for (String name : List.of("contacts.pdf", "contacts.ods", "contacts", "application/json", "text/html", " "))
      assertThatThrownBy(() -> ContactSheets.read(text, name)).as(name).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(ContactSheets.ACCEPTED);
    assertThatThrownBy(() -> ContactSheets.read(text, null)).hasMessageContaining("without a name or type");
    assertThatThrownBy(() -> ContactSheets.read(new byte[0], "x.csv")).hasMessage("the file is empty");
  }

  @Test
  void aCorruptWorkbookIsAClearErrorNotAStackTrace() throws IOException {
    byte[] good = sampleWorkbook();
    byte[] truncated = Arrays.copyOf(good, good.length / 2);
    assertThatThrownBy(() -> ContactSheets.read(truncated, "x.xlsx")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the file cannot be read as an .xlsx workbook (");

    assertThatThrownBy(() -> ContactSheets.read("Name;Phone\nAnna;081".getBytes(StandardCharsets.UTF_8), "x.xlsx"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("the file is not an .xlsx workbook");

    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(zip)) {
      z.putNextEntry(new ZipEntry("readme.txt"));
      z.write("not a workbook".getBytes(StandardCharsets.UTF_8));
    }
    assertThatThrownBy(() -> ContactSheets.read(zip.toByteArray(), "x.xlsx"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("the file cannot be read as an .xlsx");
  }

  @Test
  void aZipBombIsRefusedByPoisDefaultGuard() throws IOException {
    // The sample workbook with one more part that inflates a thousandfold.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(sampleWorkbook()));
        ZipOutputStream z = new ZipOutputStream(out)) {
      for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
        z.putNextEntry(new ZipEntry(e.getName()));
        in.transferTo(z);
      }
      z.putNextEntry(new ZipEntry("xl/media/padding.xml"));
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 20; i++) z.write(zeros);
    }
    assertThatThrownBy(() -> ContactSheets.read(out.toByteArray(), "x.xlsx"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zip bomb");
  }

  // ---------------------------------------------------------------- .csv

  @Test
  void utf8WithAByteOrderMarkAndCommas() {
    byte[] csv = ("\uFEFFName,Phone,Email\r\nÅsa Öberg,08-123 45 67,asa@acme.se\r\n").getBytes(StandardCharsets.UTF_8);
    assertThat(csv[0]).isEqualTo((byte) 0xEF);
    Sheet sheet = ContactSheets.read(csv, "contacts.csv");
    assertThat(sheet.header()).isEqualTo(new SheetRow(1, cells("Name", "Phone", "Email")));
    assertThat(sheet.rows()).containsExactly(new SheetRow(2, cells("Åsa Öberg", "08-123 45 67", "asa@acme.se")));
  }

  @Test
  void windows1252WithSemicolonsAsExcelSavesItOnSwedishWindows() {
    byte[] csv = "Namn;Telefon;E-post\r\nÅsa Öberg;08-123 45 67;asa@acme.se\r\n"
        .getBytes(Charset.forName("windows-1252"));
    assertThat(csv).doesNotContain((byte) 0xC3); // not UTF-8
    Sheet sheet = ContactSheets.read(csv, "text/csv");
    assertThat(sheet.rows()).containsExactly(new SheetRow(2, cells("Åsa Öberg", "08-123 45 67", "asa@acme.se")));
    assertThat(sheet.contacts().contacts().get(0).id().value()).isEqualTo("asa");
  }

  @Test
  void utf8WithoutAByteOrderMarkAndTabs() {
    byte[] csv = "Namn\tTelefon\nSøren Ærø\t22 33 44 55\n".getBytes(StandardCharsets.UTF_8);
    assertThat(ContactSheets.read(csv, "text/csv; charset=utf-8").rows())
        .containsExactly(new SheetRow(2, cells("Søren Ærø", "22 33 44 55")));
  }

  @Test
  void aQuotedFieldMayHoldNewlinesSeparatorsAndQuotesAndRowsAreCountedAsExcelShowsThem() {
    String csv = """
        Namn;Instruktion;Telefon
        Anna;"Ring först.
        Sedan ""mejla""; inte sms";081

        Bo;Koppla;082
        """;
    Sheet sheet = ContactSheets.read(csv.getBytes(StandardCharsets.UTF_8), "x.csv");
    assertThat(sheet.rows()).containsExactly(
        new SheetRow(2, cells("Anna", "Ring först.\nSedan \"mejla\"; inte sms", "081")),
        new SheetRow(4, cells("Bo", "Koppla", "082")));
    ContactImport.Result r = sheet.contacts();
    assertThat(r.errors()).isEmpty();
    assertThat(r.contacts().get(0).handling()).isEqualTo("Ring först.\nSedan \"mejla\"; inte sms");
  }

  @Test
  void theSampleFileInTheDocsImports() throws IOException {
    byte[] sample = java.nio.file.Files.readAllBytes(java.nio.file.Path.of("..", "docs", "samples", "contacts.csv"));
    Sheet sheet = ContactSheets.read(sample, "contacts.csv");
    ContactImport.Result r = sheet.contacts();
    assertThat(r.errors()).isEmpty();
    assertThat(sheet.rows()).extracting(SheetRow::number).containsExactly(2, 3, 4, 5, 6);
    assertThat(r.contacts()).extracting(c -> c.id().value())
        .containsExactly("asa-oberg", "bo-ek", "kundtjanst", "eva-lind", "vaxeln");
    Contact support = r.contacts().get(2);
    assertThat(support.kind()).isEqualTo(Contact.Kind.DEPARTMENT);
    assertThat(support.phones()).containsExactly("081234570", "081234571");
    assertThat(support.handling()).isEqualTo("Fråga efter ordernummer.\nKoppla sedan till första lediga.");
  }

  @Test
  void theSeparatorComesFromTheHeaderLine() {
    assertThat(ContactSheets.delimiter("Name;Phone;\"Email, work\"")).isEqualTo(';');
    assertThat(ContactSheets.delimiter("Name,Phone,\"Email; work\"")).isEqualTo(',');
    assertThat(ContactSheets.delimiter("Name\tPhone\tEmail, work")).isEqualTo('\t');
    assertThat(ContactSheets.delimiter("Name;Phone, work")).isEqualTo(';');
    assertThat(ContactSheets.delimiter("Name")).isEqualTo(',');
    // Excel's "sep=" line sets it and is not a row
    Sheet sheet = ContactSheets.read("sep=|\r\nName|Phone\r\nAnna|081\r\n".getBytes(StandardCharsets.UTF_8), "x.csv");
    assertThat(sheet.header()).isEqualTo(new SheetRow(1, cells("Name", "Phone")));
    assertThat(sheet.rows()).containsExactly(new SheetRow(2, cells("Anna", "081")));
  }

  @Test
  void csvRowsAreCellsInTheirColumnsAndBadRowsGetRowErrors() {
    byte[] csv = "Name;Title;Email\nAnna;;anna@acme.se\nBo;Chef;bo at acme\n".getBytes(StandardCharsets.UTF_8);
    ContactImport.Result r = ContactSheets.read(csv, "application/vnd.ms-excel").contacts();
    assertThat(r.errors()).containsExactly(
        new ContactImport.RowError(3, "C", "Email", "email is not an e-mail address: bo at acme"));
  }

  @Test
  void anUnterminatedQuoteIsAClearError() {
    byte[] csv = "Name;Handling\nAnna;ok\nBo;\"never closed\n".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> ContactSheets.read(csv, "x.csv")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the CSV file cannot be read after row 2: ");
  }

  @Test
  void readingStopsOneRowPastTheLimitAndTheImportSaysTheFileIsTooLarge() {
    StringBuilder csv = new StringBuilder("Name\n");
    for (int i = 0; i < ContactImport.MAX_ROWS + 100; i++) csv.append("Person ").append(i).append('\n');
    Sheet sheet = ContactSheets.read(csv.toString().getBytes(StandardCharsets.UTF_8), "x.csv");
    assertThat(sheet.rows()).hasSize(ContactImport.MAX_ROWS + 1);
    assertThat(sheet.contacts().errors()).singleElement()
        .satisfies(e -> assertThat(e.message()).startsWith("the file is too large"));
  }

  @Test
  void decodingFallsBackToWindows1252OnlyWhenTheBytesAreNotUtf8() {
    assertThat(ContactSheets.decode("Öberg".getBytes(StandardCharsets.UTF_8))).isEqualTo("Öberg");
    assertThat(ContactSheets.decode("Öberg".getBytes(Charset.forName("windows-1252")))).isEqualTo("Öberg");
    assertThat(ContactSheets.decode("€ – Öberg".getBytes(Charset.forName("windows-1252")))).isEqualTo("€ – Öberg");
    byte[] utf16 = "\uFEFFNamn\tÖberg".getBytes(StandardCharsets.UTF_16LE);
    assertThat(ContactSheets.decode(utf16)).isEqualTo("Namn\tÖberg");
  }
}
