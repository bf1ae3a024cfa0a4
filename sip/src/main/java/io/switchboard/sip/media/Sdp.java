package io.switchboard.sip.media;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Vector;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sdp.Attribute;
import javax.sdp.Connection;
import javax.sdp.SdpException;
import javax.sdp.SdpFactory;
import javax.sdp.SessionDescription;

/**
 * SDP for the audio stream of a call (RFC 4566, offer/answer per RFC 3264): parse a remote body,
 * pick a codec, write our answer or offer.
 *
 * <p>Parsing checks every line first and only then hands the body to the JAIN-SIP SDP parser: that
 * parser accepts much garbage silently and prints stack traces for some errors, and its messages
 * ("Could not parse message") do not say which line is wrong. Lines of unknown types are dropped,
 * as RFC 4566 asks.
 *
 * <p>Known gaps: G.711 is matched by its static payload types 0 and 8 only (a dynamic payload type
 * mapped to PCMU/PCMA is ignored: {@link Negotiated} has no room for it and no phone we know
 * does it); answers describe the audio stream only, so an offer with further m-lines (video) gets
 * an answer without them; SRTP (RTP/SAVP) is refused.
 */
public final class Sdp {

  /** The telephone-event payload type of our offers. */
  public static final int TELEPHONE_EVENT_PAYLOAD_TYPE = 101;
  public static final int PTIME_MILLIS = 20;

  private static final String KNOWN_TYPES = "vosiuepcbtrzkam";
  private static final Pattern LINE = Pattern.compile("([a-zA-Z])=(.*)");
  private static final Pattern ORIGIN = Pattern.compile("\\S+ \\d+ \\d+ IN IP[46] \\S+");
  private static final Pattern TIMING = Pattern.compile("\\d+ \\d+");
  private static final Pattern MEDIA = Pattern.compile("(\\S+) +(\\d{1,5})(?:/\\d+)? +(\\S+)((?: +\\S+)*) *");
  private static final Pattern CONNECTION = Pattern.compile("IN (IP4|IP6) ([^/\\s]+)(?:/\\d+){0,2}");
  private static final Pattern RTPMAP = Pattern.compile("rtpmap:(\\d{1,3}) ([^/\\s]+)/(\\d+)(?:/\\d+)?\\s*");
  private static final List<String> DIRECTIONS = List.of("sendrecv", "sendonly", "recvonly", "inactive");

  private Sdp() {}

  /**
   * The first RTP/AVP audio stream of an SDP body (the first one with a non-zero port if there are
   * several).
   *
   * @throws SdpProblem for malformed SDP (naming the line), no audio m-line or no address
   */
  public static MediaDescription parse(String sdp) {
    if (sdp == null || sdp.isBlank()) throw new SdpProblem("empty SDP body");
    SessionDescription session = parseChecked(sdp);
    try {
      Vector<?> media = session.getMediaDescriptions(false);
      javax.sdp.MediaDescription audio = null;
      boolean secureAudio = false;
      if (media != null) {
        for (Object o : media) {
          javax.sdp.MediaDescription m = (javax.sdp.MediaDescription) o;
          if (!"audio".equalsIgnoreCase(m.getMedia().getMediaType())) continue;
          if (!"RTP/AVP".equalsIgnoreCase(m.getMedia().getProtocol())) {
            secureAudio |= m.getMedia().getProtocol().toUpperCase(Locale.ROOT).contains("SAVP");
            continue;
          }
          if (audio == null || (audio.getMedia().getMediaPort() == 0 && m.getMedia().getMediaPort() != 0)) audio = m;
        }
      }
      if (audio == null)
        throw new SdpProblem(secureAudio ? "audio is offered only as SRTP (RTP/SAVP), which is not supported"
            : "no audio m-line (m=audio <port> RTP/AVP ...)");
      return describe(session, audio);
    } catch (SdpException ex) {
      throw new SdpProblem("unparsable SDP: " + ex.getMessage(), ex);
    }
  }

  /**
   * The first codec of {@code preference} that the remote offers, with the remote's
   * telephone-event payload type; empty when there is none in common (the gateway answers 488).
   */
  public static Optional<Negotiated> negotiate(MediaDescription remote, List<Codec> preference) {
    for (Codec codec : preference) {
      for (int pt : remote.payloadTypes()) {
        if (pt != codec.payloadType()) continue;
        String map = remote.rtpmap().get(pt);
        if (map == null || names(map, codec)) return Optional.of(new Negotiated(codec, remote.telephoneEventPayloadType()));
      }
    }
    return Optional.empty();
  }

  /** Our answer: the negotiated codec (and telephone-event if negotiated), sendrecv. */
  public static String answer(String localAddress, int localPort, Negotiated n, long sessionId, long version) {
    return answer(localAddress, localPort, n, sessionId, version, "sendrecv");
  }

  /**
   * Our answer with a given direction, e.g. {@code recvonly} for an offer that holds us with
   * {@code sendonly} (see {@link #answerDirection}).
   */
  public static String answer(String localAddress, int localPort, Negotiated n, long sessionId, long version,
      String direction) {
    List<Integer> pts = new ArrayList<>(List.of(n.codec().payloadType()));
    StringBuilder b = header(localAddress, localPort, sessionId, version);
    if (n.hasTelephoneEvents()) pts.add(n.telephoneEventPayloadType());
    mediaLine(b, localPort, pts);
    rtpmap(b, n.codec());
    if (n.hasTelephoneEvents()) telephoneEvent(b, n.telephoneEventPayloadType());
    return attributes(b, direction);
  }

  /** Our offer (to agents' phones): all {@code codecs} in order, then telephone-event 101. */
  public static String offer(String localAddress, int localPort, List<Codec> codecs, long sessionId, long version) {
    if (codecs.isEmpty()) throw new IllegalArgumentException("an offer needs at least one codec");
    StringBuilder b = header(localAddress, localPort, sessionId, version);
    List<Integer> pts = new ArrayList<>();
    for (Codec c : codecs) pts.add(c.payloadType());
    pts.add(TELEPHONE_EVENT_PAYLOAD_TYPE);
    mediaLine(b, localPort, pts);
    for (Codec c : codecs) rtpmap(b, c);
    telephoneEvent(b, TELEPHONE_EVENT_PAYLOAD_TYPE);
    return attributes(b, "sendrecv");
  }

  /** The direction that answers an offered one (RFC 3264 section 6.1). */
  public static String answerDirection(String offered) {
    return switch (offered) {
      case "sendonly" -> "recvonly";
      case "recvonly" -> "sendonly";
      case "inactive" -> "inactive";
      default -> "sendrecv";
    };
  }

  // ---- parsing

  private static SessionDescription parseChecked(String sdp) {
    String[] lines = sdp.split("\r\n|\n|\r");
    StringBuilder clean = new StringBuilder(sdp.length() + 16);
    boolean first = true;
    int number = 0;
    for (String line : lines) {
      number++;
      if (line.isBlank()) continue;
      Matcher m = LINE.matcher(line);
      if (!m.matches()) throw new SdpProblem("line " + number + " is not <type>=<value>: '" + shorten(line) + "'");
      char type = m.group(1).charAt(0);
      String value = m.group(2);
      if (first && !line.strip().equals("v=0"))
        throw new SdpProblem("SDP must start with v=0, line " + number + " is '" + shorten(line) + "'");
      first = false;
      if (KNOWN_TYPES.indexOf(type) < 0) continue;
      check(type, value.strip(), number, line);
      clean.append(type).append('=').append(value.strip()).append("\r\n");
    }
    try {
      return SdpFactory.getInstance().createSessionDescription(clean.toString());
    } catch (SdpException | RuntimeException ex) {
      throw new SdpProblem("unparsable SDP: " + ex.getMessage(), ex);
    }
  }

  private static void check(char type, String value, int number, String line) {
    switch (type) {
      case 'o' -> {
        if (!ORIGIN.matcher(value).matches())
          throw problem(number, "malformed o-line (o=<user> <session id> <version> IN IP4|IP6 <address>)", line);
      }
      case 't' -> {
        if (!TIMING.matcher(value).matches()) throw problem(number, "malformed t-line (t=<start> <stop>)", line);
      }
      case 'c' -> {
        if (!CONNECTION.matcher(value).matches())
          throw problem(number, "malformed c-line (c=IN IP4|IP6 <address>)", line);
      }
      case 'm' -> {
        Matcher m = MEDIA.matcher(value);
        if (!m.matches()) throw problem(number, "malformed m-line (m=<media> <port> <proto> <formats>)", line);
        if (Integer.parseInt(m.group(2)) > 65535) throw problem(number, "m-line port " + m.group(2) + " is above 65535", line);
        if (m.group(3).toUpperCase(Locale.ROOT).startsWith("RTP/")) {
          if (m.group(4).isBlank()) throw problem(number, "m-line without payload types", line);
          for (String pt : m.group(4).strip().split(" +")) {
            if (!pt.matches("\\d{1,3}") || Integer.parseInt(pt) > 127)
              throw problem(number, "payload type '" + shorten(pt) + "' is not a number 0-127", line);
          }
        }
      }
      case 'a' -> {
        if (value.startsWith("rtpmap:") && !RTPMAP.matcher(value).matches())
          throw problem(number, "malformed rtpmap (a=rtpmap:<pt> <name>/<rate>)", line);
      }
      default -> { }
    }
  }

  private static SdpProblem problem(int number, String what, String line) {
    return new SdpProblem("line " + number + ": " + what + ": '" + shorten(line) + "'");
  }

  private static String shorten(String s) {
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }

  private static MediaDescription describe(SessionDescription session, javax.sdp.MediaDescription audio)
      throws SdpException {
    Connection c = audio.getConnection() != null ? audio.getConnection() : session.getConnection();
    if (c == null || c.getAddress() == null)
      throw new SdpProblem("no connection address (c=) for the audio stream");
    String address = c.getAddress().strip();
    int slash = address.indexOf('/');
    if (slash >= 0) address = address.substring(0, slash);

    List<Integer> payloadTypes = new ArrayList<>();
    for (Object f : audio.getMedia().getMediaFormats(true)) payloadTypes.add(Integer.parseInt(f.toString().strip()));

    Map<Integer, String> rtpmap = new HashMap<>();
    String direction = null;
    for (Attribute a : attributes(audio.getAttributes(false))) {
      String name = a.getName();
      if ("rtpmap".equalsIgnoreCase(name) && a.hasValue()) {
        Matcher m = RTPMAP.matcher("rtpmap:" + a.getValue().strip());
        if (m.matches()) rtpmap.putIfAbsent(Integer.parseInt(m.group(1)), m.group(2) + "/" + m.group(3));
      } else if (DIRECTIONS.contains(name.toLowerCase(Locale.ROOT))) {
        direction = name.toLowerCase(Locale.ROOT);
      }
    }
    if (direction == null) {
      for (Attribute a : attributes(session.getAttributes(false))) {
        if (DIRECTIONS.contains(a.getName().toLowerCase(Locale.ROOT))) direction = a.getName().toLowerCase(Locale.ROOT);
      }
    }
    int telephoneEvent = -1;
    for (int pt : payloadTypes) {
      String map = rtpmap.get(pt);
      if (map != null && map.equalsIgnoreCase("telephone-event/8000")) {
        telephoneEvent = pt;
        break;
      }
    }
    return new MediaDescription(address, audio.getMedia().getMediaPort(), payloadTypes, rtpmap, telephoneEvent,
        direction == null ? "sendrecv" : direction);
  }

  private static List<Attribute> attributes(Vector<?> raw) {
    List<Attribute> list = new ArrayList<>();
    if (raw != null) for (Object o : raw) if (o instanceof Attribute a) list.add(a);
    return list;
  }

  private static boolean names(String rtpmap, Codec codec) {
    return rtpmap.equalsIgnoreCase(codec.encodingName() + "/" + Codec.CLOCK_RATE);
  }

  // ---- writing

  private static StringBuilder header(String localAddress, int localPort, long sessionId, long version) {
    if (sessionId < 0 || version < 0) throw new IllegalArgumentException("SDP session id and version must not be negative");
    if (localPort < 0 || localPort > 65535) throw new IllegalArgumentException("port " + localPort + " is not 0-65535");
    String addressType = localAddress.indexOf(':') >= 0 ? "IP6" : "IP4";
    return new StringBuilder(256)
        .append("v=0\r\n")
        .append("o=switchboard ").append(sessionId).append(' ').append(version).append(" IN ").append(addressType)
        .append(' ').append(localAddress).append("\r\n")
        .append("s=switchboard\r\n")
        .append("c=IN ").append(addressType).append(' ').append(localAddress).append("\r\n")
        .append("t=0 0\r\n");
  }

  private static void mediaLine(StringBuilder b, int localPort, List<Integer> payloadTypes) {
    b.append("m=audio ").append(localPort).append(" RTP/AVP");
    for (int pt : payloadTypes) b.append(' ').append(pt);
    b.append("\r\n");
  }

  private static void rtpmap(StringBuilder b, Codec c) {
    b.append("a=rtpmap:").append(c.payloadType()).append(' ').append(c.encodingName()).append('/')
        .append(Codec.CLOCK_RATE).append("\r\n");
  }

  private static void telephoneEvent(StringBuilder b, int pt) {
    b.append("a=rtpmap:").append(pt).append(" telephone-event/8000\r\n");
    b.append("a=fmtp:").append(pt).append(" 0-16\r\n");
  }

  private static String attributes(StringBuilder b, String direction) {
    if (!DIRECTIONS.contains(direction)) throw new IllegalArgumentException("direction " + direction + " is not one of " + DIRECTIONS);
    b.append("a=ptime:").append(PTIME_MILLIS).append("\r\n");
    b.append("a=").append(direction).append("\r\n");
    return b.toString();
  }
}
