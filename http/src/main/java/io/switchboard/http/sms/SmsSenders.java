package io.switchboard.http.sms;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.switchboard.core.message.SmsSender;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The SMS sender a node's configuration ({@code switchboard.sms}) asks for: none, SMPP or a generic
 * HTTP provider. A wrong value is an {@link IllegalArgumentException} naming its key, at start-up,
 * rather than a failed SMS later.
 */
public final class SmsSenders {
  private SmsSenders() {}

  static final String ROOT = "switchboard.sms";
  static final String SMPP = ROOT + ".smpp";
  static final String HTTP = ROOT + ".http";

  /** What {@code switchboard.sms} configures. */
  public sealed interface Provider permits None, Smpp, Http {}

  public record None() implements Provider {}

  public record Smpp(SmppSmsSender.Settings settings) implements Provider {}

  public record Http(HttpSmsSender.Settings settings) implements Provider {}

  /** The sender of {@code switchboard.sms}; the caller closes it when the node stops. */
  public static SmsSender fromConfig(Config config) {
    Provider p = provider(config);
    if (p instanceof Smpp s) return new SmppSmsSender(s.settings());
    if (p instanceof Http h) return new HttpSmsSender(h.settings());
    return SmsSender.none();
  }

  /** Reads and checks {@code switchboard.sms} without connecting anywhere. */
  public static Provider provider(Config config) {
    try {
      String provider = config.getString(SmsSender.PROVIDER_KEY);
      return switch (provider) {
        case "none" -> new None();
        case "smpp" -> new Smpp(new SmppSmsSender.Settings(config.getString(SMPP + ".host"),
            config.getInt(SMPP + ".port"), config.getString(SMPP + ".system-id"), config.getString(SMPP + ".password"),
            config.getString(SMPP + ".system-type"), config.getString(ROOT + ".from"),
            config.getDuration(SMPP + ".timeout")));
        case "http" -> new Http(new HttpSmsSender.Settings(url(config.getString(HTTP + ".url")),
            config.getString(HTTP + ".content-type"), config.getString(HTTP + ".body"), headers(config),
            config.getString(HTTP + ".message-id-pointer"), config.getString(ROOT + ".from"),
            config.getDuration(HTTP + ".timeout")));
        default -> throw new IllegalArgumentException(SmsSender.PROVIDER_KEY + " must be none, smpp or http; got \""
            + provider + "\"");
      };
    } catch (ConfigException e) {
      // Typesafe Config's messages name the key (and the file and line).
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static URI url(String value) {
    try {
      return new URI(value);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(HTTP + ".url is not a URL: " + e.getMessage(), e);
    }
  }

  private static Map<String, String> headers(Config config) {
    Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    // The object's own keys, not Config.entrySet(): a header name may hold dots, which paths would split.
    for (Map.Entry<String, ConfigValue> e : config.getObject(HTTP + ".headers").entrySet()) {
      if (e.getValue().valueType() != ConfigValueType.STRING)
        throw new IllegalArgumentException(HTTP + ".headers." + e.getKey() + " must be a string; got "
            + e.getValue().valueType().name().toLowerCase());
      headers.put(e.getKey(), (String) e.getValue().unwrapped());
    }
    return headers;
  }

  private static final Pattern INTERNATIONAL = Pattern.compile("\\+[1-9][0-9]{5,14}");
  private static final Pattern NAME = Pattern.compile("[\\x20-\\x7E]{1,11}");

  /**
   * {@code switchboard.sms.from}: an international number, or a name shown instead of a number,
   * which GSM limits to 11 characters (plain ASCII here, as SMSCs differ beyond that).
   */
  static String checkFrom(String from) {
    if (from == null || from.isBlank()) throw new IllegalArgumentException(ROOT + ".from is required");
    boolean ok = from.startsWith("+") ? INTERNATIONAL.matcher(from).matches() : NAME.matcher(from).matches();
    if (!ok)
      throw new IllegalArgumentException(ROOT + ".from must be an international number (+ and 6 to 15 digits) or a "
          + "name of 1 to 11 ASCII characters; got \"" + from + "\"");
    return from;
  }
}
