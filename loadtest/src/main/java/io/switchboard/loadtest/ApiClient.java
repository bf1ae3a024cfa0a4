package io.switchboard.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** JSON over HTTP/1.1 to the engine API v0 of one node on loopback; one connection pool per client. */
final class ApiClient implements AutoCloseable {

  record Response(int status, JsonNode body, String raw) {
    boolean ok() {
      return status >= 200 && status < 300;
    }

    /** The API's error text, or the raw body. */
    String error() {
      return body.hasNonNull("error") ? body.get("error").asText() : raw;
    }
  }

  private final String base;
  private final ObjectMapper json;
  private final ExecutorService executor;
  private final HttpClient http;
  private final Duration timeout;

  ApiClient(int port, ObjectMapper json, String name, int threads, Duration timeout) {
    this.base = "http://127.0.0.1:" + port + "/api/v0";
    this.json = json;
    this.timeout = timeout;
    AtomicInteger n = new AtomicInteger();
    this.executor = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .executor(executor)
        .build();
  }

  HttpClient http() {
    return http;
  }

  URI uri(String path) {
    return URI.create(base + path);
  }

  CompletableFuture<Response> send(String method, String path, Object body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(timeout).header("Accept", "application/json");
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      try {
        b.header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
      } catch (IOException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    return http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> new Response(r.statusCode(), parse(r.body()), r.body()));
  }

  Response call(String method, String path, Object body) throws IOException, InterruptedException {
    try {
      return send(method, path, body).get();
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) throw io;
      throw new IOException(method + " " + path + " failed: " + c, c);
    }
  }

  private JsonNode parse(String raw) {
    if (raw == null || raw.isBlank()) return MissingNode.getInstance();
    try {
      return json.readTree(raw);
    } catch (IOException e) {
      return MissingNode.getInstance();
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
