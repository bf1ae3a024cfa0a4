package io.switchboard.core.agent;

import java.util.regex.Pattern;

/**
 * Where an agent's calls ring (ACD-10): a SIP account registered with the gateway
 * ({@code account:alice}), a fixed SIP URI ({@code sip:alice@10.0.0.5:5062}), or a phone number
 * reached through the outbound trunk ({@code tel:+4687654321}, for remote agents).
 */
public sealed interface AgentDevice {

  record Account(String user) implements AgentDevice {}

  record SipUri(String uri) implements AgentDevice {}

  record PhoneNumber(String number) implements AgentDevice {}

  Pattern USER = Pattern.compile("[A-Za-z0-9._~-]{1,64}");
  Pattern URI = Pattern.compile("sips?:([A-Za-z0-9._~+-]{1,64}@)?[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?(;[A-Za-z0-9=._-]+)*");
  Pattern NUMBER = Pattern.compile("\\+?[0-9]{2,20}");

  /** Reads the form kept in {@link AgentConfig#device()}; throws naming what is wrong. */
  static AgentDevice parse(String device) {
    if (device == null) throw new IllegalArgumentException("device is required");
    if (device.startsWith("account:") && USER.matcher(device.substring(8)).matches())
      return new Account(device.substring(8));
    if (device.startsWith("tel:") && NUMBER.matcher(device.substring(4)).matches())
      return new PhoneNumber(device.substring(4));
    if (URI.matcher(device).matches()) return new SipUri(device);
    throw new IllegalArgumentException("device must be account:<sip user>, sip:<user@host[:port]> or tel:<number>, got "
        + device);
  }
}
