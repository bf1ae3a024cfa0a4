package io.switchboard.core.calendar;

import io.switchboard.core.CborSerializable;

/**
 * The answer of {@link CalendarDefinition#evaluate}: open or closed, and why.
 *
 * @param detail the holiday or deviation name; null for base hours
 * @param prompt the closing deviation's prompt, if any
 */
public record OpeningStatus(boolean open, Reason reason, String detail, String prompt)
    implements CborSerializable {

  public enum Reason {
    BASE_HOURS,
    OUTSIDE_BASE_HOURS,
    PUBLIC_HOLIDAY,
    HOLIDAY_EVE,
    DEVIATION
  }

  public OpeningStatus {
    if (reason == null) {
      throw new IllegalArgumentException("OpeningStatus.reason must not be null");
    }
    boolean consistent =
        switch (reason) {
          case BASE_HOURS -> open;
          case OUTSIDE_BASE_HOURS, PUBLIC_HOLIDAY, HOLIDAY_EVE -> !open;
          case DEVIATION -> true;
        };
    if (!consistent) {
      throw new IllegalArgumentException(
          "OpeningStatus.open must be " + !open + " for reason " + reason);
    }
    boolean named = reason != Reason.BASE_HOURS && reason != Reason.OUTSIDE_BASE_HOURS;
    if (named && (detail == null || detail.isBlank())) {
      throw new IllegalArgumentException(
          "OpeningStatus.detail must name the holiday or deviation for reason " + reason);
    }
    if (!named && detail != null) {
      throw new IllegalArgumentException(
          "OpeningStatus.detail must be null for reason " + reason);
    }
    if (prompt != null && (open || reason != Reason.DEVIATION || prompt.isBlank())) {
      throw new IllegalArgumentException(
          "OpeningStatus.prompt is only allowed, non-blank, when closed by a deviation");
    }
  }

  public static OpeningStatus baseHours() {
    return new OpeningStatus(true, Reason.BASE_HOURS, null, null);
  }

  public static OpeningStatus outsideBaseHours() {
    return new OpeningStatus(false, Reason.OUTSIDE_BASE_HOURS, null, null);
  }

  public static OpeningStatus holiday(Holiday holiday) {
    Reason reason =
        switch (holiday.kind()) {
          case PUBLIC_HOLIDAY -> Reason.PUBLIC_HOLIDAY;
          case HOLIDAY_EVE -> Reason.HOLIDAY_EVE;
        };
    return new OpeningStatus(false, reason, holiday.name(), null);
  }

  public static OpeningStatus deviation(Deviation deviation) {
    return switch (deviation.action()) {
      case OPEN -> new OpeningStatus(true, Reason.DEVIATION, deviation.name(), null);
      case CLOSED ->
          new OpeningStatus(false, Reason.DEVIATION, deviation.name(), deviation.prompt());
    };
  }
}
