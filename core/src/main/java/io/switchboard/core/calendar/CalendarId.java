package io.switchboard.core.calendar;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.switchboard.core.Identifiers;

/** Typed id of an opening-hours calendar; serialized as its bare string. */
public record CalendarId(String value) implements Comparable<CalendarId> {

  public CalendarId {
    Identifiers.require(value, "calendarId");
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static CalendarId of(String value) {
    return new CalendarId(value);
  }

  @Override
  @JsonValue
  public String value() {
    return value;
  }

  @Override
  public int compareTo(CalendarId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
