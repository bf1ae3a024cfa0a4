package io.switchboard.http.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.switchboard.core.message.SmsException;
import io.switchboard.core.message.SmsMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HttpSmsSender against the JDK's HTTP server on the loopback. */
class HttpSmsSenderTest {

  record Request(String method, String path, Headers headers, String body) {}

  private static final String JSON_BODY = "{\"to\":\"{to}\",\"from\":\"{from}\",\"text\":\"{text}\"}";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile int status = 200;
  private volatile String answer = "{\"messages\":[{\"id\":\"abc-123\",\"status\":0}]}";
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/sms", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          exchange.getRequestHeaders(), body));
      respond(exchange, status, answer);
    });
    server.createContext("/never", exchange -> {
      exchange.getRequestBody().readAllBytes();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private HttpSmsSender sender(String contentType, String body, Map<String, String> headers, String pointer,
      Duration timeout, String path) {
    return new HttpSmsSender(new HttpSmsSender.Settings(url(path), contentType, body, headers, pointer,
        "Switchboard", timeout));
  }

  private HttpSmsSender jsonSender(String pointer) {
    return sender("application/json", JSON_BODY, Map.of("Authorization", "Bearer t0ken", "X-Api-Version", "2"),
        pointer, Duration.ofSeconds(5), "/sms");
  }

  private static String sent(HttpSmsSender sender, String text) throws Exception {
    return sender.send(new SmsMessage("+46701234567", text)).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static Throwable failure(HttpSmsSender sender) throws Exception {
    CompletableFuture<String> f = sender.send(new SmsMessage("+46701234567", "Hi")).toCompletableFuture();
    try {
      throw new AssertionError("sent as " + f.get(10, TimeUnit.SECONDS) + ", expected a failure");
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  @Test
  void postsJsonWithHeadersAndEscapedText() throws Exception {
    String text = "He said \"call me\"\nback\\later\t– Åsa 東京 {from}";

    String id = sent(jsonSender("/messages/0/id"), text);

    assertThat(id).isEqualTo("abc-123");
    assertThat(requests).hasSize(1);
    Request r = requests.get(0);
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/sms");
    assertThat(r.headers().getFirst("Authorization")).isEqualTo("Bearer t0ken");
    assertThat(r.headers().getFirst("X-Api-Version")).isEqualTo("2");
    assertThat(r.headers().getFirst("Content-Type")).isEqualTo("application/json");
    assertThat(r.body()).contains("\\\"call me\\\"\\nback\\\\later\\t");
    // A JSON parser reads back exactly what was sent; a {from} in the text is text, not filled in.
    JsonNode json = MAPPER.readTree(r.body());
    assertThat(json.get("to").asText()).isEqualTo("+46701234567");
    assertThat(json.get("from").asText()).isEqualTo("Switchboard");
    assertThat(json.get("text").asText()).isEqualTo(text);
  }

  @Test
  void postsAFormWithUrlEncodedValues() throws Exception {
    HttpSmsSender sender = sender("application/x-www-form-urlencoded", "To={to}&From={from}&Body={text}",
        Map.of(), "", Duration.ofSeconds(5), "/sms");
    String text = "Ring Åsa & Bo = 100% \"now\"\n東京?";

    String id = sent(sender, text);

    assertThat(id).as("no pointer configured").isEmpty();
    Request r = requests.get(0);
    assertThat(r.headers().getFirst("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
    assertThat(r.body()).startsWith("To=%2B46701234567&From=Switchboard&Body=").doesNotContain(" ", "\n", "\"");
    Map<String, String> form = Arrays.stream(r.body().split("&"))
        .map(kv -> kv.split("=", 2))
        .collect(Collectors.toMap(kv -> kv[0], kv -> URLDecoder.decode(kv[1], StandardCharsets.UTF_8), (a, b) -> a,
            LinkedHashMap::new));
    assertThat(form).containsExactly(Map.entry("To", "+46701234567"), Map.entry("From", "Switchboard"),
        Map.entry("Body", text));
  }

  @Test
  void otherContentTypesGetTheValuesAsTheyAre() throws Exception {
    HttpSmsSender sender = sender("text/plain; charset=utf-8", "{to}|{text}", Map.of(), "", Duration.ofSeconds(5),
        "/sms");
    sent(sender, "a \"b\" & c");
    assertThat(requests.get(0).body()).isEqualTo("+46701234567|a \"b\" & c");
  }

  @Test
  void messageIdPointerReadsNumbersAndToleratesAMissingId() throws Exception {
    answer = "{\"sid\":\"SM1\",\"n\":42}";
    assertThat(sent(jsonSender("/n"), "x")).isEqualTo("42");
    assertThat(sent(jsonSender("/sid"), "x")).isEqualTo("SM1");
    // Accepted (2xx) all the same: the SMS must not be sent twice because the answer lacks an id.
    assertThat(sent(jsonSender("/missing"), "x")).isEmpty();
    answer = "OK";
    assertThat(sent(jsonSender("/sid"), "x")).isEmpty();
  }

  @Test
  void any2xxIsAccepted() throws Exception {
    status = 202;
    answer = "";
    assertThat(sent(jsonSender(""), "x")).isEmpty();
  }

  @Test
  void non2xxFailsNamingTheStatusAndTheStartOfTheBody() throws Exception {
    status = 500;
    answer = "{\"error\":\"internal\",\"detail\":\"" + "x".repeat(300) + "\"}";

    Throwable t = failure(jsonSender("/messages/0/id"));

    assertThat(t).isInstanceOf(SmsException.class)
        .hasMessageStartingWith("SMS provider http://127.0.0.1:" + server.getAddress().getPort() + "/sms answered 500: ")
        .hasMessageContaining(answer.substring(0, 200))
        .hasMessageNotContaining(answer.substring(0, 201))
        .hasMessageNotContaining("t0ken");
  }

  @Test
  void clientErrorsFailToo() throws Exception {
    status = 401;
    answer = "{\"error\":\"bad credentials\"}";
    assertThat(failure(jsonSender(""))).hasMessageEndingWith("answered 401: {\"error\":\"bad credentials\"}");
  }

  @Test
  void aServerThatNeverAnswersFailsWithinTheTimeoutWithoutBlockingTheCaller() throws Exception {
    HttpSmsSender sender = sender("application/json", JSON_BODY, Map.of(), "", Duration.ofMillis(1500), "/never");

    long start = System.nanoTime();
    CompletableFuture<String> f = sender.send(new SmsMessage("+46701234567", "Hi")).toCompletableFuture();
    // A send that waited for the answer would come back failed: not done means it did not block.
    assertThat(f).isNotDone();

    assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(SmsException.class)
        .hasMessageContaining("no answer from SMS provider")
        .hasMessageContaining("within 1500 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
  }

  @Test
  void aServerThatIsDownFails() throws Exception {
    int port = server.getAddress().getPort();
    server.stop(0);
    HttpSmsSender sender = new HttpSmsSender(new HttpSmsSender.Settings(URI.create("http://127.0.0.1:" + port + "/sms"),
        "application/json", JSON_BODY, Map.of(), "", "Switchboard", Duration.ofSeconds(2)));
    assertThat(failure(sender)).isInstanceOf(SmsException.class)
        .hasMessageContaining("cannot connect to SMS provider http://127.0.0.1:" + port + "/sms");
  }

  @Test
  void settingsCheckTheirValuesAndHideSecrets() {
    HttpSmsSender.Settings s = new HttpSmsSender.Settings(URI.create("https://user:pw@api.example.com/v1/sms?key=k3y"),
        "application/json", JSON_BODY, Map.of("Authorization", "Bearer t0ken"), "/id", "+46812345678",
        Duration.ofSeconds(10));
    assertThat(s.toString()).contains("https://api.example.com/v1/sms", "[Authorization]")
        .doesNotContain("t0ken", "k3y", "pw@");

    assertThatThrownBy(() -> settings("ftp://example.com/", JSON_BODY, Map.of(), ""))
        .hasMessageStartingWith("switchboard.sms.http.url must be an http or https URL");
    assertThatThrownBy(() -> settings("", JSON_BODY, Map.of(), ""))
        .hasMessageStartingWith("switchboard.sms.http.url");
    assertThatThrownBy(() -> settings("https://example.com/", "{\"to\":\"{to}\"}", Map.of(), ""))
        .hasMessage("switchboard.sms.http.body must contain {to} and {text}");
    assertThatThrownBy(() -> settings("https://example.com/", JSON_BODY, Map.of("Host", "evil"), ""))
        .hasMessageStartingWith("switchboard.sms.http.headers.Host cannot be sent");
    assertThatThrownBy(() -> settings("https://example.com/", JSON_BODY, Map.of("content-type", "text/plain"), ""))
        .hasMessageStartingWith("switchboard.sms.http.headers must not set Content-Type");
    assertThatThrownBy(() -> settings("https://example.com/", JSON_BODY, Map.of(), "messages/0/id"))
        .hasMessageStartingWith("switchboard.sms.http.message-id-pointer must be empty or a JSON pointer");
  }

  private static HttpSmsSender.Settings settings(String url, String body, Map<String, String> headers,
      String pointer) {
    return new HttpSmsSender.Settings(URI.create(url), "application/json", body, headers, pointer, "Switchboard",
        Duration.ofSeconds(1));
  }
}
