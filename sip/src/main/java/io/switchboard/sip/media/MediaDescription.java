package io.switchboard.sip.media;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a remote SDP offers or answers for audio: where to send (address, port), the payload types
 * of the m-line in the remote's order of preference, their a=rtpmap values (e.g. 0 -> "PCMU/8000"),
 * the telephone-event payload type (-1 if none) and the direction (sendrecv, sendonly, recvonly or
 * inactive; sendrecv when the SDP says nothing).
 */
public record MediaDescription(String address, int port, List<Integer> payloadTypes, Map<Integer, String> rtpmap,
    int telephoneEventPayloadType, String direction) {

  private static final Set<String> DIRECTIONS = Set.of("sendrecv", "sendonly", "recvonly", "inactive");

  public MediaDescription {
    Objects.requireNonNull(address, "address");
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port " + port + " is not 0-65535");
    payloadTypes = List.copyOf(payloadTypes);
    rtpmap = Map.copyOf(rtpmap);
    if (!DIRECTIONS.contains(direction)) throw new IllegalArgumentException("direction " + direction + " is not one of " + DIRECTIONS);
  }

  /**
   * True when the remote does not want to receive audio: sendonly or inactive, or the old RFC 2543
   * hold address 0.0.0.0.
   */
  public boolean onHold() {
    return direction.equals("sendonly") || direction.equals("inactive") || address.equals("0.0.0.0");
  }
}
