package io.switchboard.loadtest.gatling;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The simulation's parameters, from system properties ({@code -Dname=value}; the Gatling Maven
 * plugin passes the ones given to {@code mvn} on to its forked JVM). A bad value stops the run
 * naming the property.
 */
final class LoadSettings {

  /** Property name to help text, in the order printed. */
  static final Map<String, String> HELP = new LinkedHashMap<>();

  static {
    HELP.put("baseUrl", "the node, loopback only; default http://127.0.0.1:8080");
    HELP.put("agents", "N agent virtual users (and agents lt-a1..lt-aN); default 50");
    HELP.put("rate", "R test calls per second (open model); default 10");
    HELP.put("duration", "D seconds of calls; default 30");
    HELP.put("talk", "T seconds an agent talks before it ends the call (decimals allowed); default 2");
    HELP.put("viewers", "V wallboard viewers (users lt-w1..lt-wV, role supervisor); default 2");
    HELP.put("ramp", "seconds over which the agents log in; default max(5, N/200)");
    HELP.put("settle", "seconds between the end of the agents' ramp and the first call; default 5");
    HELP.put("drain", "seconds agents stay after the last call; default T + 15");
    HELP.put("adminUser", "admin user for setup and test calls; default admin");
    HELP.put("adminPassword", "its password; default demo-admin");
    HELP.put("agentPassword", "password of the lt-a<i> users; default lt-agent-password");
    HELP.put("viewerPassword", "password of the lt-w<i> users; default lt-viewer-password");
    HELP.put("setup", "create the centre first (true/false); default true");
    HELP.put("setupConcurrency", "setup requests in flight; default 32");
    HELP.put("maxHeartbeatSeconds", "an idle agent pings at least this often (the server's heartbeatSeconds if shorter); default 10");
    HELP.put("summaryFile", "file the figures are appended to; default target/gatling/agent-desktop-summary.txt");
  }

  final String baseUrl;
  final String wsBaseUrl;
  final int agents;
  final int rate;
  final int durationSeconds;
  final Duration talk;
  final int viewers;
  final int rampSeconds;
  final int settleSeconds;
  final int drainSeconds;
  final String adminUser;
  final String adminPassword;
  final String agentPassword;
  final String viewerPassword;
  final boolean setup;
  final int setupConcurrency;
  final int maxHeartbeatSeconds;
  final String summaryFile;

  final String queue = "lt-q";
  final String answeringPoint = "nordic";
  final String company = "acme";
  final String dialledNumber = "+4699000000";
  final String callerNumber = "+46701234567";

  private LoadSettings() {
    baseUrl = text("baseUrl", "http://127.0.0.1:8080").replaceAll("/+$", "");
    if (!baseUrl.matches("http://(127\\.\\d+\\.\\d+\\.\\d+|localhost|\\[::1\\])(:\\d+)?"))
      throw new IllegalArgumentException("-DbaseUrl=" + baseUrl + ": load is sent to loopback only (http://127.x.x.x:port or http://localhost:port)");
    wsBaseUrl = "ws" + baseUrl.substring("http".length());
    agents = number("agents", 50, 1);
    rate = number("rate", 10, 1);
    durationSeconds = number("duration", 30, 1);
    talk = seconds("talk", "2");
    viewers = number("viewers", 2, 0);
    rampSeconds = number("ramp", Math.max(5, agents / 200), 1);
    settleSeconds = number("settle", 5, 0);
    drainSeconds = number("drain", (int) talk.toSeconds() + 15, 1);
    adminUser = text("adminUser", "admin");
    adminPassword = text("adminPassword", "demo-admin");
    agentPassword = text("agentPassword", "lt-agent-password");
    viewerPassword = text("viewerPassword", "lt-viewer-password");
    setup = Boolean.parseBoolean(text("setup", "true"));
    setupConcurrency = number("setupConcurrency", 32, 1);
    maxHeartbeatSeconds = number("maxHeartbeatSeconds", 10, 1);
    summaryFile = text("summaryFile", "target/gatling/agent-desktop-summary.txt");
  }

  static LoadSettings fromSystemProperties() {
    return new LoadSettings();
  }

  String agentId(int i) {
    return "lt-a" + i;
  }

  String viewerUser(int v) {
    return "lt-w" + v;
  }

  long expectedCalls() {
    return (long) rate * durationSeconds;
  }

  /** From the first user's start to the agents' and viewers' end of loop. */
  Duration runLength() {
    return Duration.ofSeconds((long) rampSeconds + settleSeconds + durationSeconds + drainSeconds);
  }

  String describe() {
    return String.format("baseUrl=%s agents=%d rate=%d/s duration=%ds talk=%.3fs viewers=%d ramp=%ds settle=%ds drain=%ds",
        baseUrl, agents, rate, durationSeconds, talk.toMillis() / 1000.0, viewers, rampSeconds, settleSeconds, drainSeconds);
  }

  private static String text(String name, String dflt) {
    String v = System.getProperty(name);
    return v == null || v.isBlank() ? dflt : v.trim();
  }

  private static int number(String name, int dflt, int min) {
    String v = System.getProperty(name);
    if (v == null || v.isBlank()) return dflt;
    int n;
    try {
      n = Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("-D" + name + "=" + v + ": expected a whole number");
    }
    if (n < min) throw new IllegalArgumentException("-D" + name + "=" + v + ": must be at least " + min);
    return n;
  }

  private static Duration seconds(String name, String dflt) {
    String v = text(name, dflt);
    try {
      double d = Double.parseDouble(v);
      if (d < 0 || d > 3600) throw new NumberFormatException();
      return Duration.ofMillis(Math.round(d * 1000));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("-D" + name + "=" + v + ": expected seconds between 0 and 3600");
    }
  }
}
