package io.switchboard.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One agent's desktop on the agent WebSocket v1 (docs/agent-protocol.md), signed in with its own
 * session: logs in ready, accepts every offer at once, ends the call after the talk time, ends
 * wrap-up at once, pings every heartbeat. Each whole text message is stamped with
 * {@link System#nanoTime()} as its first and its last fragment arrive, before anything reads it; the frames
 * are then read in order on {@code work}, off the socket's thread, and handed to the
 * {@link Sink}.
 */
final class AgentDesktop implements WebSocket.Listener {

  /** What the benchmark learns from the desktops; called in each desktop's frame order. */
  interface Sink {
    /** An {@code offer} frame for {@code callId}, which arrived at {@code nanos}. */
    void offer(AgentDesktop desktop, JsonNode frame, long nanos);

    /**
     * A {@code screenPop} frame of {@code bytes} UTF-8 bytes, whose first fragment arrived at
     * {@code firstNanos} and whose last (the whole frame) at {@code nanos}.
     */
    void screenPop(AgentDesktop desktop, JsonNode frame, int bytes, long firstNanos, long nanos);

    /** The node carried out this desktop's {@code end} of {@code callId}. */
    void ended(AgentDesktop desktop, String callId);

    /** Something that should not happen: an {@code error} frame, a refused command, a lost socket. */
    void problem(AgentDesktop desktop, String what);
  }

  private static final int END_ATTEMPTS = 5;

  final String agentId;
  private final ObjectMapper json;
  private final Sink sink;
  private final Executor work;
  private final ScheduledExecutorService timer;
  private final int talkMs;
  private final StringBuilder partial = new StringBuilder();
  private long firstFragment;
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final Map<String, Integer> endAttempts = new ConcurrentHashMap<>();
  private final AtomicInteger refs = new AtomicInteger();
  private final Object sendLock = new Object();
  private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);
  private CompletableFuture<?> reading = CompletableFuture.completedFuture(null);
  private volatile WebSocket socket;
  private volatile ScheduledFuture<?> heartbeat;
  private volatile boolean closing;
  private volatile String lastWrapUp;

  AgentDesktop(String agentId, ObjectMapper json, Sink sink, Executor work, ScheduledExecutorService timer, int talkMs) {
    this.agentId = agentId;
    this.json = json;
    this.sink = sink;
    this.work = work;
    this.timer = timer;
    this.talkMs = talkMs;
  }

  /** Opens the socket with the agent's bearer token; completes once the agent is logged in READY. */
  CompletableFuture<Void> open(HttpClient http, URI uri, String token) {
    http.newWebSocketBuilder()
        .header("Authorization", "Bearer " + token)
        .connectTimeout(Duration.ofSeconds(30))
        .buildAsync(uri, this)
        .whenComplete((ws, e) -> {
          if (e != null) ready.completeExceptionally(e);
        });
    return ready;
  }

  void close() {
    closing = true;
    ScheduledFuture<?> h = heartbeat;
    if (h != null) h.cancel(false);
    WebSocket ws = socket;
    if (ws != null) ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(e -> null);
  }

  // ---------------------------------------------------------------- the socket

  @Override
  public void onOpen(WebSocket ws) {
    socket = ws;
    ws.request(1);
  }

  @Override
  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
    if (partial.length() == 0) firstFragment = System.nanoTime();
    partial.append(data);
    if (last) {
      long nanos = System.nanoTime();
      long first = firstFragment;
      String text = partial.toString();
      partial.setLength(0);
      synchronized (this) {
        reading = reading.thenRunAsync(() -> read(text, first, nanos), work);
      }
    }
    ws.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
    if (!closing) sink.problem(this, "socket closed by the node: " + status + " " + reason);
    ready.completeExceptionally(new IOException("socket closed: " + status + " " + reason));
    return null;
  }

  @Override
  public void onError(WebSocket ws, Throwable error) {
    if (!closing) sink.problem(this, "socket failed: " + error);
    ready.completeExceptionally(error);
  }

  // ---------------------------------------------------------------- frames

  private void read(String text, long firstNanos, long nanos) {
    JsonNode f;
    try {
      f = json.readTree(text);
    } catch (IOException e) {
      sink.problem(this, "unreadable frame: " + e.getMessage());
      return;
    }
    switch (f.path("type").asText()) {
      case "welcome" -> {
        long seconds = Math.max(1, f.path("heartbeatSeconds").asLong(10));
        heartbeat = timer.scheduleAtFixedRate(() -> send(Map.of("type", "ping")), seconds, seconds, TimeUnit.SECONDS);
        send(Map.of("type", "login", "ref", "login", "ready", true));
      }
      case "offer" -> {
        sink.offer(this, f, nanos);
        send(Map.of("type", "accept", "ref", "accept-" + refs.incrementAndGet(), "offerId", f.at("/contact/offerId").asText()));
        String callId = f.at("/contact/callId").asText();
        timer.schedule(() -> end(callId), talkMs, TimeUnit.MILLISECONDS);
      }
      case "screenPop" -> sink.screenPop(this, f, utf8Length(text), firstNanos, nanos);
      case "state" -> {
        JsonNode agent = f.path("agent");
        String status = agent.path("status").asText();
        if ("READY".equals(status) && !ready.isDone()) ready.complete(null);
        if ("WRAP_UP".equals(status)) {
          String since = agent.path("statusSince").asText();
          if (!since.equals(lastWrapUp)) {
            lastWrapUp = since;
            send(Map.of("type", "wrapUpDone", "ref", "wrapup-" + refs.incrementAndGet()));
          }
        }
      }
      case "ok" -> {
        String ref = f.path("ref").asText("");
        if (ref.startsWith("end-")) sink.ended(this, ref.substring(4));
      }
      case "error" -> onError(f);
      case "closing" -> {
        if (!closing) sink.problem(this, "the node is closing the socket: " + f.path("reason").asText());
      }
      case "replaced" -> sink.problem(this, "login replaced: " + f.path("reason").asText());
      default -> { } // pong, offerWithdrawn
    }
  }

  private void onError(JsonNode f) {
    String ref = f.path("ref").asText("");
    String code = f.path("code").asText();
    if (ref.startsWith("end-") && "conflict".equals(code)) {
      // ended before the accept took effect: once more a little later
      String callId = ref.substring(4);
      int n = endAttempts.merge(callId, 1, Integer::sum);
      if (n < END_ATTEMPTS) {
        timer.schedule(() -> end(callId), 200L * n, TimeUnit.MILLISECONDS);
        return;
      }
    }
    if ("login".equals(ref)) ready.completeExceptionally(new IOException("login refused: " + f));
    sink.problem(this, "error frame " + code + (ref.isEmpty() ? "" : " (" + ref + ")") + ": " + f.path("message").asText());
  }

  private void end(String callId) {
    send(Map.of("type", "end", "ref", "end-" + callId, "callId", callId));
  }

  /** Sends a frame after the one before it has gone (the WebSocket API allows one send at a time). */
  private void send(Map<String, Object> frame) {
    WebSocket ws = socket;
    if (ws == null || closing) return;
    String text;
    try {
      text = json.writeValueAsString(frame);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    synchronized (sendLock) {
      sending = sending.thenCompose(x -> ws.sendText(text, true)).exceptionally(e -> {
        if (!closing) sink.problem(this, "could not send " + frame.get("type") + ": " + e);
        return null;
      });
    }
  }

  static int utf8Length(CharSequence s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) n++;
      else if (c < 0x800) n += 2;
      else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else n += 3;
    }
    return n;
  }
}
