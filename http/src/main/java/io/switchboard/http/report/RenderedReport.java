package io.switchboard.http.report;

/**
 * A report ready to mail: the subject, a short plain-text body, and the figures as a CSV
 * attachment ({@code csv} is sent byte for byte as UTF-8, so use CRLF line ends per RFC 4180).
 */
public record RenderedReport(String subject, String text, String attachmentName, String csv) {
  public RenderedReport {
    if (subject == null || subject.isBlank()) throw new IllegalArgumentException("subject is required");
    text = text == null ? "" : text;
    attachmentName = attachmentName == null || attachmentName.isBlank() ? "report.csv" : attachmentName;
    csv = csv == null ? "" : csv;
  }
}
