package io.switchboard.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.Refusal;
import io.switchboard.core.agent.Agent;
import io.switchboard.core.calendar.Calendar;
import io.switchboard.core.call.CallSession;
import io.switchboard.core.numberplan.NumberPlan;
import io.switchboard.core.queue.Queue;
import io.switchboard.core.user.Users;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.server.UnsupportedRequestContentTypeRejection;

/**
 * What every JSON route of the edge shares: asking entities, reading bodies, and turning
 * refusals, timeouts and rejections into the one {@link ApiError} shape.
 */
public abstract class ApiRoutes extends AllDirectives {

  /** Request bodies are small: a config or a command. */
  public static final long MAX_BODY_BYTES = 64 * 1024;

  protected final ActorSystem<?> system;
  protected final ObjectMapper json;
  protected final Duration timeout;

  protected ApiRoutes(ActorSystem<?> system, ObjectMapper json, Duration timeout) {
    this.system = system;
    this.json = json;
    this.timeout = timeout;
  }

  protected <Req, Res> CompletionStage<Res> ask(RecipientRef<Req> target, Function<ActorRef<Res>, Req> request) {
    return AskPattern.ask(target, request::apply, timeout, system.scheduler());
  }

  protected <T> Route body(Class<T> type, Function<T, Route> inner) {
    return entity(Jackson.unmarshaller(json, type), body -> body == null
        ? error(ApiError.of(StatusCodes.BAD_REQUEST, "a JSON body is required", null))
        : inner.apply(body));
  }

  /** Parses an id (or any value) from the request; a bad one is a 400 naming what is wrong. */
  protected <T> Route withId(Supplier<T> parse, Function<T, Route> inner) {
    T value;
    try {
      value = parse.get();
    } catch (IllegalArgumentException e) {
      return error(ApiError.invalid(e.getMessage()));
    }
    return inner.apply(value);
  }

  protected Route reply(CompletionStage<?> reply, StatusCode ok) {
    return onComplete(reply, result -> {
      if (result.isFailure()) return unavailable();
      Object r = result.get();
      Refusal refusal = refusalOf(r);
      return refusal != null ? error(ApiError.of(refusal)) : complete(ok, payloadOf(r), Jackson.marshaller(json));
    });
  }

  protected static Refusal refusalOf(Object reply) {
    if (reply instanceof Agent.Refused r) return r.refusal();
    if (reply instanceof Queue.Refused r) return r.refusal();
    if (reply instanceof CallSession.Refused r) return r.refusal();
    if (reply instanceof CallSession.ToSipAccount t)
      return Refusal.invalid("dialledNumber", "dialled number " + t.entry().dialledNumber() + " rings SIP account "
          + t.entry().account().user() + ", not a queue: only a call over SIP reaches it");
    if (reply instanceof NumberPlan.Refused r) return r.refusal();
    if (reply instanceof Calendar.Refused r) return r.refusal();
    if (reply instanceof Users.Refused r) return r.refusal();
    return null;
  }

  protected static Object payloadOf(Object reply) {
    if (reply instanceof Agent.Done d) return d.view();
    if (reply instanceof Queue.Done d) return d.view();
    if (reply instanceof CallSession.Done d) return d.view();
    if (reply instanceof NumberPlan.Done d) return d.plan();
    if (reply instanceof Calendar.Done d) return Map.of("calendarId", d.id(), "definition", d.definition());
    return reply;
  }

  protected Route ok(Object body) {
    return complete(StatusCodes.OK, body, Jackson.marshaller(json));
  }

  /** Unknown, or outside the caller's scope: both answer the same, so scope leaks nothing. */
  protected Route notFound(String what) {
    return error(ApiError.of(StatusCodes.NOT_FOUND, "unknown " + what, null));
  }

  protected Route error(ApiError e) {
    return complete(StatusCodes.get(e.status()), e, Jackson.marshaller(json));
  }

  protected RejectionHandler rejections() {
    return RejectionHandler.newBuilder()
        .handle(MalformedRequestContentRejection.class, r -> tooLarge(r.getCause())
            ? error(ApiError.of(StatusCodes.PAYLOAD_TOO_LARGE, "request body over " + MAX_BODY_BYTES + " bytes", null))
            : error(ApiError.ofUnreadable(r.getCause())))
        .handle(UnsupportedRequestContentTypeRejection.class, r ->
            error(ApiError.of(StatusCodes.UNSUPPORTED_MEDIA_TYPE, "send JSON with Content-Type: application/json", null)))
        .build()
        .withFallback(RejectionHandler.defaultHandler())
        .mapRejectionResponse(response -> {
          if (response.entity().getContentType().mediaType().toString().equals("application/json")) return response;
          String text = response.entity() instanceof org.apache.pekko.http.javadsl.model.HttpEntity.Strict s
              ? s.getData().utf8String() : response.status().reason();
          try {
            return response.withEntity(org.apache.pekko.http.javadsl.model.ContentTypes.APPLICATION_JSON,
                json.writeValueAsString(ApiError.of(response.status(), text, null)));
          } catch (JsonProcessingException e) {
            return response;
          }
        });
  }

  protected ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .match(org.apache.pekko.http.scaladsl.model.EntityStreamSizeException.class, e ->
            error(ApiError.of(StatusCodes.PAYLOAD_TOO_LARGE, "request body over " + MAX_BODY_BYTES + " bytes", null)))
        .match(IllegalArgumentException.class, e -> error(ApiError.invalid(e.getMessage())))
        .match(java.util.concurrent.TimeoutException.class, e -> unavailable())
        .build();
  }
  /**
   * The body, when at most {@code max} bytes; a bigger one is answered {@code tooLarge}. Pekko HTTP
   * closes the connection on an early answer, and a client still sending then sees a broken pipe
   * instead of the 413; so a body declared too big (up to four times the limit) is read and dropped
   * first, as nginx lingers. Bigger bodies still get the 413 and a closed connection.
   */
  protected Route bodyAtMost(long max, ApiError tooLarge, Supplier<Route> inner) {
    return extractRequest(request -> {
      java.util.OptionalLong declared = request.entity().getContentLengthOption();
      if (declared.isPresent() && declared.getAsLong() > max) {
        if (declared.getAsLong() > 4 * max) return error(tooLarge);
        return withSizeLimit(declared.getAsLong(), () -> extractRequest(whole -> extractMaterializer(mat ->
            onComplete(whole.discardEntityBytes(mat).completionStage(), drained -> error(tooLarge)))));
      }
      return handleRejections(RejectionHandler.newBuilder()
              .handle(MalformedRequestContentRejection.class, r -> tooLarge(r.getCause()) ? error(tooLarge)
                  : error(ApiError.ofUnreadable(r.getCause())))
              .build(),
          () -> withSizeLimit(max, inner));
    });
  }

  private static boolean tooLarge(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause())
      if (c instanceof org.apache.pekko.http.scaladsl.model.EntityStreamSizeException) return true;
    return false;
  }

  // ---------------------------------------------------------------- JSON bodies

  protected Route tree(Function<ObjectNode, Route> inner) {
    return body(JsonNode.class, node -> node instanceof ObjectNode o ? inner.apply(o)
        : error(ApiError.of(StatusCodes.BAD_REQUEST, "the body must be a JSON object", null)));
  }

  protected <T> Route convert(ObjectNode node, Class<T> type, Function<T, Route> inner) {
    T value;
    try {
      value = json.treeToValue(node, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      return error(ApiError.ofUnreadable(e));
    }
    return inner.apply(value);
  }

  /** A value read from the body's {@code field}: a bad one is a 400 naming that field. */
  protected <T> Route field(String field, java.util.function.Supplier<T> value, Function<T, Route> inner) {
    T v;
    try {
      v = value.get();
    } catch (IllegalArgumentException e) {
      String why = e.getMessage() == null ? "invalid value" : e.getMessage();
      return invalid(field, field + ": " + why);
    }
    return inner.apply(v);
  }

  protected Route only(ObjectNode node, Set<String> fields, java.util.function.Supplier<Route> inner) {
    for (var it = node.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!fields.contains(f)) return invalid(f, "unknown field '" + f + "'");
    }
    return inner.get();
  }

  protected Route sameId(ObjectNode node, String field, String pathId, java.util.function.Supplier<Route> inner) {
    JsonNode id = node.get(field);
    if (id != null && !id.isNull() && !id.asText().equals(pathId))
      return invalid(field, field + " in the body (" + id.asText() + ") differs from the path (" + pathId + ")");
    return inner.get();
  }

  protected static String text(ObjectNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) return null;
    if (!v.isTextual()) throw new IllegalArgumentException(field + " must be a string");
    return v.asText();
  }

  protected Route invalid(String field, String message) {
    return error(ApiError.of(StatusCodes.BAD_REQUEST, message, field));
  }

  protected Route conflict(String message) {
    return error(ApiError.of(StatusCodes.CONFLICT, message, null));
  }

  protected Route unavailable() {
    return error(ApiError.of(StatusCodes.SERVICE_UNAVAILABLE, "the engine did not answer within "
        + timeout.toMillis() + " ms; the command may still take effect: read the state, or repeat it"
        + " (creating a call again with the same callId and numbers is safe)", null));
  }
}
