package io.switchboard.sip.media;

import java.util.Objects;

/** The result of SDP negotiation: the audio codec, and the telephone-event payload type (-1 for none). */
public record Negotiated(Codec codec, int telephoneEventPayloadType) {

  public Negotiated {
    Objects.requireNonNull(codec, "codec");
    if (telephoneEventPayloadType < -1 || telephoneEventPayloadType > 127)
      throw new IllegalArgumentException("telephone-event payload type " + telephoneEventPayloadType + " is not -1 or 0-127");
  }

  public boolean hasTelephoneEvents() {
    return telephoneEventPayloadType >= 0;
  }
}
