package io.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web pages (http/src/main/resources/web) in headless Chromium against a real node with the
 * demo centre: {@code src/test/browser/desktop-flow.mjs} signs in an agent and a supervisor,
 * places test calls, answers, declines, wraps up and checks the wallboard;
 * {@code answering-flow.mjs} takes an answering-service call with its screen pop, staff list
 * and message form, mailed to a real SMTP server (GreenMail), and drives the customer portal. Needs
 * {@code /usr/bin/chromium} and Node.js with npm (CI's {@code .ci/run} installs them); without
 * them the test fails, it does not skip.
 */
class BrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Duration NPM_LIMIT = Duration.ofMinutes(4);
  private static final Duration FLOW_LIMIT = Duration.ofSeconds(120);

  @TempDir Path dir;

  Config config() {
    return ConfigFactory.parseMap(Map.of(
            "pekko-persistence-jdbc.shared-databases.switchboard.db.url",
            "jdbc:h2:file:" + dir.resolve("data/switchboard").toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE",
            "pekko.remote.artery.canonical.port", 0,
            "pekko.cluster.seed-nodes", List.of(),
            "pekko.management.http.port", -1,
            "switchboard.sip.enabled", "off",
            "switchboard.demo-data", "on",
            "switchboard.http.host", "127.0.0.1",
            "switchboard.http.port", 0))
        .withFallback(ConfigFactory.load())
        .resolve();
  }

  /** Node.js and npm on the PATH, playwright-core installed beside the scripts. */
  private record Tools(Path node, Path scripts, Path module) {}

  private static Tools tools(String script) throws Exception {
    Path module = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    Path scripts = module.resolve("src/test/browser");
    assertThat(scripts.resolve(script)).as("the browser flow script").exists();

    if (!Files.isExecutable(CHROMIUM)) {
      fail(CHROMIUM + " is missing: the browser test needs Chromium. Install it with "
          + "`apt-get install -y chromium` (CI's .ci/run does).");
    }
    Path node = onPath("node");
    Path npm = onPath("npm");
    if (node == null || npm == null) {
      fail("`node` and `npm` must be on the PATH for the browser test (Node.js 18 or newer). Install them with "
          + "`apt-get install -y nodejs npm` (CI's .ci/run does).");
    }

    if (!Files.isDirectory(scripts.resolve("node_modules/playwright-core"))) {
      Result npmCi = run(List.of(npm.toString(), "ci", "--no-audit", "--no-fund"), scripts,
          Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"), NPM_LIMIT, "npm");
      assertThat(npmCi.exit()).as("`npm ci` in " + scripts + " failed:\n" + npmCi.tail()).isZero();
    }
    return new Tools(node, scripts, module);
  }

  /** An empty folder for a flow's screenshots (the files in it deleted, sub-folders kept). */
  private static Path artifacts(Path dir) throws IOException {
    Files.createDirectories(dir);
    try (var old = Files.list(dir)) {
      for (Path file : old.toList()) if (Files.isRegularFile(file)) Files.delete(file);
    }
    return dir;
  }

  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void anAgentAnswersAndDeclinesCallsInTheBrowserAndTheWallboardCountsThem() throws Exception {
    Tools tools = tools("desktop-flow.mjs");
    Path node = tools.node();
    Path scripts = tools.scripts();
    Path artifacts = artifacts(tools.module().resolve("target/browser-artifacts"));

    try (Node switchboard = Node.start(config())) {
      String baseUrl = "http://127.0.0.1:" + switchboard.httpAddress.getPort();
      Result flow = run(List.of(node.toString(), "desktop-flow.mjs"), scripts,
          Map.of("BASE_URL", baseUrl,
              "ARTIFACTS_DIR", artifacts.toString(),
              "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"),
          FLOW_LIMIT, "browser");
      assertThat(flow.exit())
          .as("desktop-flow.mjs against " + baseUrl + " failed (screenshots in " + artifacts + "); its last output:\n"
              + flow.tail())
          .isZero();

      // The supervisor's statistics page shows the projected day: the calls just answered.
      long answered = answeredToday(baseUrl);
      Result stats = run(List.of(node.toString(), "statistics-flow.mjs"), scripts,
          Map.of("BASE_URL", baseUrl,
              "ARTIFACTS_DIR", artifacts.toString(),
              "EXPECT_ANSWERED", Long.toString(answered),
              "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"),
          FLOW_LIMIT, "browser");
      assertThat(stats.exit())
          .as("statistics-flow.mjs against " + baseUrl + " failed (screenshots in " + artifacts + "); its last output:\n"
              + stats.tail())
          .isZero();
    }
  }

  static final String CALLER = "+46701234567";
  static final String MESSAGE_TEXT = "Wants the lease contract for the new office read through before Friday.";

  /**
   * The acceptance test (ANS-2, ANS-4, ANS-5, ANS-6, ANS-8, ANS-16): a call for the
   * answering service's client rings anna's desktop with the company's greeting (the caller's
   * number in it), the staff list shows Karin Lind at lunch and a transfer to her asks first;
   * anna takes a message for Per Berg, which reaches his mailbox; the client's portal shows it.
   */
  @Test
  @Timeout(value = 8, unit = TimeUnit.MINUTES)
  void anAnsweringAgentTakesACallForAClientWithItsScreenPopAndTheMessageIsMailed() throws Exception {
    Tools tools = tools("answering-flow.mjs");
    Path artifacts = artifacts(tools.module().resolve("target/browser-artifacts/answering"));
    GreenMail mail = new GreenMail(ServerSetupTest.SMTP.createCopy("127.0.0.1").dynamicPort());
    mail.start();
    try {
      Config config = ConfigFactory.parseMap(Map.of(
              "switchboard.mail.host", "127.0.0.1",
              "switchboard.mail.port", mail.getSmtp().getPort(),
              "switchboard.mail.from", "Nordic Answering <answering@example.com>"))
          .withFallback(config());
      try (Node switchboard = Node.start(config)) {
        String baseUrl = "http://127.0.0.1:" + switchboard.httpAddress.getPort();
        Result flow = run(List.of(tools.node().toString(), "answering-flow.mjs"), tools.scripts(),
            Map.of("BASE_URL", baseUrl,
                "ARTIFACTS_DIR", artifacts.toString(),
                "CALLER_NUMBER", CALLER,
                "MESSAGE_TEXT", MESSAGE_TEXT,
                "PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"),
            FLOW_LIMIT, "browser");
        assertThat(flow.exit())
            .as("answering-flow.mjs against " + baseUrl + " failed (screenshots in " + artifacts + "); its last output:\n"
                + flow.tail())
            .isZero();

        // The message the agent took is in Per Berg's mailbox, with the caller's number to call back.
        assertThat(mail.waitForIncomingEmail(Duration.ofSeconds(15).toMillis(), 1)).as("a mail arrived").isTrue();
        MimeMessage received = Arrays.stream(mail.getReceivedMessages())
            .filter(m -> recipients(m).contains("per.berg@example.com")).findFirst()
            .orElseThrow(() -> new AssertionError("no mail to per.berg@example.com among "
                + Arrays.stream(mail.getReceivedMessages()).map(BrowserTest::recipients).toList()));
        assertThat(received.getSubject()).isEqualTo("Message for Per Berg from Bo Berg (Bergs Bygg AB) (please call back)");
        assertThat(received.getContent().toString())
            .contains(MESSAGE_TEXT)
            .contains("Number: " + CALLER)
            .contains("Lind & Berg Advokatbyrå")
            .contains("by anna");
        assertThat(mail.getReceivedMessages()).as("one message, one mail: the retried send was not a second message")
            .hasSize(1);
      }
    } finally {
      mail.stop();
    }
  }

  private static String recipients(MimeMessage m) {
    try {
      return Arrays.toString(m.getAllRecipients());
    } catch (jakarta.mail.MessagingException e) {
      return "?";
    }
  }

  /** Today's answered calls over all queues, as the statistics API has them once the read side caught up. */
  private static long answeredToday(String baseUrl) throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    var login = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl + "/api/v1/session"))
            .header("Content-Type", "application/json")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"demo-admin\"}"))
            .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    String token = json.readTree(login.body()).get("token").asText();
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (true) {
      var status = json.readTree(http.send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create(baseUrl + "/api/v1/statistics/status")).header("Authorization", "Bearer " + token).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body());
      long pending = 0;
      for (var p : status.get("projections")) pending += p.get("pendingEvents").asLong();
      var day = json.readTree(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                  baseUrl + "/api/v1/statistics/intervals?dimension=queue&granularity=day"))
              .header("Authorization", "Bearer " + token).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).body());
      long answered = day.at("/total/counts/answered").asLong();
      if (pending == 0 && answered > 0) return answered;
      if (System.nanoTime() > deadline)
        throw new AssertionError("the statistics never showed the answered calls: " + status + " " + day);
      Thread.sleep(300);
    }
  }

  private record Result(int exit, String tail) {}

  /** Runs a process, copying its output line by line to the test log; its exit code and last lines. */
  private static Result run(List<String> command, Path workDir, Map<String, String> env, Duration limit, String tag)
      throws IOException, InterruptedException {
    System.out.println("[" + tag + "] $ " + String.join(" ", command) + "   (in " + workDir + ")");
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    Deque<String> tail = new ArrayDeque<>();
    Thread pump = new Thread(() -> {
      try (var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = reader.readLine()) != null; ) {
          System.out.println("[" + tag + "] " + line);
          synchronized (tail) {
            tail.addLast(line);
            if (tail.size() > 40) tail.removeFirst();
          }
        }
      } catch (IOException ignored) {
        // the process ended
      }
    }, tag + "-output");
    pump.setDaemon(true);
    pump.start();
    if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      pump.join(2000);
      synchronized (tail) {
        fail("`" + String.join(" ", command) + "` did not finish within " + limit.toSeconds() + " s; last output:\n"
            + String.join("\n", tail));
      }
    }
    pump.join(5000);
    System.out.println("[" + tag + "] exited " + process.exitValue());
    synchronized (tail) {
      return new Result(process.exitValue(), String.join("\n", tail));
    }
  }

  private static Path onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) return null;
    for (String entry : path.split(File.pathSeparator)) {
      if (entry.isEmpty()) continue;
      Path candidate = Path.of(entry, program);
      if (Files.isExecutable(candidate)) return candidate;
    }
    return null;
  }
}
