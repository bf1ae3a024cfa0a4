package io.switchboard.sip.registrar;

import java.util.List;
import java.util.Objects;

/**
 * What the gateway read from a REGISTER: the Contact headers with their parameters, the Expires
 * header, Call-ID, CSeq number, and where the request came from.
 *
 * @param contacts empty for a query (a REGISTER that only asks for the current bindings)
 * @param expires the Expires header in seconds, null when absent
 * @param sourceAddress host:port the request was received from
 * @param transport UDP, TCP, TLS, WS...
 */
public record RegisterRequest(List<Contact> contacts, Integer expires, String callId, long cseq,
                              String sourceAddress, String transport) {

  /** The wildcard Contact of a REGISTER that removes every binding ({@code Contact: *}). */
  public static final String WILDCARD = "*";

  public RegisterRequest {
    contacts = List.copyOf(Objects.requireNonNull(contacts, "contacts"));
    expires = absentIfNegative(expires);
    if (callId == null || callId.isBlank()) throw new IllegalArgumentException("callId must not be blank");
    if (cseq < 0 || cseq >= 1L << 31) throw new IllegalArgumentException("cseq must be in [0, 2^31): " + cseq);
  }

  /**
   * One Contact header value.
   *
   * @param uri the contact URI without angle brackets, or {@link #WILDCARD}
   * @param expires its {@code expires} parameter in seconds, null when absent
   * @param q its {@code q} parameter, null when absent
   */
  public record Contact(String uri, Integer expires, Float q) {
    public Contact {
      Objects.requireNonNull(uri, "uri");
      uri = uri.trim();
      if (uri.length() >= 2 && uri.startsWith("<") && uri.endsWith(">")) uri = uri.substring(1, uri.length() - 1);
      if (uri.isEmpty()) throw new IllegalArgumentException("contact uri must not be empty");
      // JAIN-SIP reports an absent expires or q as -1: that counts as absent here too.
      expires = absentIfNegative(expires);
      if (q != null && q < 0) q = null;
    }

    public static Contact of(String uri) {
      return new Contact(uri, null, null);
    }

    public boolean isWildcard() {
      return uri.equals(WILDCARD);
    }
  }

  /** A REGISTER that removes every binding: {@code Contact: *} with {@code Expires: 0}. */
  public static RegisterRequest unregisterAll(String callId, long cseq, String sourceAddress, String transport) {
    return new RegisterRequest(List.of(Contact.of(WILDCARD)), 0, callId, cseq, sourceAddress, transport);
  }

  private static Integer absentIfNegative(Integer seconds) {
    return seconds != null && seconds < 0 ? null : seconds;
  }
}
