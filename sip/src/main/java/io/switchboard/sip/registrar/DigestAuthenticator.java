package io.switchboard.sip.registrar;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server side of SIP digest authentication (RFC 3261 §22, RFC 2617, RFC 7616/8760): MD5 and
 * SHA-256, {@code qop=auth}, and no qop for old (RFC 2069) phones.
 *
 * <p>Nonces are stateless: {@code issued.salt.HMAC-SHA256(secret, issued|salt|realm)}, so any
 * node of a cluster sharing the secret verifies a nonce another node issued, and a restart loses
 * nothing. A nonce older than its lifetime gets {@link Verdict.Stale} (the gateway challenges
 * again with {@code stale=true}, and the phone retries without asking its user). With qop, a
 * nonce-count not above the highest seen for that nonce is a replay; those counts are kept per
 * node in a bounded LRU ({@link NonceCounts}). Without qop there is no nonce-count, so replay
 * within the nonce lifetime cannot be detected: that is the price of supporting RFC 2069 phones.
 *
 * <p>Thread-safe.
 */
public final class DigestAuthenticator {

  private static final Logger log = LoggerFactory.getLogger(DigestAuthenticator.class);

  public static final Duration DEFAULT_NONCE_LIFETIME = Duration.ofMinutes(5);
  public static final int DEFAULT_TRACKED_NONCES = 20_000;
  /** Nodes' clocks differ a little: a nonce from a node slightly ahead is still good. */
  static final Duration CLOCK_SKEW = Duration.ofSeconds(30);
  static final String MALFORMED = "malformed Authorization header: ";

  // 128 bits of MAC are plenty against forgery and keep SIP messages short (UDP, MTU).
  private static final int MAC_BYTES = 16;
  private static final int SALT_BYTES = 9;
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64_DECODE = Base64.getUrlDecoder();

  private final String realm;
  private final SecretKeySpec key;
  private final Clock clock;
  private final Duration nonceLifetime;
  private final NonceCounts nonceCounts;
  private final SecureRandom random = new SecureRandom();

  /** What {@link #verify} decided. */
  public sealed interface Verdict permits Verdict.Ok, Verdict.Stale, Verdict.Rejected {
    /** The credentials are good: the request comes from {@code account}. */
    record Ok(SipAccount account) implements Verdict {}

    /** Right credentials, old nonce: challenge again with {@code stale=true}. */
    record Stale() implements Verdict {}

    /** Answer 401/403; {@code why} is for the log (it names what was wrong, never a secret). */
    record Rejected(String why) implements Verdict {}
  }

  public DigestAuthenticator(String realm, byte[] secret, Clock clock) {
    this(realm, secret, clock, DEFAULT_NONCE_LIFETIME);
  }

  public DigestAuthenticator(String realm, byte[] secret, Clock clock, Duration nonceLifetime) {
    this(realm, secret, clock, nonceLifetime, DEFAULT_TRACKED_NONCES);
  }

  /**
   * @param secret shared by all nodes of the cluster, at least 16 bytes
   * @param trackedNonces how many nonces' counts to remember for replay protection
   */
  public DigestAuthenticator(String realm, byte[] secret, Clock clock, Duration nonceLifetime, int trackedNonces) {
    if (realm == null || realm.isEmpty()) throw new IllegalArgumentException("realm must not be empty");
    if (secret == null || secret.length < 16) throw new IllegalArgumentException("secret must be at least 16 bytes");
    if (nonceLifetime == null || nonceLifetime.isNegative() || nonceLifetime.isZero()) {
      throw new IllegalArgumentException("nonceLifetime must be positive");
    }
    this.realm = realm;
    this.key = new SecretKeySpec(Arrays.copyOf(secret, secret.length), "HmacSHA256");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.nonceLifetime = nonceLifetime;
    this.nonceCounts = new NonceCounts(trackedNonces);
  }

  public String realm() {
    return realm;
  }

  public Duration nonceLifetime() {
    return nonceLifetime;
  }

  /**
   * Values for the WWW-Authenticate (401) or Proxy-Authenticate (407) headers, one header each:
   * SHA-256 first, then MD5 for phones that only know MD5 (RFC 8760 §2.4: the client picks the
   * first it supports). Both carry the same fresh nonce.
   */
  public List<String> challenges(boolean stale) {
    String nonce = newNonce();
    List<String> out = new ArrayList<>(2);
    for (DigestAlgorithm algorithm : List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5)) {
      out.add(challenge(algorithm, nonce, stale));
    }
    return out;
  }

  /** One challenge with a fresh nonce, for a gateway that offers a single algorithm. */
  public String challenge(DigestAlgorithm algorithm, boolean stale) {
    return challenge(algorithm, newNonce(), stale);
  }

  private String challenge(DigestAlgorithm algorithm, String nonce, boolean stale) {
    List<DigestHeader.Param> params = new ArrayList<>(5);
    params.add(DigestHeader.Param.quoted("realm", realm));
    params.add(DigestHeader.Param.quoted("nonce", nonce));
    params.add(DigestHeader.Param.token("algorithm", algorithm.token()));
    params.add(DigestHeader.Param.quoted("qop", "auth"));
    if (stale) params.add(DigestHeader.Param.token("stale", "true"));
    return DigestHeader.format("Digest", params);
  }

  /**
   * Checks an Authorization header value without comparing its {@code uri} to the request's.
   * Prefer {@link #verify(String, String, String, SipAccounts)}: it stops a response captured
   * for one request URI from being used for another.
   */
  public Verdict verify(String authorizationHeader, String method, SipAccounts accounts) {
    return verify(authorizationHeader, method, null, accounts);
  }

  /**
   * Checks an Authorization (or Proxy-Authorization) header value for a request.
   *
   * @param method the request's method, e.g. {@code REGISTER} (it is part of the digest)
   * @param requestUri the request's Request-URI; the digest {@code uri} must be the same
   *     (RFC 2617 §3.2.2.5); null skips that comparison
   */
  public Verdict verify(String authorizationHeader, String method, String requestUri, SipAccounts accounts) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(accounts, "accounts");
    Verdict verdict = check(authorizationHeader, method, requestUri, accounts);
    if (verdict instanceof Verdict.Rejected rejected) log.debug("digest rejected: {}", rejected.why());
    return verdict;
  }

  private Verdict check(String header, String method, String requestUri, SipAccounts accounts) {
    if (header == null || header.isBlank()) return rejected(MALFORMED + "empty");
    Optional<String> scheme = DigestHeader.schemeOf(header);
    if (scheme.isPresent() && !scheme.get().equalsIgnoreCase("Digest")) {
      return rejected("unsupported authentication scheme " + scheme.get());
    }
    DigestHeader.Parsed parsed = DigestHeader.parse(header);
    if (parsed instanceof DigestHeader.Malformed malformed) return rejected(MALFORMED + malformed.why());
    DigestHeader.Credentials credentials = (DigestHeader.Credentials) parsed;

    // All parameters present and well formed before anything is looked up.
    String username = credentials.params().get("username");
    String headerRealm = credentials.params().get("realm");
    String nonce = credentials.params().get("nonce");
    String uri = credentials.params().get("uri");
    String response = credentials.params().get("response");
    for (String name : List.of("username", "realm", "nonce", "uri", "response")) {
      String value = credentials.params().get(name);
      if (value == null) return rejected(MALFORMED + "missing " + name);
      if (value.isEmpty() && !name.equals("realm")) return rejected(MALFORMED + "empty " + name);
    }
    Optional<DigestAlgorithm> algorithm = DigestAlgorithm.fromToken(credentials.params().get("algorithm"));
    if (algorithm.isEmpty()) return rejected("unsupported algorithm " + credentials.params().get("algorithm"));
    String qop = credentials.params().get("qop");
    String nc = credentials.params().get("nc");
    String cnonce = credentials.params().get("cnonce");
    long count = 0;
    if (qop != null) {
      if (!qop.equalsIgnoreCase("auth")) return rejected("unsupported qop " + qop + " (only auth is offered)");
      if (nc == null) return rejected(MALFORMED + "missing nc (required with qop)");
      if (cnonce == null || cnonce.isEmpty()) return rejected(MALFORMED + "missing cnonce (required with qop)");
      count = nonceCount(nc);
      if (count <= 0) return rejected(MALFORMED + "nc must be 8 hex digits from 00000001");
    }
    if (response.length() != algorithm.get().hexLength() || !response.chars().allMatch(HexFormat::isHexDigit)) {
      return rejected(MALFORMED + "response must be " + algorithm.get().hexLength() + " hex digits for " + algorithm.get().token());
    }
    if (!headerRealm.equals(realm)) return rejected("wrong realm \"" + headerRealm + "\" (expected \"" + realm + "\")");
    if (requestUri != null && !sameUri(uri, requestUri)) {
      return rejected("uri mismatch: digest uri " + uri + " is not the request URI " + requestUri);
    }
    Optional<Long> issuedAt = issuedAt(nonce);
    if (issuedAt.isEmpty()) return rejected("nonce not issued here (bad signature or format)");
    long now = clock.millis();
    if (issuedAt.get() > now + CLOCK_SKEW.toMillis()) return rejected("nonce issued in the future");

    Optional<SipAccount> found = accounts.find(username);
    if (found.isEmpty()) return rejected("unknown user " + username);
    SipAccount account = found.get();
    if (!account.realm().equals(realm)) {
      return rejected("wrong realm: account " + username + " belongs to realm \"" + account.realm() + "\"");
    }
    String ha1 = account.ha1(algorithm.get());
    if (ha1 == null) return rejected("account " + username + " has no " + algorithm.get().token() + " credentials");

    // The digest covers the values exactly as the phone sent them (qop's case included).
    String expected = algorithm.get().response(ha1, nonce, nc, cnonce, qop, method, uri);
    boolean match = MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII),
        response.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    if (!match) return rejected("bad response for user " + username + " (wrong password?)");

    // Only a right response earns "stale": otherwise a guesser could tell it is merely late.
    if (now - issuedAt.get() >= nonceLifetime.toMillis()) {
      log.debug("stale nonce from {}", username);
      return new Verdict.Stale();
    }
    if (qop != null) {
      switch (nonceCounts.advance(nonce, issuedAt.get(), count)) {
        case REPLAYED -> {
          return rejected("replayed nc " + nc + " for user " + username);
        }
        case FORGOTTEN -> {
          log.debug("nonce from {} fell out of the replay window; asking for a new one", username);
          return new Verdict.Stale();
        }
        case ACCEPTED -> {}
      }
    }
    return new Verdict.Ok(account);
  }

  private static Verdict rejected(String why) {
    return new Verdict.Rejected(why);
  }

  private static long nonceCount(String nc) {
    if (nc.length() != 8 || !nc.chars().allMatch(HexFormat::isHexDigit)) return -1;
    return Long.parseLong(nc, 16);
  }

  /** Request-URIs compare loosely: phones may bracket them or change the case of the scheme. */
  private static boolean sameUri(String digestUri, String requestUri) {
    return unbracket(digestUri).equalsIgnoreCase(unbracket(requestUri));
  }

  private static String unbracket(String uri) {
    String u = uri.trim();
    if (u.length() >= 2 && u.startsWith("<") && u.endsWith(">")) u = u.substring(1, u.length() - 1).trim();
    return u;
  }

  String newNonce() {
    byte[] salt = new byte[SALT_BYTES];
    random.nextBytes(salt);
    String issued = Long.toHexString(clock.millis());
    String saltText = B64.encodeToString(salt);
    return issued + "." + saltText + "." + B64.encodeToString(mac(issued, saltText));
  }

  /** When the nonce was issued, if it carries our signature. */
  Optional<Long> issuedAt(String nonce) {
    String[] parts = nonce.split("\\.", -1);
    if (parts.length != 3 || parts[0].isEmpty() || parts[0].length() > 16) return Optional.empty();
    long issued;
    byte[] sentMac;
    try {
      issued = Long.parseUnsignedLong(parts[0], 16);
      sentMac = B64_DECODE.decode(parts[2]);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (!MessageDigest.isEqual(sentMac, mac(parts[0], parts[1]))) return Optional.empty();
    return Optional.of(issued);
  }

  private byte[] mac(String issued, String salt) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      byte[] full = mac.doFinal((issued + "|" + salt + "|" + realm).getBytes(StandardCharsets.UTF_8));
      return Arrays.copyOf(full, MAC_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK provides HmacSHA256", e);
    }
  }
}
