package io.switchboard.http;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.switchboard.core.Refusal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/**
 * The one error body of the HTTP edge: {@code {"status":400,"error":"...","field":"..."}}, with
 * {@code field} naming the input at fault when there is one.
 */
public record ApiError(int status, String error, String field) {

  private static final Pattern LEADING_FIELD = Pattern.compile("^([a-z][A-Za-z0-9]*(?:\\[\\])?(?:\\.[A-Za-z0-9]+(?:\\[\\])?)*):? ");

  public static ApiError of(StatusCode status, String error, String field) {
    return new ApiError(status.intValue(), error, field);
  }

  public static ApiError of(Refusal refusal) {
    StatusCode status = switch (refusal.code()) {
      case INVALID -> StatusCodes.BAD_REQUEST;
      case NOT_FOUND -> StatusCodes.NOT_FOUND;
      case CONFLICT -> StatusCodes.CONFLICT;
      case GONE -> StatusCodes.GONE;
      case UNAVAILABLE -> StatusCodes.SERVICE_UNAVAILABLE;
    };
    return of(status, refusal.message(), refusal.field());
  }

  /** A value the domain rejected; its message starts with the field at fault. */
  public static ApiError invalid(String message) {
    return of(StatusCodes.BAD_REQUEST, message, fieldIn(message, ""));
  }

  /** A body that could not be read: malformed JSON, an unknown field, a value out of range. */
  public static ApiError ofUnreadable(Throwable t) {
    Throwable cause = t;
    while (cause != null && !(cause instanceof JsonMappingException) && cause.getCause() != null
        && cause.getCause() != cause) cause = cause.getCause();
    if (cause instanceof UnrecognizedPropertyException u) {
      String field = path(u);
      return of(StatusCodes.BAD_REQUEST, "unknown field '" + field + "'", field);
    }
    if (cause instanceof ValueInstantiationException v && v.getCause() != null) {
      String message = v.getCause().getMessage();
      return of(StatusCodes.BAD_REQUEST, message, fieldIn(message, path(v)));
    }
    if (cause instanceof JsonMappingException m) {
      String field = path(m);
      String why = m.getOriginalMessage() == null ? "invalid value" : m.getOriginalMessage().split("\n")[0];
      return of(StatusCodes.BAD_REQUEST, (field.isEmpty() ? "" : field + ": ") + why, field.isEmpty() ? null : field);
    }
    String why = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage().split("\n")[0];
    return of(StatusCodes.BAD_REQUEST, "malformed JSON: " + why, null);
  }

  private static String path(JsonMappingException e) {
    return e.getPath().stream()
        .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
        .collect(Collectors.joining(".")).replace(".[", "[");
  }

  /**
   * Domain checks start their message with the field they reject: "name is required", or
   * "phones: '12-ab' is not a phone number".
   */
  private static String fieldIn(String message, String path) {
    if (message != null) {
      Matcher m = LEADING_FIELD.matcher(message);
      if (m.find()) return m.group(1);
    }
    return path.isEmpty() ? null : path;
  }
}
