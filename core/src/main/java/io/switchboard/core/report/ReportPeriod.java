package io.switchboard.core.report;

import io.switchboard.core.CborSerializable;
import java.time.Instant;

/** One period a report covers: {@code [from, to)}, named by {@code label} ("2026-11-23", "2026-W48", "2026-11"). */
public record ReportPeriod(Instant from, Instant to, String label) implements CborSerializable {
  public ReportPeriod {
    if (from == null || to == null || !from.isBefore(to))
      throw new IllegalArgumentException("a report period needs from before to, got " + from + " - " + to);
    if (label == null || label.isBlank()) throw new IllegalArgumentException("a report period needs a label");
  }
}
