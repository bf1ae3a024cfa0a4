package io.switchboard.sip.gateway;

import com.typesafe.config.Config;
import io.switchboard.sip.media.Codec;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** The gateway's settings, from {@code switchboard.sip} (conf/sip.conf). */
public record SipSettings(
    String host,
    String publicHost,
    int port,
    List<String> transports,
    int rtpPortMin,
    int rtpPortMax,
    List<Codec> codecs,
    int maxCalls,
    int maxPendingArrivals,
    Duration retryAfter,
    Duration agentRingTimeout,
    int stackThreads,
    String trunk,
    String realm,
    String nonceSecret,
    Duration nonceLifetime,
    List<String> challengeAlgorithms,
    List<Account> accounts,
    List<String> queuePrompts,
    Duration announcePositionEvery,
    boolean announceEstimatedWait,
    Duration voicemailMaxLength,
    java.nio.file.Path soundFiles,
    Duration rtpTimeout) {

  /** A SIP account from configuration: the phone of agent {@code agent} (may be empty). */
  public record Account(String user, String password, String agent) {}

  public SipSettings {
    if (port < 1 || port > 65535) throw new IllegalArgumentException("switchboard.sip.port must be 1-65535, got " + port);
    if (transports.isEmpty()) throw new IllegalArgumentException("switchboard.sip.transports must name udp and/or tcp");
    for (String t : transports)
      if (!t.equals("udp") && !t.equals("tcp"))
        throw new IllegalArgumentException("switchboard.sip.transports: unknown transport " + t + " (udp, tcp)");
    if (rtpPortMin < 1024 || rtpPortMax > 65535 || rtpPortMax - rtpPortMin < 2)
      throw new IllegalArgumentException("switchboard.sip.rtp-port-min/max must be a range within 1024-65535");
    if (codecs.isEmpty()) throw new IllegalArgumentException("switchboard.sip.codecs must name PCMU and/or PCMA");
    if (maxCalls < 1) throw new IllegalArgumentException("switchboard.sip.max-calls must be positive");
    if (publicHost == null || publicHost.isBlank()) publicHost = host.equals("0.0.0.0") ? "127.0.0.1" : host;
    if (trunk != null && trunk.isBlank()) trunk = null;
    if (trunk != null && !trunk.startsWith("sip:"))
      throw new IllegalArgumentException("switchboard.sip.trunk must be a sip: URI, got " + trunk);
    if (!nonceSecret.isEmpty() && nonceSecret.length() < 16)
      throw new IllegalArgumentException("switchboard.sip.registrar.nonce-secret must be at least 16 characters (or empty)");
    if (challengeAlgorithms.isEmpty())
      throw new IllegalArgumentException("switchboard.sip.registrar.challenge-algorithms must name MD5 and/or SHA-256");
    for (String a : challengeAlgorithms)
      if (!a.equals("MD5") && !a.equals("SHA-256"))
        throw new IllegalArgumentException("switchboard.sip.registrar.challenge-algorithms: unknown " + a + " (MD5, SHA-256)");
    if (queuePrompts.isEmpty()) throw new IllegalArgumentException("switchboard.sip.queue-prompts must not be empty");
    if (voicemailMaxLength.compareTo(Duration.ofSeconds(5)) < 0 || voicemailMaxLength.compareTo(Duration.ofMinutes(10)) > 0)
      throw new IllegalArgumentException("switchboard.sip.voicemail-max-length must be 5 s to 10 min, got " + voicemailMaxLength);
    if (rtpTimeout.isNegative() || (!rtpTimeout.isZero() && rtpTimeout.compareTo(Duration.ofSeconds(2)) < 0))
      throw new IllegalArgumentException("switchboard.sip.rtp-timeout must be 0 (off) or at least 2 s, got " + rtpTimeout);
    if (announcePositionEvery.isNegative())
      throw new IllegalArgumentException("switchboard.sip.announce-position-every must not be negative (0 = never)");
  }

  public static SipSettings from(Config root) {
    Config c = root.getConfig("switchboard.sip");
    Config r = c.getConfig("registrar");
    List<Account> accounts = r.getConfigList("accounts").stream()
        .map(a -> new Account(a.getString("user"), a.getString("password"),
            a.hasPath("agent") ? a.getString("agent") : null))
        .toList();
    return new SipSettings(
        c.getString("host"),
        c.getString("public-host"),
        c.getInt("port"),
        c.getStringList("transports").stream().map(t -> t.toLowerCase(Locale.ROOT)).toList(),
        c.getInt("rtp-port-min"),
        c.getInt("rtp-port-max"),
        c.getStringList("codecs").stream().map(n -> Codec.valueOf(n.toUpperCase(Locale.ROOT))).toList(),
        c.getInt("max-calls"),
        c.getInt("max-pending-arrivals"),
        c.getDuration("retry-after"),
        c.getDuration("agent-ring-timeout"),
        c.getInt("stack-threads"),
        c.getString("trunk"),
        r.getString("realm"),
        r.getString("nonce-secret"),
        r.getDuration("nonce-lifetime"),
        r.getStringList("challenge-algorithms"),
        accounts,
        c.getStringList("queue-prompts"),
        c.getDuration("announce-position-every"),
        c.getBoolean("announce-estimated-wait"),
        c.getDuration("voicemail-max-length"),
        // The uploads' directory (http's switchboard.sound-files): one setting for both.
        root.hasPath("switchboard.sound-files.directory")
            && !root.getString("switchboard.sound-files.directory").isBlank()
            ? java.nio.file.Path.of(root.getString("switchboard.sound-files.directory")) : null,
        c.getDuration("rtp-timeout"));
  }

  public SipSettings withPort(int p) {
    return new SipSettings(host, publicHost, p, transports, rtpPortMin, rtpPortMax, codecs, maxCalls,
        maxPendingArrivals, retryAfter, agentRingTimeout, stackThreads, trunk, realm, nonceSecret, nonceLifetime,
        challengeAlgorithms, accounts, queuePrompts, announcePositionEvery, announceEstimatedWait, voicemailMaxLength, soundFiles, rtpTimeout);
  }
}
