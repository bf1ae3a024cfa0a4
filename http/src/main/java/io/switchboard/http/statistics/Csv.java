package io.switchboard.http.statistics;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/** Statistics as CSV (RFC 4180, a header row, CRLF), for spreadsheets and mailed reports. */
public final class Csv {
  private Csv() {}

  public static String of(List<String> header, List<List<?>> rows) {
    StringWriter out = new StringWriter();
    try (CSVPrinter printer = new CSVPrinter(out, CSVFormat.RFC4180.builder().setHeader(header.toArray(String[]::new)).build())) {
      for (List<?> row : rows) printer.printRecord(row);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
