package io.switchboard.core.calendar;

import com.fasterxml.jackson.annotation.JsonFormat;
import java.time.LocalDate;

/** A day on which a Swedish calendar is closed by default. */
public record Holiday(
    @JsonFormat(shape = JsonFormat.Shape.STRING) LocalDate date, String name, Kind kind) {

  public enum Kind {
    /** Red day by law. */
    PUBLIC_HOLIDAY,
    /** Not a public holiday by law, but a de facto day off in Swedish working life. */
    HOLIDAY_EVE
  }

  public Holiday {
    if (date == null) {
      throw new IllegalArgumentException("Holiday.date must not be null");
    }
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("Holiday.name must not be blank");
    }
    if (kind == null) {
      throw new IllegalArgumentException("Holiday.kind must not be null");
    }
  }
}
