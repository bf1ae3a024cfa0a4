package io.switchboard.http.contactimport;

import io.switchboard.core.company.ContactImport;
import io.switchboard.core.company.ContactImport.SheetRow;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.ParserConfigurationException;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.poi.openxml4j.exceptions.OpenXML4JException;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.Font;
import org.apache.poi.ss.usermodel.RichTextString;
import org.apache.poi.util.XMLHelper;
import org.apache.poi.xssf.eventusermodel.XSSFReader;
import org.apache.poi.xssf.eventusermodel.XSSFSheetXMLHandler;
import org.apache.poi.xssf.model.SharedStrings;
import org.apache.poi.xssf.model.StylesTable;
import org.apache.poi.xssf.usermodel.XSSFComment;
import org.apache.poi.xssf.usermodel.XSSFRelation;
import org.xml.sax.Attributes;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.XMLReader;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Reads a contact file (ANS-7) into a header row and data rows for {@link ContactImport}: the first
 * sheet of an .xlsx workbook, streamed (no workbook is built: 10,000 rows are read in a 24 MB heap),
 * or a .csv file in UTF-8 or Windows-1252 with {@code ;}, {@code ,} or tab between the fields.
 * Cells read as the spreadsheet shows them, row numbers are the spreadsheet's. Blank rows are left
 * out; reading stops one row past {@link ContactImport#MAX_ROWS}, which the import refuses.
 * Anything it cannot read is an {@link IllegalArgumentException} saying why. How large an upload
 * may be is the REST layer's to limit.
 */
public final class ContactSheets {

  /** Columns read at most: a contact sheet has a dozen; a value further right is refused. */
  public static final int MAX_COLUMNS = 100;

  public static final String ACCEPTED = "accepted are .xlsx (Excel workbook) and .csv (fields separated by"
      + " ; or , or tab, in UTF-8 or Windows-1252)";

  private static final String XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  /** What browsers on Windows send for a .csv file when Excel is installed; and for an old .xls. */
  private static final String MS_EXCEL_TYPE = "application/vnd.ms-excel";
  private static final List<String> CSV_TYPES =
      List.of("text/csv", "application/csv", "text/comma-separated-values", "text/x-csv", "application/x-csv");

  /** The header (the first row that is not blank; null when there is none) and the data rows under it. */
  public record Sheet(SheetRow header, List<SheetRow> rows) {
    public Sheet {
      rows = List.copyOf(rows);
    }

    /** The contacts in this sheet, or what is wrong with it. */
    public ContactImport.Result contacts() {
      return ContactImport.read(header, rows);
    }
  }

  private enum Format { XLSX, CSV }

  public static Sheet read(InputStream in, String filenameOrContentType) throws IOException {
    return read(in.readAllBytes(), filenameOrContentType);
  }

  /**
   * The rows of {@code bytes}, whose format the file name ({@code contacts.xlsx}) or content type
   * ({@code text/csv}) tells, checked against the bytes themselves.
   */
  public static Sheet read(byte[] bytes, String filenameOrContentType) {
    if (bytes == null || bytes.length == 0) throw new IllegalArgumentException("the file is empty");
    return switch (format(bytes, filenameOrContentType)) {
      case XLSX -> readXlsx(bytes);
      case CSV -> readCsv(bytes);
    };
  }

  // ---------------------------------------------------------------- which format

  private static Format format(byte[] bytes, String nameOrType) {
    String s = nameOrType == null ? "" : nameOrType.strip().toLowerCase(Locale.ROOT);
    boolean zip = startsWith(bytes, 0x50, 0x4B, 0x03, 0x04);
    boolean ole2 = startsWith(bytes, 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1);
    // Either a file name (maybe with a path) or a content type (maybe with parameters): try both readings.
    String type = s.replaceFirst("\\s*;.*", "");
    String base = s.substring(Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\')) + 1);
    String ext = base.lastIndexOf('.') < 0 ? "" : base.substring(base.lastIndexOf('.') + 1);
    boolean xlsx = XLSX_TYPE.equals(type) || "xlsx".equals(ext);
    boolean csv = CSV_TYPES.contains(type) || "csv".equals(ext);
    boolean either = MS_EXCEL_TYPE.equals(type);
    if ("xls".equals(ext) || (either && ole2))
      throw new IllegalArgumentException("old Excel .xls files cannot be read: open it in Excel and save it as"
          + " Excel Workbook (.xlsx) or CSV; " + ACCEPTED);
    if (!xlsx && !csv && !either)
      throw new IllegalArgumentException("cannot read " + (s.isEmpty() ? "a file without a name or type" : "'"
          + nameOrType.strip() + "'") + "; " + ACCEPTED);
    if (ole2)
      throw new IllegalArgumentException("the file is an old .xls workbook or a password-protected one: save it as"
          + " an Excel Workbook (.xlsx) without a password, or as CSV");
    if (zip) return Format.XLSX; // an .xlsx under a .csv name is still an .xlsx
    if (xlsx) throw new IllegalArgumentException("the file is not an .xlsx workbook (it is not a zip file);"
        + " save it from Excel as Excel Workbook (.xlsx) or as CSV");
    return Format.CSV;
  }

  private static boolean startsWith(byte[] bytes, int... magic) {
    if (bytes.length < magic.length) return false;
    for (int i = 0; i < magic.length; i++) if ((bytes[i] & 0xFF) != magic[i]) return false;
    return true;
  }

  // ---------------------------------------------------------------- the rows

  /** Collects rows: the first that is not blank is the header; blank ones are dropped. */
  private static final class Rows {
    SheetRow header;
    final List<SheetRow> data = new ArrayList<>();

    /** False once one row past the import's limit is in: there is no point reading on. */
    boolean add(int number, List<String> cells) {
      SheetRow row = new SheetRow(number, cells);
      if (row.blank()) return true;
      if (header == null) header = row;
      else data.add(row);
      return data.size() <= ContactImport.MAX_ROWS;
    }

    Sheet sheet() {
      return new Sheet(header, data);
    }
  }

  private static IllegalArgumentException tooWide(int row, int column) {
    return new IllegalArgumentException("row " + row + " has a value in column " + ContactImport.letter(column)
        + "; a contact sheet has at most " + MAX_COLUMNS + " columns (A to " + ContactImport.letter(MAX_COLUMNS - 1)
        + ")");
  }

  // ---------------------------------------------------------------- .xlsx

  /** Thrown from the SAX handler to stop reading: the limit is reached. */
  private static final class Enough extends RuntimeException {
    Enough() {
      super(null, null, false, false);
    }
  }

  private static Sheet readXlsx(byte[] bytes) {
    Rows rows = new Rows();
    OPCPackage pkg = null;
    try {
      // POI's zip bomb guard (ZipSecureFile: inflation ratio, entry size) applies as configured by default.
      pkg = OPCPackage.open(new ByteArrayInputStream(bytes));
      XSSFReader reader = new XSSFReader(pkg);
      SharedStrings strings = PlainSharedStrings.of(pkg);
      StylesTable styles = reader.getStylesTable();
      Iterator<InputStream> sheets = reader.getSheetsData();
      if (!sheets.hasNext()) return rows.sheet();
      try (InputStream sheet = sheets.next()) {
        XMLReader xml = XMLHelper.newXMLReader();
        xml.setContentHandler(new XSSFSheetXMLHandler(styles, null, strings, new SheetCells(rows), new ShownValues(),
            false));
        xml.parse(new InputSource(sheet));
      }
    } catch (Enough e) {
      // one row past the limit: the import says the file is too large
    } catch (TooWide e) {
      throw e.error;
    } catch (IOException | OpenXML4JException | SAXException | ParserConfigurationException | RuntimeException e) {
      // RuntimeException too: POI reports a damaged package as POIXMLException, NotOfficeXmlFileException and others
      if (e.getCause() instanceof Enough) return rows.sheet();
      if (e.getCause() instanceof TooWide t) throw t.error;
      throw new IllegalArgumentException("the file cannot be read as an .xlsx workbook (" + reason(e) + ");"
          + " save it from Excel as Excel Workbook (.xlsx) or as CSV", e);
    } finally {
      if (pkg != null) pkg.revert(); // read only: never write anything back
    }
    return rows.sheet();
  }

  private static final class TooWide extends RuntimeException {
    final IllegalArgumentException error;

    TooWide(IllegalArgumentException error) {
      super(null, null, false, false);
      this.error = error;
    }
  }

  private static String reason(Exception e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
    if (m.toLowerCase(Locale.ROOT).contains("zip bomb"))
      return "it unpacks to far more than its size, which is refused as a possible zip bomb";
    int end = m.indexOf('\n');
    if (end > 0) m = m.substring(0, end);
    return m.length() > 200 ? m.substring(0, 200) + "…" : m;
  }

  /** One sheet's cells, row by row, keeping each cell in its column when cells between are empty. */
  private static final class SheetCells implements XSSFSheetXMLHandler.SheetContentsHandler {
    private final Rows rows;
    private List<String> cells = new ArrayList<>();
    private int row;
    private int nextColumn;

    SheetCells(Rows rows) {
      this.rows = rows;
    }

    @Override
    public void startRow(int rowNum) {
      row = rowNum + 1;
      cells = new ArrayList<>();
      nextColumn = 0;
    }

    @Override
    public void cell(String reference, String value, XSSFComment comment) {
      int column = reference == null ? nextColumn : column(reference);
      nextColumn = column + 1;
      if (value == null || value.isBlank()) return;
      if (column >= MAX_COLUMNS) throw new TooWide(tooWide(row, column));
      while (cells.size() <= column) cells.add("");
      cells.set(column, value);
    }

    @Override
    public void endRow(int rowNum) {
      if (!rows.add(row, cells)) throw new Enough();
    }

    /** The column of a reference like {@code AB12}: its letters. */
    private static int column(String reference) {
      int n = 0;
      for (int i = 0; i < reference.length(); i++) {
        char c = reference.charAt(i);
        if (c >= 'A' && c <= 'Z') n = n * 26 + (c - 'A' + 1);
        else if (c >= 'a' && c <= 'z') n = n * 26 + (c - 'a' + 1);
        else break;
      }
      return n - 1;
    }
  }

  /**
   * The workbook's shared strings as plain strings. POI's ReadOnlySharedStringsTable keeps plain
   * strings too, but hands each cell out as a new XSSFRichTextString, an XmlBeans object of a few
   * kilobytes: two thirds of what reading 10,000 rows allocated. Phonetic runs are left out, as
   * Excel does when it shows the cell; {@code _x000D_} escapes are decoded as POI does.
   */
  static final class PlainSharedStrings extends DefaultHandler implements SharedStrings {
    private static final Pattern ESCAPE = Pattern.compile("_x([0-9A-Fa-f]{4})_");
    private final List<String> strings = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private boolean inT;
    private boolean inPhonetic;

    static PlainSharedStrings of(OPCPackage pkg) throws IOException, SAXException, ParserConfigurationException {
      PlainSharedStrings strings = new PlainSharedStrings();
      var parts = pkg.getPartsByContentType(XSSFRelation.SHARED_STRINGS.getContentType());
      if (parts.isEmpty()) return strings;
      try (InputStream in = parts.get(0).getInputStream()) {
        XMLReader xml = XMLHelper.newXMLReader();
        xml.setContentHandler(strings);
        xml.parse(new InputSource(in));
      }
      return strings;
    }

    @Override
    public void startElement(String uri, String localName, String qName, Attributes attributes) {
      switch (localName) {
        case "si" -> text.setLength(0);
        case "t" -> inT = true;
        case "rPh" -> inPhonetic = true;
        default -> { }
      }
    }

    @Override
    public void endElement(String uri, String localName, String qName) {
      switch (localName) {
        case "si" -> strings.add(decode(text.toString()));
        case "t" -> inT = false;
        case "rPh" -> inPhonetic = false;
        default -> { }
      }
    }

    @Override
    public void characters(char[] ch, int start, int length) {
      if (inT && !inPhonetic) text.append(ch, start, length);
    }

    private static String decode(String s) {
      if (!s.contains("_x")) return s;
      Matcher m = ESCAPE.matcher(s);
      StringBuilder out = new StringBuilder(s.length());
      while (m.find()) m.appendReplacement(out, Matcher.quoteReplacement(
          String.valueOf((char) Integer.parseInt(m.group(1), 16))));
      return m.appendTail(out).toString();
    }

    @Override
    public RichTextString getItemAt(int idx) {
      return new Plain(strings.get(idx));
    }

    @Override
    public int getCount() {
      return strings.size();
    }

    @Override
    public int getUniqueCount() {
      return strings.size();
    }
  }

  /** A string without formatting, all the sheet handler asks of a shared string (its toString). */
  private record Plain(String text) implements RichTextString {
    @Override
    public String getString() {
      return text;
    }

    @Override
    public String toString() {
      return text;
    }

    @Override
    public int length() {
      return text.length();
    }

    @Override
    public int numFormattingRuns() {
      return 0;
    }

    @Override
    public int getIndexOfFormattingRun(int index) {
      return 0;
    }

    @Override
    public void applyFont(int startIndex, int endIndex, short fontIndex) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void applyFont(int startIndex, int endIndex, Font font) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void applyFont(Font font) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void clearFormatting() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void applyFont(short fontIndex) {
      throw new UnsupportedOperationException();
    }
  }

  /**
   * Values as Excel shows them, except that a whole number in the General format is written out
   * in full: Excel shows a long phone number typed as a number as 4,6812E+12 in a narrow cell but
   * keeps every digit, and the digits are what the contact has.
   */
  private static final class ShownValues extends DataFormatter {
    ShownValues() {
      super(Locale.ROOT);
    }

    @Override
    public String formatRawCellContents(double value, int formatIndex, String formatString, boolean use1904Windowing) {
      boolean general = formatIndex == 0 || formatString == null || "general".equalsIgnoreCase(formatString);
      if (general && value == Math.rint(value) && Math.abs(value) < 1e15) return Long.toString((long) value);
      return super.formatRawCellContents(value, formatIndex, formatString, use1904Windowing);
    }
  }

  // ---------------------------------------------------------------- .csv

  private static Sheet readCsv(byte[] bytes) {
    String text = decode(bytes);
    int lineEnd = lineEnd(text, 0);
    String first = text.substring(0, lineEnd);
    char delimiter;
    int start = 0;
    if (first.length() == 5 && first.regionMatches(true, 0, "sep=", 0, 4)) {
      // Excel's own hint line, which Excel does not show as a row
      delimiter = first.charAt(4);
      start = text.startsWith("\r\n", lineEnd) ? lineEnd + 2 : Math.min(text.length(), lineEnd + 1);
    } else {
      delimiter = delimiter(first);
    }
    CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).setIgnoreEmptyLines(false).build();
    Rows rows = new Rows();
    long record = 0;
    try (CSVParser parser = format.parse(new StringReader(start == 0 ? text : text.substring(start)))) {
      for (CSVRecord r : parser) {
        record = r.getRecordNumber();
        if (r.size() > MAX_COLUMNS)
          for (int i = MAX_COLUMNS; i < r.size(); i++)
            if (!r.get(i).isBlank()) throw tooWide((int) record, i);
        List<String> cells = r.size() > MAX_COLUMNS ? r.toList().subList(0, MAX_COLUMNS) : r.toList();
        if (!rows.add((int) record, cells)) break;
      }
    } catch (IOException | UncheckedIOException | IllegalStateException e) {
      Throwable cause = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
      throw new IllegalArgumentException("the CSV file cannot be read after row " + record + ": "
          + reason((Exception) cause) + "; a field in quotes must start and end with a quote, and a quote"
          + " inside it is written twice", e);
    }
    return rows.sheet();
  }

  /** UTF-8 with or without a byte order mark, UTF-16 with one; bytes that are not UTF-8 are Windows-1252. */
  static String decode(byte[] bytes) {
    if (startsWith(bytes, 0xEF, 0xBB, 0xBF)) return new String(bytes, 3, bytes.length - 3, StandardCharsets.UTF_8);
    if (startsWith(bytes, 0xFF, 0xFE)) return new String(bytes, 2, bytes.length - 2, StandardCharsets.UTF_16LE);
    if (startsWith(bytes, 0xFE, 0xFF)) return new String(bytes, 2, bytes.length - 2, StandardCharsets.UTF_16BE);
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return new String(bytes, Charset.forName("windows-1252"));
    }
  }

  private static int lineEnd(String text, int from) {
    int n = text.indexOf('\n', from);
    int end = n < 0 ? text.length() : n;
    return end > from && text.charAt(end - 1) == '\r' ? end - 1 : end;
  }

  /** The separator the header line uses most, outside quotes: ; wins a tie with , (Excel in Swedish). */
  static char delimiter(String headerLine) {
    int semicolons = 0, commas = 0, tabs = 0;
    boolean quoted = false;
    for (int i = 0; i < headerLine.length(); i++) {
      char c = headerLine.charAt(i);
      if (c == '"') quoted = !quoted;
      else if (!quoted && c == ';') semicolons++;
      else if (!quoted && c == ',') commas++;
      else if (!quoted && c == '\t') tabs++;
    }
    if (tabs > 0 && tabs >= semicolons && tabs >= commas) return '\t';
    if (semicolons > 0 && semicolons >= commas) return ';';
    return ',';
  }

  private ContactSheets() {}
}
