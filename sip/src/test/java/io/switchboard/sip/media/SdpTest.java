package io.switchboard.sip.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SdpTest {

  /** What sipp's built-in uac scenario sends (its -mp port), with and without the rtpmap line. */
  static final String SIPP_OFFER = """
      v=0
      o=user1 53655765 2353687637 IN IP4 127.0.0.1
      s=-
      c=IN IP4 127.0.0.1
      t=0 0
      m=audio 6000 RTP/AVP 0
      a=rtpmap:0 PCMU/8000
      """.replace("\n", "\r\n");
  static final String SIPP_OFFER_NO_RTPMAP = """
      v=0
      o=user1 53655765 2353687637 IN IP4 127.0.0.1
      s=-
      c=IN IP4 127.0.0.1
      t=0 0
      m=audio 6000 RTP/AVP 0
      """;

  static final List<Codec> PREFERENCE = List.of(Codec.PCMA, Codec.PCMU);

  @Test
  void sippOfferParsesAndNegotiatesPcmu() {
    for (String offer : List.of(SIPP_OFFER, SIPP_OFFER_NO_RTPMAP)) {
      MediaDescription d = Sdp.parse(offer);
      assertThat(d.address()).isEqualTo("127.0.0.1");
      assertThat(d.port()).isEqualTo(6000);
      assertThat(d.payloadTypes()).containsExactly(0);
      assertThat(d.telephoneEventPayloadType()).isEqualTo(-1);
      assertThat(d.direction()).isEqualTo("sendrecv");
      assertThat(Sdp.negotiate(d, PREFERENCE)).contains(new Negotiated(Codec.PCMU, -1));
    }
    assertThat(Sdp.parse(SIPP_OFFER).rtpmap()).isEqualTo(Map.of(0, "PCMU/8000"));
    assertThat(Sdp.parse(SIPP_OFFER_NO_RTPMAP).rtpmap()).isEmpty();
  }

  @Test
  void softphoneOfferWithTelephoneEventsAndPreference() {
    String offer = """
        v=0
        o=- 3912 3913 IN IP4 192.0.2.10
        s=baresip
        c=IN IP4 192.0.2.10
        t=0 0
        m=audio 40000 RTP/AVP 96 9 0 8 101 13
        a=rtpmap:96 opus/48000/2
        a=rtpmap:9 G722/8000
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-16
        a=rtpmap:13 CN/8000
        a=ptime:20
        a=sendrecv
        """;
    MediaDescription d = Sdp.parse(offer);
    assertThat(d.payloadTypes()).containsExactly(96, 9, 0, 8, 101, 13);
    assertThat(d.telephoneEventPayloadType()).isEqualTo(101);
    assertThat(d.rtpmap()).containsEntry(96, "opus/48000").containsEntry(8, "PCMA/8000");
    // Our preference decides, not the remote's order.
    assertThat(Sdp.negotiate(d, List.of(Codec.PCMA, Codec.PCMU))).contains(new Negotiated(Codec.PCMA, 101));
    assertThat(Sdp.negotiate(d, List.of(Codec.PCMU, Codec.PCMA))).contains(new Negotiated(Codec.PCMU, 101));
  }

  @Test
  void onlyG729MeansNoCodecAndA488() {
    String offer = """
        v=0
        o=- 1 1 IN IP4 10.0.0.1
        s=-
        c=IN IP4 10.0.0.1
        t=0 0
        m=audio 5004 RTP/AVP 18 101
        a=rtpmap:18 G729/8000
        a=rtpmap:101 telephone-event/8000
        """;
    assertThat(Sdp.negotiate(Sdp.parse(offer), PREFERENCE)).isEmpty();
  }

  @Test
  void rtpmapThatContradictsAStaticPayloadTypeIsNotG711() {
    String offer = SIPP_OFFER_NO_RTPMAP + "a=rtpmap:0 G729/8000\n";
    assertThat(Sdp.negotiate(Sdp.parse(offer), PREFERENCE)).isEmpty();
  }

  @Test
  void mediaLevelConnectionAndDirectionWinOverSessionLevel() {
    String offer = """
        v=0
        o=- 1 2 IN IP4 10.0.0.1
        s=-
        c=IN IP4 10.0.0.1
        t=0 0
        a=sendrecv
        m=video 0 RTP/AVP 31
        m=audio 7078 RTP/AVP 8
        c=IN IP4 10.0.0.2
        a=sendonly
        """;
    MediaDescription d = Sdp.parse(offer);
    assertThat(d.address()).isEqualTo("10.0.0.2");
    assertThat(d.port()).isEqualTo(7078);
    assertThat(d.direction()).isEqualTo("sendonly");
    assertThat(d.onHold()).isTrue();
    assertThat(Sdp.answerDirection(d.direction())).isEqualTo("recvonly");
  }

  @Test
  void sessionLevelDirectionAndOldStyleHold() {
    String offer = """
        v=0
        o=- 1 2 IN IP4 10.0.0.1
        s=-
        c=IN IP4 0.0.0.0
        t=0 0
        a=inactive
        m=audio 7078 RTP/AVP 0
        """;
    MediaDescription d = Sdp.parse(offer);
    assertThat(d.direction()).isEqualTo("inactive");
    assertThat(d.address()).isEqualTo("0.0.0.0");
    assertThat(d.onHold()).isTrue();
  }

  @Test
  void answerRoundTrips() {
    String answer = Sdp.answer("203.0.113.5", 20000, new Negotiated(Codec.PCMA, 101), 42, 7);
    assertThat(answer).contains("c=IN IP4 203.0.113.5\r\n", "m=audio 20000 RTP/AVP 8 101\r\n",
        "a=rtpmap:8 PCMA/8000\r\n", "a=rtpmap:101 telephone-event/8000\r\n", "a=fmtp:101 0-16\r\n",
        "a=ptime:20\r\n", "a=sendrecv\r\n", "o=switchboard 42 7 IN IP4 203.0.113.5\r\n");
    MediaDescription d = Sdp.parse(answer);
    assertThat(d).isEqualTo(new MediaDescription("203.0.113.5", 20000, List.of(8, 101),
        Map.of(8, "PCMA/8000", 101, "telephone-event/8000"), 101, "sendrecv"));
    assertThat(Sdp.negotiate(d, PREFERENCE)).contains(new Negotiated(Codec.PCMA, 101));
  }

  @Test
  void answerWithoutTelephoneEventsToSipp() {
    Negotiated n = Sdp.negotiate(Sdp.parse(SIPP_OFFER), PREFERENCE).orElseThrow();
    String answer = Sdp.answer("127.0.0.1", 20002, n, 1, 1);
    assertThat(answer).contains("m=audio 20002 RTP/AVP 0\r\n").doesNotContain("telephone-event");
    assertThat(Sdp.parse(answer).payloadTypes()).containsExactly(0);
  }

  @Test
  void answerWithADirection() {
    String answer = Sdp.answer("10.1.1.1", 20004, new Negotiated(Codec.PCMU, -1), 1, 2, "recvonly");
    assertThat(Sdp.parse(answer).direction()).isEqualTo("recvonly");
  }

  @Test
  void offerListsAllCodecsAndTelephoneEvent() {
    String offer = Sdp.offer("10.1.1.1", 20006, List.of(Codec.PCMU, Codec.PCMA), 9, 1);
    MediaDescription d = Sdp.parse(offer);
    assertThat(d.payloadTypes()).containsExactly(0, 8, 101);
    assertThat(d.telephoneEventPayloadType()).isEqualTo(101);
    assertThat(d.rtpmap()).containsEntry(0, "PCMU/8000").containsEntry(8, "PCMA/8000");
    assertThat(offer).contains("a=fmtp:101 0-16\r\n", "a=ptime:20\r\n");
    // A phone that answers only PCMA with our event type.
    assertThat(Sdp.negotiate(Sdp.parse(Sdp.answer("10.2.2.2", 30000, new Negotiated(Codec.PCMA, 101), 5, 5)),
        List.of(Codec.PCMU, Codec.PCMA))).contains(new Negotiated(Codec.PCMA, 101));
  }

  @Test
  void ipv6Addresses() {
    String answer = Sdp.answer("2001:db8::1", 20008, new Negotiated(Codec.PCMU, -1), 1, 1);
    assertThat(answer).contains("c=IN IP6 2001:db8::1\r\n");
    assertThat(Sdp.parse(answer).address()).isEqualTo("2001:db8::1");
  }

  @Test
  void malformedSdpIsAProblemThatSaysWhatIsWrong() {
    assertProblem("", "empty SDP body");
    assertProblem("garbage", "line 1 is not <type>=<value>: 'garbage'");
    assertProblem("o=x 1 1 IN IP4 1.2.3.4\r\nv=0\r\n", "SDP must start with v=0");
    assertProblem(SIPP_OFFER.replace("m=audio 6000 RTP/AVP 0", "m=audio abc RTP/AVP 0"), "line 6: malformed m-line");
    assertProblem(SIPP_OFFER.replace("m=audio 6000 RTP/AVP 0", "m=audio 6000 RTP/AVP 0 xx"),
        "line 6: payload type 'xx' is not a number 0-127");
    assertProblem(SIPP_OFFER.replace("m=audio 6000 RTP/AVP 0", "m=audio 70000 RTP/AVP 0"), "port 70000 is above 65535");
    assertProblem(SIPP_OFFER.replace("c=IN IP4 127.0.0.1", "c=IN IP4"), "line 4: malformed c-line");
    assertProblem(SIPP_OFFER.replace("a=rtpmap:0 PCMU/8000", "a=rtpmap:0 PCMU"), "line 7: malformed rtpmap");
    assertProblem(SIPP_OFFER.replace("o=user1 53655765 2353687637 IN IP4 127.0.0.1", "o=user1"), "line 2: malformed o-line");
    assertProblem(SIPP_OFFER.replace("c=IN IP4 127.0.0.1\r\n", ""), "no connection address (c=)");
    assertProblem(SIPP_OFFER.replace("m=audio 6000 RTP/AVP 0", "m=video 6000 RTP/AVP 31"), "no audio m-line");
    assertProblem(SIPP_OFFER.replace("RTP/AVP", "RTP/SAVP"), "SRTP");
  }

  @Test
  void unknownLineTypesAndBlankLinesAreIgnored() {
    MediaDescription d = Sdp.parse(SIPP_OFFER + "y=something new\r\n\r\n");
    assertThat(d.port()).isEqualTo(6000);
  }

  private static void assertProblem(String sdp, String message) {
    assertThatThrownBy(() -> Sdp.parse(sdp)).isInstanceOf(SdpProblem.class).hasMessageContaining(message);
  }
}
