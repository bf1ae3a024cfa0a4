package io.switchboard.core.report;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a subscribed report shows, with the parameters that narrow it. Every parameter names
 * directory ids: one, or several separated by commas.
 */
public enum ReportKind {
  QUEUE_SUMMARY("queue-summary", Set.of(ReportKind.QUEUE, ReportKind.ANSWERING_POINT, ReportKind.COMPANY)),
  AGENT_SUMMARY("agent-summary", Set.of(ReportKind.AGENT, ReportKind.QUEUE, ReportKind.ANSWERING_POINT)),
  BILLING("billing", Set.of(ReportKind.ANSWERING_POINT, ReportKind.COMPANY)),
  CALL_LOG("call-log", Set.of(ReportKind.QUEUE, ReportKind.ANSWERING_POINT, ReportKind.COMPANY, ReportKind.AGENT));

  public static final String QUEUE = "queue";
  public static final String ANSWERING_POINT = "answeringPoint";
  public static final String COMPANY = "company";
  public static final String AGENT = "agent";

  private final String wire;
  private final Set<String> parameters;

  ReportKind(String wire, Set<String> parameters) {
    this.wire = wire;
    this.parameters = parameters;
  }

  @JsonValue
  public String wire() {
    return wire;
  }

  /** The parameter names this kind understands; any other is refused rather than ignored. */
  public Set<String> parameters() {
    return parameters;
  }

  @JsonCreator
  public static ReportKind parse(String value) {
    if (value != null)
      for (ReportKind k : values()) if (k.wire.equals(value.strip())) return k;
    throw new IllegalArgumentException("kind must be one of " + allowed() + ", got "
        + (value == null ? "nothing" : "'" + value + "'"));
  }

  static String allowed() {
    return Arrays.stream(values()).map(ReportKind::wire).collect(Collectors.joining(", "));
  }
}
