package io.switchboard.http.auth;

import io.switchboard.core.user.LoginSession;
import io.switchboard.core.user.User;
import io.switchboard.core.user.Users;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AskPattern;

/**
 * Logins and sessions: checks passwords (bcrypt, off the actor threads), counts failures toward
 * a lockout, issues session tokens and resolves them to a {@link Principal}. Tokens are random;
 * only their SHA-256 is stored.
 */
public final class Authenticator {

  public sealed interface Outcome {}

  public record SignedIn(String token, Principal principal) implements Outcome {}

  public record Rejected() implements Outcome {}

  public record Locked(Instant until) implements Outcome {}

  private static final Duration CACHE_FOR = Duration.ofSeconds(2);

  private final ActorSystem<?> system;
  private final AuthSettings settings;
  private final PasswordHasher hasher;
  private final Clock clock;
  private final Duration timeout;
  private final Executor blocking;
  private final SecureRandom random = new SecureRandom();
  /** Recently resolved sessions; a logout elsewhere is seen within {@link #CACHE_FOR}. */
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(Principal principal, Instant until) {}

  public Authenticator(ActorSystem<?> system, AuthSettings settings, PasswordHasher hasher, Clock clock, Duration timeout) {
    this.system = system;
    this.settings = settings;
    this.hasher = hasher;
    this.clock = clock;
    this.timeout = timeout;
    this.blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
  }

  public PasswordHasher hasher() {
    return hasher;
  }

  public AuthSettings settings() {
    return settings;
  }

  public CompletionStage<Outcome> login(String username, String password) {
    return users(r -> new Users.GetUser(username, r)).thenCompose(reply -> {
      if (!(reply instanceof Users.Found found)) {
        return CompletableFuture.supplyAsync(() -> {
          hasher.spendDecoy(password);
          return (Outcome) new Rejected();
        }, blocking);
      }
      User user = found.user();
      Instant now = clock.instant();
      if (user.lockedAt(now)) return CompletableFuture.completedFuture(new Locked(user.lockedUntil()));
      return CompletableFuture.supplyAsync(() -> hasher.verify(password, user.passwordHash()), blocking)
          .thenCompose(ok -> ok ? signIn(user) : failed(user));
    });
  }

  private CompletionStage<Outcome> failed(User user) {
    return users(r -> new Users.RecordFailedLogin(user.username(), settings.lockout(), r)).thenApply(reply ->
        reply instanceof Users.Found f && f.user().lockedAt(clock.instant())
            ? new Locked(f.user().lockedUntil()) : new Rejected());
  }

  private CompletionStage<Outcome> signIn(User user) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    String sessionId = sessionId(token);
    Instant expires = clock.instant().plus(settings.sessionTtl());
    return users(r -> new Users.RecordLogin(user.username(), r))
        .thenCompose(cleared -> AskPattern.<LoginSession.Command, LoginSession.Reply>ask(
            LoginSession.ref(system, sessionId), r -> new LoginSession.Start(user.username(), expires, r), timeout,
            system.scheduler()))
        .thenApply(started -> {
          if (!(started instanceof LoginSession.Active))
            throw new IllegalStateException("session could not start: " + started);
          User current = cleared(user);
          return new SignedIn(token, new Principal(current, sessionId, expires));
        });
  }

  private static User cleared(User u) {
    return new User(u.username(), u.name(), u.passwordHash(), u.roles(), u.answeringPoints(), u.companies(), u.agentId(), 0, null, null);
  }

  /** The principal of a token, or empty when the session is unknown, ended or expired. */
  public CompletionStage<Optional<Principal>> authenticate(String token) {
    if (token == null || token.isBlank() || token.length() > 200) return CompletableFuture.completedFuture(Optional.empty());
    String sessionId = sessionId(token);
    Instant now = clock.instant();
    Cached hit = cache.get(sessionId);
    if (hit != null && now.isBefore(hit.until()) && now.isBefore(hit.principal().expiresAt()))
      return CompletableFuture.completedFuture(Optional.of(hit.principal()));
    return AskPattern.<LoginSession.Command, LoginSession.Reply>ask(
            LoginSession.ref(system, sessionId), LoginSession.Get::new, timeout, system.scheduler())
        .thenCompose(reply -> {
          if (!(reply instanceof LoginSession.Active active))
            return CompletableFuture.completedFuture(Optional.<Principal>empty());
          return users(r -> new Users.GetUser(active.username(), r)).thenApply(u -> {
            if (!(u instanceof Users.Found f)) return Optional.<Principal>empty();
            Principal p = new Principal(f.user(), sessionId, active.expiresAt());
            if (cache.size() > 50_000) cache.clear();
            cache.put(sessionId, new Cached(p, now.plus(CACHE_FOR)));
            return Optional.of(p);
          });
        });
  }

  /** Whether a session is still open (not ended on any node, not expired). */
  public CompletionStage<Boolean> stillValid(String sessionId) {
    return AskPattern.<LoginSession.Command, LoginSession.Reply>ask(
            LoginSession.ref(system, sessionId), LoginSession.Get::new, timeout, system.scheduler())
        .thenApply(r -> r instanceof LoginSession.Active);
  }

  public CompletionStage<Void> logout(Principal principal) {
    cache.remove(principal.sessionId());
    return AskPattern.<LoginSession.Command, LoginSession.Reply>ask(
            LoginSession.ref(system, principal.sessionId()), r -> new LoginSession.End("logout", r), timeout,
            system.scheduler())
        .thenApply(r -> null);
  }

  private CompletionStage<Users.Reply> users(java.util.function.Function<org.apache.pekko.actor.typed.ActorRef<Users.Reply>, Users.Command> f) {
    return AskPattern.ask(Users.ref(system), f::apply, timeout, system.scheduler());
  }

  static String sessionId(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
