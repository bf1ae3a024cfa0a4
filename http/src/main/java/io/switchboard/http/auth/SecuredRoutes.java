package io.switchboard.http.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.user.Role;
import io.switchboard.http.ApiError;
import io.switchboard.http.ApiRoutes;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpCookiePair;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Routes that need a signed-in user. The token comes from {@code Authorization: Bearer} or the
 * session cookie; a cookie-borne request that changes something must come from an allowed
 * origin, so another site cannot make a signed-in browser act.
 */
public abstract class SecuredRoutes extends ApiRoutes {

  protected final Authenticator auth;

  protected SecuredRoutes(ActorSystem<?> system, ObjectMapper json, Duration timeout, Authenticator auth) {
    super(system, json, timeout);
    this.auth = auth;
  }

  protected Route authenticated(Function<Principal, Route> inner) {
    return extractRequest(request -> optionalCookie(AuthSettings.COOKIE, cookie -> {
      Optional<String> bearer = bearer(request);
      if (bearer.isEmpty() && cookie.isPresent() && !safe(request) && !originAllowed(request))
        return error(ApiError.of(StatusCodes.FORBIDDEN, "requests from origin "
            + request.getHeader("Origin").map(HttpHeader::value).orElse("?") + " are not allowed", null));
      String token = bearer.orElse(cookie.map(HttpCookiePair::value).orElse(null));
      if (token == null) return unauthorized("sign in first: POST /api/v1/session");
      return onComplete(auth.authenticate(token), result -> {
        if (result.isFailure()) return unavailable();
        return result.get().map(inner).orElseGet(() -> unauthorized("the session is unknown, ended or expired: sign in again"));
      });
    }));
  }

  /** The route for users having one of {@code roles}; 403 for anyone else. */
  protected Route role(Principal p, Route inner, Role... roles) {
    return p.has(roles) ? inner : forbidden("this needs the role " + java.util.Arrays.stream(roles)
        .map(Role::json).reduce((a, b) -> a + " or " + b).orElse("?"));
  }

  protected Route unauthorized(String why) {
    return respondWithHeader(RawHeader.create("WWW-Authenticate", "Bearer"), () ->
        error(ApiError.of(StatusCodes.UNAUTHORIZED, why, null)));
  }

  protected Route forbidden(String why) {
    return error(ApiError.of(StatusCodes.FORBIDDEN, why, null));
  }

  static Optional<String> bearer(HttpRequest request) {
    return request.getHeader("Authorization").map(HttpHeader::value)
        .filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7)).map(v -> v.substring(7).strip());
  }

  private static boolean safe(HttpRequest request) {
    return request.method().equals(HttpMethods.GET) || request.method().equals(HttpMethods.HEAD);
  }

  /** No Origin (not a browser, or same-origin GET) passes; a browser's Origin must be ours or listed. */
  protected boolean originAllowed(HttpRequest request) {
    Optional<String> origin = request.getHeader("Origin").map(HttpHeader::value);
    if (origin.isEmpty()) return true;
    String o = origin.get();
    if (auth.settings().allowedOrigins().contains(o)) return true;
    Optional<String> host = request.getHeader("Host").map(HttpHeader::value);
    return host.isPresent() && (o.equals("http://" + host.get()) || o.equals("https://" + host.get()));
  }
}
