package io.switchboard.http.sms;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.message.SmsException;
import io.switchboard.core.message.SmsMessage;
import io.switchboard.core.message.SmsSender;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SMS through a provider's HTTP API, configured rather than coded: one POST per message to
 * {@code url}, with the configured headers (an API key, say) and a body made from a template with
 * {@code {to}}, {@code {from}} and {@code {text}}. Values are JSON-escaped when the content type is
 * JSON and URL-encoded when it is a form, so a quote or a line break in the text cannot break the
 * body. Any 2xx means accepted; the message id is read from the response at a JSON pointer, when one
 * is configured. Most SMS APIs (Twilio-like forms, JSON gateways) fit this without code.
 *
 * <p>Sends with the JDK client's asynchronous API: no thread waits, and the whole exchange is
 * bounded by {@code timeout}.
 */
public final class HttpSmsSender implements SmsSender {

  private static final Logger log = LoggerFactory.getLogger(HttpSmsSender.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{(to|from|text)}");
  private static final int BODY_EXCERPT = 200;

  /** How placeholder values are written into the body. */
  enum Escaping {
    JSON, FORM, NONE;

    static Escaping of(String contentType) {
      String media = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
      if (media.equals("application/json") || media.endsWith("+json")) return JSON;
      if (media.equals("application/x-www-form-urlencoded")) return FORM;
      return NONE;
    }

    String apply(String value) {
      return switch (this) {
        case JSON -> new String(JsonStringEncoder.getInstance().quoteAsString(value));
        case FORM -> URLEncoder.encode(value, StandardCharsets.UTF_8);
        case NONE -> value;
      };
    }
  }

  /**
   * {@code switchboard.sms.http} plus the shared {@code from}. Header values (API keys) and the URL's
   * query and user info never appear in toString.
   */
  public record Settings(URI url, String contentType, String body, Map<String, String> headers,
      String messageIdPointer, String from, Duration timeout) {

    public Settings {
      Objects.requireNonNull(url, SmsSenders.HTTP + ".url");
      String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
      if (!url.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null)
        throw new IllegalArgumentException(SmsSenders.HTTP + ".url must be an http or https URL with a host; got \""
            + url + "\"");
      if (contentType == null || contentType.isBlank())
        throw new IllegalArgumentException(SmsSenders.HTTP + ".content-type is required");
      if (body == null || body.isBlank()) throw new IllegalArgumentException(SmsSenders.HTTP + ".body is required");
      if (!body.contains("{to}") || !body.contains("{text}"))
        throw new IllegalArgumentException(SmsSenders.HTTP + ".body must contain {to} and {text}");
      headers = Map.copyOf(Objects.requireNonNull(headers, "headers"));
      for (Map.Entry<String, String> h : headers.entrySet()) {
        if (h.getKey().equalsIgnoreCase("Content-Type"))
          throw new IllegalArgumentException(SmsSenders.HTTP + ".headers must not set Content-Type; use "
              + SmsSenders.HTTP + ".content-type");
        try {
          HttpRequest.newBuilder().header(h.getKey(), h.getValue());
        } catch (IllegalArgumentException e) {
          // Restricted (Host, Content-Length...) or malformed; the value is not repeated, it may be a secret.
          throw new IllegalArgumentException(SmsSenders.HTTP + ".headers." + h.getKey() + " cannot be sent: "
              + e.getMessage().replace(h.getValue(), "****"), e);
        }
      }
      Objects.requireNonNull(messageIdPointer, "messageIdPointer");
      if (!messageIdPointer.isEmpty()) {
        try {
          JsonPointer.compile(messageIdPointer);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(SmsSenders.HTTP + ".message-id-pointer must be empty or a JSON pointer "
              + "such as /messages/0/id; got \"" + messageIdPointer + "\"", e);
        }
      }
      SmsSenders.checkFrom(from);
      if (timeout == null || timeout.isNegative() || timeout.isZero())
        throw new IllegalArgumentException(SmsSenders.HTTP + ".timeout must be positive; got " + timeout);
    }

    /** The URL without user info, query or fragment, which may carry credentials. */
    public String where() {
      return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
          + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    @Override
    public String toString() {
      return "HttpSmsSender.Settings[POST " + where() + (url.getRawQuery() == null ? "" : "?****") + ", "
          + contentType + ", headers " + new TreeMap<>(headers).keySet() + ", from " + from
          + (messageIdPointer.isEmpty() ? "" : ", message id at " + messageIdPointer) + ", timeout " + timeout + "]";
    }
  }

  private final Settings settings;
  private final Escaping escaping;
  private final JsonPointer messageId;
  private final HttpClient client;

  public HttpSmsSender(Settings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.escaping = Escaping.of(settings.contentType());
    this.messageId = settings.messageIdPointer().isEmpty() ? null : JsonPointer.compile(settings.messageIdPointer());
    this.client = HttpClient.newBuilder()
        .connectTimeout(settings.timeout())
        // HTTP/1.1: no h2c upgrade attempt on plain http, which some gateways mishandle; https still works.
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  public Settings settings() {
    return settings;
  }

  /** The request body for this message: the template with its placeholders filled in, in one pass. */
  String body(SmsMessage sms) {
    Matcher m = PLACEHOLDER.matcher(settings.body());
    StringBuilder out = new StringBuilder(settings.body().length() + sms.text().length() + 32);
    while (m.find()) {
      String value = switch (m.group(1)) {
        case "to" -> sms.to();
        case "from" -> settings.from();
        default -> sms.text();
      };
      m.appendReplacement(out, Matcher.quoteReplacement(escaping.apply(value)));
    }
    m.appendTail(out);
    return out.toString();
  }

  @Override
  public CompletionStage<String> send(SmsMessage sms) {
    Objects.requireNonNull(sms, "sms");
    HttpRequest.Builder request = HttpRequest.newBuilder(settings.url())
        .timeout(settings.timeout())
        .header("Content-Type", settings.contentType())
        .POST(HttpRequest.BodyPublishers.ofString(body(sms), StandardCharsets.UTF_8));
    settings.headers().forEach(request::header);
    CompletableFuture<HttpResponse<String>> exchange;
    try {
      // Returns at once: the JDK client resolves, connects and sends on its own threads.
      exchange = client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(new SmsException("SMS provider " + settings.where() + ": " + e, e));
    }
    // Completed by hand rather than by handle(), so callers see the SmsException itself, not wrapped.
    CompletableFuture<String> result = new CompletableFuture<>();
    exchange.whenComplete((response, failure) -> {
      if (failure != null) {
        result.completeExceptionally(failed(failure));
        return;
      }
      int status = response.statusCode();
      if (status < 200 || status > 299)
        result.completeExceptionally(new SmsException("SMS provider " + settings.where() + " answered " + status
            + ": " + excerpt(response.body())));
      else result.complete(messageId(response.body()));
    });
    return result;
  }

  private SmsException failed(Throwable failure) {
    Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    String where = "SMS provider " + settings.where();
    if (t instanceof HttpConnectTimeoutException || t instanceof ConnectException)
      return new SmsException("cannot connect to " + where + ": " + (t.getMessage() == null ? t : t.getMessage()), t);
    if (t instanceof HttpTimeoutException)
      return new SmsException("no answer from " + where + " within " + settings.timeout().toMillis()
          + " ms; it may or may not have taken the message", t);
    if (t instanceof IOException)
      return new SmsException("request to " + where + " failed: " + t, t);
    return new SmsException("sending through " + where + " failed: " + t, t);
  }

  private static String excerpt(String body) {
    if (body == null || body.isEmpty()) return "(no body)";
    return body.length() <= BODY_EXCERPT ? body : body.substring(0, BODY_EXCERPT) + "…";
  }

  /** The id at the pointer; "" when none is configured or the answer has none (the SMS was accepted all the same). */
  private String messageId(String body) {
    if (messageId == null) return "";
    try {
      JsonNode id = JSON.readTree(body).at(messageId);
      if (id.isMissingNode() || id.isNull()) {
        log.warn("SMS provider {} accepted the message but its answer has nothing at {}: {}", settings.where(),
            settings.messageIdPointer(), excerpt(body));
        return "";
      }
      return id.isValueNode() ? id.asText() : id.toString();
    } catch (IOException | RuntimeException e) {
      log.warn("SMS provider {} accepted the message but its answer is not JSON: {}", settings.where(), excerpt(body));
      return "";
    }
  }

  @Override
  public String toString() {
    return "HttpSmsSender[" + settings + "]";
  }
}
