package io.switchboard.sip.registrar;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The phone's side of digest authentication, written for the tests apart from the code under
 * test (own challenge reading, own hashing, own header text) so a shared mistake cannot make
 * both sides agree.
 */
final class DigestClient {

  private static final Pattern PARAM = Pattern.compile("([A-Za-z0-9-]+)\\s*=\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|[^,\\s]+)");

  private DigestClient() {}

  static Map<String, String> challengeParams(String challenge) {
    if (!challenge.startsWith("Digest ")) throw new IllegalArgumentException(challenge);
    Map<String, String> params = new HashMap<>();
    Matcher m = PARAM.matcher(challenge.substring(7));
    while (m.find()) {
      String value = m.group(3) != null ? m.group(3).replaceAll("\\\\(.)", "$1") : m.group(2);
      params.put(m.group(1).toLowerCase(), value);
    }
    return params;
  }

  static String h(String jdkAlgorithm, String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance(jdkAlgorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** RFC 2617 §3.2.2.1 with qop=auth. */
  static String response(String jdk, String user, String realm, String password, String nonce, String nc, String cnonce,
                         String method, String uri) {
    String ha1 = h(jdk, user + ":" + realm + ":" + password);
    String ha2 = h(jdk, method + ":" + uri);
    return h(jdk, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:" + ha2);
  }

  /** RFC 2069: no qop, no nc, no cnonce. */
  static String responseWithoutQop(String jdk, String user, String realm, String password, String nonce, String method,
                                   String uri) {
    String ha1 = h(jdk, user + ":" + realm + ":" + password);
    String ha2 = h(jdk, method + ":" + uri);
    return h(jdk, ha1 + ":" + nonce + ":" + ha2);
  }

  /** What a phone sends after {@code challenge}, with qop=auth and nonce-count {@code nc}. */
  static String answer(String challenge, String user, String password, String method, String uri, int nc) {
    Map<String, String> c = challengeParams(challenge);
    String algorithm = c.getOrDefault("algorithm", "MD5");
    String ncText = String.format("%08x", nc);
    String cnonce = "c" + Integer.toHexString(user.hashCode()) + "x" + nc;
    String response = response(algorithm, user, c.get("realm"), password, c.get("nonce"), ncText, cnonce, method, uri);
    return "Digest username=\"" + user + "\", realm=\"" + c.get("realm") + "\", nonce=\"" + c.get("nonce")
        + "\", uri=\"" + uri + "\", response=\"" + response + "\", algorithm=" + algorithm
        + ", cnonce=\"" + cnonce + "\", qop=auth, nc=" + ncText;
  }

  /** What an RFC 2069 phone sends: it ignores qop in the challenge. */
  static String answerWithoutQop(String challenge, String user, String password, String method, String uri,
                                 boolean sendAlgorithm) {
    Map<String, String> c = challengeParams(challenge);
    String algorithm = c.getOrDefault("algorithm", "MD5");
    String response = responseWithoutQop(algorithm, user, c.get("realm"), password, c.get("nonce"), method, uri);
    return "Digest username=\"" + user + "\",realm=\"" + c.get("realm") + "\",nonce=\"" + c.get("nonce")
        + "\",uri=\"" + uri + "\",response=\"" + response + "\"" + (sendAlgorithm ? ",algorithm=" + algorithm : "");
  }
}
