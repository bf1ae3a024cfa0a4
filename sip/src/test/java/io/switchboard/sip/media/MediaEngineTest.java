package io.switchboard.sip.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The engine over real UDP sockets on 127.0.0.1: plain DatagramSockets play the phones. */
class MediaEngineTest {

  static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  static final Negotiated PCMU_101 = new Negotiated(Codec.PCMU, 101);
  static final Negotiated PCMA_101 = new Negotiated(Codec.PCMA, 101);

  static PromptLibrary prompts;
  static MediaEngine engine;
  final List<AutoCloseable> opened = new ArrayList<>();

  @BeforeAll
  static void start() throws IOException {
    prompts = PromptLibrary.fromClasspath();
    engine = new MediaEngine(LOOPBACK, 30000, 30199, prompts);
  }

  @AfterAll
  static void stop() {
    engine.close();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : opened) c.close();
    assertThat(engine.openLegs()).as("legs left open").isZero();
  }

  MediaLeg leg() throws IOException {
    MediaLeg leg = engine.open();
    opened.add(leg);
    return leg;
  }

  Phone phone(long ssrc) throws IOException {
    Phone p = new Phone(ssrc);
    opened.add(p);
    return p;
  }

  @Test
  void playsAPromptAsPacedContinuousRtp() throws Exception {
    Phone phone = phone(1);
    MediaLeg leg = leg();
    assertThat(leg.localPort() % 2).isZero();
    leg.remote(phone.address(), PCMU_101);
    Prompt beep = prompts.get("beep");
    CountDownLatch done = new CountDownLatch(1);
    long start = System.nanoTime();
    leg.play(List.of("beep"), false, done::countDown);

    List<RtpPacket> packets = phone.receive(beep.frames() + 5, 300);
    assertThat(done.await(2, TimeUnit.SECONDS)).isTrue();
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(packets).hasSize(beep.frames());
    assertContinuous(packets);
    assertThat(packets.get(0).marker()).isTrue();
    for (int i = 0; i < packets.size(); i++) {
      assertThat(packets.get(i).payloadType()).isZero();
      assertThat(packets.get(i).payload()).as("frame %d", i).isEqualTo(beep.frame(Codec.PCMU, i));
    }
    // 20 frames of 20 ms are paced over ~400 ms, not sent in a burst.
    assertThat(millis).isBetween(350L, 1500L);
    assertThat(leg.isPlaying()).isFalse();
    assertThat(leg.packetsSent()).isEqualTo(beep.frames());
  }

  @Test
  void aPlaylistIsOneStreamAndALoopRepeatsTheLastPrompt() throws Exception {
    Phone phone = phone(2);
    MediaLeg leg = leg();
    leg.remote(phone.address(), PCMA_101);
    Prompt one = prompts.get("position-1");
    Prompt beep = prompts.get("beep");
    leg.play(List.of("position-1", "beep"), true, () -> { throw new AssertionError("a loop never ends"); });
    int wanted = one.frames() + 2 * beep.frames() + 5;
    List<RtpPacket> packets = phone.receive(wanted, 500);
    leg.stopPlaying();
    assertThat(packets).hasSize(wanted);
    assertContinuous(packets);
    for (int i = 0; i < wanted; i++) {
      int f = i - one.frames();
      byte[] expected = f < 0 ? one.frame(Codec.PCMA, i) : beep.frame(Codec.PCMA, f % beep.frames());
      assertThat(packets.get(i).payload()).as("packet %d", i).isEqualTo(expected);
      assertThat(packets.get(i).payloadType()).isEqualTo(8);
    }
    // Stopped: at most the frame of the tick in progress follows.
    assertThat(phone.receive(10, 150)).hasSizeLessThanOrEqualTo(1);
  }

  @Test
  void aNewPlaylistReplacesTheOldOneAsANewTalkspurt() throws Exception {
    Phone phone = phone(3);
    MediaLeg leg = leg();
    leg.remote(phone.address(), PCMU_101);
    leg.play(List.of("hold-music"), true, null);
    List<RtpPacket> music = phone.receive(10, 300);
    leg.play(List.of("beep"), false, null);
    List<RtpPacket> rest = phone.receive(100, 200);
    assertThat(music).hasSize(10);
    // Possibly a frame or two of music sent before the switch, then the beep from its start.
    int firstBeep = 0;
    while (!rest.get(firstBeep).marker()) firstBeep++;
    assertThat(firstBeep).isLessThanOrEqualTo(2);
    List<RtpPacket> all = new ArrayList<>(music);
    all.addAll(rest);
    for (int i = 1; i < all.size(); i++) {
      assertThat(all.get(i).sequence()).isEqualTo((all.get(i - 1).sequence() + 1) & 0xFFFF);
      assertThat(all.get(i).ssrc()).isEqualTo(all.get(0).ssrc());
    }
    assertThat(rest.get(firstBeep).payload()).isEqualTo(prompts.get("beep").frame(Codec.PCMU, 0));
    assertThat(rest).hasSize(firstBeep + prompts.get("beep").frames());
  }

  @Test
  void dtmfOneCallbackPerKeyPress() throws Exception {
    Phone phone = phone(4);
    MediaLeg leg = leg();
    leg.remote(phone.address(), PCMU_101);
    List<Character> digits = new CopyOnWriteArrayList<>();
    leg.onDtmf(digits::add);

    pressKey(phone, leg, 101, 8000, '1', 1);
    phone.send(leg, phone.audio(0, new byte[160]));
    pressKey(phone, leg, 101, 9600, '#', 3);
    // A late retransmission of the first key's end, and an event of a payload type not negotiated.
    phone.send(leg, phone.event(101, 8000, new TelephoneEvent(1, true, 10, 800), false));
    phone.send(leg, phone.event(96, 11200, new TelephoneEvent(5, true, 10, 800), true));

    waitUntil(() -> leg.packetsReceived() == 13);
    assertThat(digits).containsExactly('1', '#');
  }

  /** sipp's own RFC 4733 captures, replayed as sipp's play_pcap_audio does: unchanged. */
  @Test
  void dtmfFromSippCaptures() throws Exception {
    Path dir = Path.of("/usr/share/sip-tester");
    Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("dtmf_2833_1.pcap")), "sipp's captures are not installed");
    Phone phone = phone(15);
    MediaLeg leg = leg();
    leg.remote(phone.address(), PCMU_101);
    List<Character> digits = new CopyOnWriteArrayList<>();
    leg.onDtmf(digits::add);
    int sent = 0;
    for (char key : "1190".toCharArray()) {
      for (byte[] rtp : udpPayloads(dir.resolve("dtmf_2833_" + key + ".pcap"))) {
        phone.send(leg, rtp);
        sent++;
      }
    }
    int expected = sent;
    waitUntil(() -> leg.packetsReceived() == expected);
    assertThat(digits).containsExactly('1', '1', '9', '0');
  }

  /** The UDP payloads of a classic little-endian pcap of Ethernet/IPv4/UDP frames. */
  static List<byte[]> udpPayloads(Path pcap) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(pcap)).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(b.getInt(0)).as("pcap magic").isEqualTo(0xA1B2C3D4);
    List<byte[]> payloads = new ArrayList<>();
    int at = 24;
    while (at + 16 <= b.limit()) {
      int captured = b.getInt(at + 8);
      int frame = at + 16;
      int ipHeader = (b.get(frame + 14) & 0x0F) * 4;
      int udp = frame + 14 + ipHeader;
      payloads.add(Arrays.copyOfRange(b.array(), udp + 8, frame + captured));
      at = frame + captured;
    }
    return payloads;
  }

  /** A key press as phones send it: start (marker), updates, then {@code ends} end packets. */
  static void pressKey(Phone phone, MediaLeg leg, int pt, long ts, char key, int ends) throws IOException {
    int event = TelephoneEvent.eventOf(key);
    phone.send(leg, phone.event(pt, ts, new TelephoneEvent(event, false, 10, 160), true));
    phone.send(leg, phone.event(pt, ts, new TelephoneEvent(event, false, 10, 320), false));
    phone.send(leg, phone.event(pt, ts, new TelephoneEvent(event, false, 10, 480), false));
    for (int i = 0; i < ends; i++) phone.send(leg, phone.event(pt, ts, new TelephoneEvent(event, true, 10, 640), false));
  }

  @Test
  void bridgeRelaysBothWaysAsOneContinuousStreamEach() throws Exception {
    Phone caller = phone(0x1111);
    Phone agent = phone(0x2222);
    caller.sequence = 65530; // crosses the wrap
    MediaLeg a = leg();
    MediaLeg b = leg();
    a.remote(caller.address(), PCMU_101);
    b.remote(agent.address(), PCMU_101);

    // The agent heard a prompt first: the relayed audio continues that stream.
    CountDownLatch done = new CountDownLatch(1);
    b.play(List.of("beep"), false, done::countDown);
    List<RtpPacket> beep = agent.receive(20, 300);
    assertThat(done.await(1, TimeUnit.SECONDS)).isTrue();
    a.play(List.of("hold-music"), true, null);
    caller.receive(3, 300);

    a.bridge(b);
    assertThat(a.isPlaying()).isFalse();
    assertThat(a.bridgedWith()).contains(b);
    caller.receive(100, 60); // a frame of music may still have been on its way

    List<byte[]> fromCaller = new ArrayList<>();
    List<byte[]> fromAgent = new ArrayList<>();
    Random random = new Random(1);
    for (int i = 0; i < 30; i++) {
      byte[] p1 = new byte[160];
      byte[] p2 = new byte[160];
      random.nextBytes(p1);
      random.nextBytes(p2);
      fromCaller.add(p1);
      fromAgent.add(p2);
      caller.send(a, caller.audio(0, p1));
      agent.send(b, agent.audio(0, p2));
      if (i % 5 == 4) Thread.sleep(2);
    }
    List<RtpPacket> atAgent = agent.receive(30, 500);
    List<RtpPacket> atCaller = caller.receive(30, 500);

    assertThat(atAgent).hasSize(30);
    assertThat(atCaller).hasSize(30);
    for (int i = 0; i < 30; i++) {
      assertThat(atAgent.get(i).payload()).isEqualTo(fromCaller.get(i));
      assertThat(atCaller.get(i).payload()).isEqualTo(fromAgent.get(i));
    }
    assertContinuous(atAgent);
    assertContinuous(atCaller);
    assertThat(atAgent.get(0).ssrc()).isEqualTo(beep.get(0).ssrc()).isNotEqualTo(caller.ssrc);
    assertThat(atAgent.get(0).sequence()).isEqualTo((beep.get(19).sequence() + 1) & 0xFFFF);
    assertThat(atAgent.get(0).marker()).isTrue();
    assertThat(atAgent.get(0).timestamp() - beep.get(19).timestamp()).isGreaterThanOrEqualTo(160);
    assertThat(atCaller.get(0).ssrc()).isNotEqualTo(agent.ssrc);

    a.unbridge();
    assertThat(b.bridgedWith()).isEmpty();
    caller.send(a, caller.audio(0, new byte[160]));
    assertThat(agent.receive(1, 100)).isEmpty();
  }

  @Test
  void bridgeTranscodesBetweenPcmuAndPcma() throws Exception {
    Phone caller = phone(5);
    Phone agent = phone(6);
    MediaLeg a = leg();
    MediaLeg b = leg();
    a.remote(caller.address(), PCMU_101);
    b.remote(agent.address(), new Negotiated(Codec.PCMA, 96));
    a.bridge(b);
    byte[] ulaw = new byte[160];
    byte[] alaw = new byte[160];
    for (int i = 0; i < 160; i++) {
      ulaw[i] = (byte) (i * 3);
      alaw[i] = (byte) (255 - i);
    }
    caller.send(a, caller.audio(0, ulaw));
    agent.send(b, agent.audio(8, alaw));
    // Telephone-events pass with the other side's payload type.
    caller.send(a, caller.event(101, 5000, new TelephoneEvent(9, false, 10, 160), true));

    List<RtpPacket> atAgent = agent.receive(2, 500);
    RtpPacket atCaller = caller.receive(1, 500).get(0);
    assertThat(atAgent.get(0).payloadType()).isEqualTo(8);
    assertThat(atCaller.payloadType()).isEqualTo(0);
    for (int i = 0; i < 160; i++) {
      assertThat(atAgent.get(0).payload()[i]).isEqualTo(G711.ulawToAlaw(ulaw[i]));
      assertThat(atCaller.payload()[i]).isEqualTo(G711.alawToUlaw(alaw[i]));
    }
    assertThat(atAgent.get(1).payloadType()).isEqualTo(96);
    assertThat(atAgent.get(1).payload()).isEqualTo(new TelephoneEvent(9, false, 10, 160).toBytes());
    assertThat(atAgent.get(1).sequence()).isEqualTo((atAgent.get(0).sequence() + 1) & 0xFFFF);
  }

  @Test
  void heldLegGetsNoRelayedAudioButCanHearMusic() throws Exception {
    Phone caller = phone(7);
    Phone agent = phone(8);
    MediaLeg a = leg();
    MediaLeg b = leg();
    a.remote(caller.address(), PCMU_101);
    b.remote(agent.address(), PCMU_101);
    a.bridge(b);

    b.hold(true);
    caller.send(a, caller.audio(0, new byte[160]));
    agent.send(b, agent.audio(0, new byte[160]));
    assertThat(agent.receive(1, 150)).isEmpty();
    assertThat(caller.receive(1, 500)).hasSize(1); // the other way still flows

    b.hold(true, "beep");
    assertThat(agent.receive(25, 300)).hasSize(25); // looping
    b.hold(false, "beep");
    assertThat(b.isPlaying()).isFalse();
    agent.receive(5, 60);
    byte[] hello = new byte[160];
    Arrays.fill(hello, (byte) 0x42);
    caller.send(a, caller.audio(0, hello));
    RtpPacket resumed = agent.receive(1, 500).get(0);
    assertThat(resumed.payload()).isEqualTo(hello);
    assertThat(resumed.marker()).isTrue();
  }

  @Test
  void recordingIsAWavOfTheReceivedAudio() throws Exception {
    Phone caller = phone(9);
    MediaLeg leg = leg();
    leg.remote(caller.address(), PCMU_101);
    leg.startRecording();
    short[] tone = new short[25 * 160];
    for (int i = 0; i < tone.length; i++) tone[i] = (short) Math.round(8000 * Math.sin(2 * Math.PI * 500 * i / 8000.0));
    for (int p = 0; p < 25; p++) {
      byte[] payload = new byte[160];
      for (int i = 0; i < 160; i++) payload[i] = G711.ulaw(tone[p * 160 + i]);
      RtpPacket packet = caller.audio(0, payload);
      if (p != 10) caller.send(leg, packet); // packet 10 is lost
    }
    waitUntil(() -> leg.packetsReceived() == 24);
    byte[] wav = leg.stopRecording();
    assertThat(leg.isRecording()).isFalse();

    AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(wav));
    AudioFormat f = in.getFormat();
    assertThat(f.getEncoding()).isEqualTo(AudioFormat.Encoding.PCM_SIGNED);
    assertThat(f.getSampleRate()).isEqualTo(8000f);
    assertThat(f.getSampleSizeInBits()).isEqualTo(16);
    assertThat(f.getChannels()).isEqualTo(1);
    assertThat(in.getFrameLength()).isEqualTo(25 * 160);
    byte[] pcm = in.readAllBytes();
    for (int i = 0; i < tone.length; i++) {
      short s = (short) ((pcm[2 * i] & 0xFF) | (pcm[2 * i + 1] << 8));
      if (i / 160 == 10) assertThat(s).as("lost packet as silence").isZero();
      else assertThat(Math.abs(s - tone[i])).as("sample %d", i).isLessThanOrEqualTo(G711Properties.maxError(Codec.PCMU, tone[i]));
    }
    assertThatThrownBy(leg::stopRecording).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void garbageDoesNotBreakALeg() throws Exception {
    Phone phone = phone(10);
    MediaLeg leg = leg();
    leg.remote(phone.address(), PCMU_101);
    List<Character> digits = new CopyOnWriteArrayList<>();
    leg.onDtmf(digits::add);
    Random random = new Random(3);
    int junk = 0;
    for (int i = 0; i < 300; i++) {
      byte[] d = new byte[random.nextInt(200)];
      random.nextBytes(d);
      if (d.length > 0) d[0] = (byte) (d[0] & 0x3F); // version 0: never RTP
      phone.send(leg, d);
      junk++;
      // Paced, so the test counts what the leg did with each packet, not what the socket buffer dropped.
      if (i % 25 == 24) Thread.sleep(5);
    }
    byte[] lyingPadding = phone.audio(0, new byte[4]).toBytes();
    lyingPadding[0] = (byte) 0xA0;
    lyingPadding[lyingPadding.length - 1] = (byte) 200;
    phone.send(leg, lyingPadding);
    byte[] shortEvent = phone.event(101, 1, new TelephoneEvent(3, false, 0, 0), true).toBytes();
    phone.send(leg, Arrays.copyOf(shortEvent, 14)); // valid RTP, truncated event payload
    junk++;
    pressKey(phone, leg, 101, 4000, '7', 3);

    waitUntil(() -> leg.packetsReceived() == 7);
    assertThat(leg.packetsRejected()).isEqualTo(junk);
    assertThat(digits).containsExactly('7');
    CountDownLatch done = new CountDownLatch(1);
    leg.play(List.of("beep"), false, done::countDown);
    assertThat(phone.receive(20, 300)).hasSize(20);
    assertThat(done.await(1, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void theRemoteLatchesToWherePacketsComeFrom() throws Exception {
    Phone behindNat = phone(11);
    MediaLeg leg = leg();
    InetSocketAddress fromSdp;
    try (DatagramSocket nobody = new DatagramSocket(0, LOOPBACK)) {
      fromSdp = (InetSocketAddress) nobody.getLocalSocketAddress();
    }
    leg.remote(fromSdp, PCMU_101);
    behindNat.send(leg, behindNat.audio(0, new byte[160]));
    waitUntil(() -> leg.packetsReceived() == 1);
    assertThat(leg.remoteAddress()).contains(behindNat.address());
    leg.play(List.of("beep"), false, null);
    assertThat(behindNat.receive(20, 300)).hasSize(20);
  }

  @Test
  void oneFailingLegDoesNotStopTheOthers() throws Exception {
    Phone phone = phone(12);
    MediaLeg failing = leg();
    MediaLeg nowhere = leg();
    MediaLeg fine = leg();
    failing.remote(phone.address(), PCMU_101);
    nowhere.remote(InetSocketAddress.createUnresolved("nowhere.invalid", 4000), PCMU_101);
    Phone other = phone(14);
    fine.remote(other.address(), PCMU_101);
    failing.play(List.of("beep"), false, () -> { throw new IllegalStateException("a broken callback"); });
    nowhere.play(List.of("hold-music"), true, null);
    fine.play(List.of("hold-music"), true, null);
    assertThat(phone.receive(20, 300)).hasSize(20);
    other.receive(1000, 1); // drain
    assertThat(other.receive(10, 300)).as("still playing after the failure").hasSize(10);
    assertThatThrownBy(() -> fine.play(List.of("no-such-prompt"), false, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-such-prompt");
    assertThat(fine.isPlaying()).isTrue();
  }

  @Test
  void closeIsIdempotentAndAClosedLegIgnoresCommands() throws Exception {
    MediaLeg a = leg();
    MediaLeg b = leg();
    int port = a.localPort();
    a.close();
    a.close();
    assertThat(a.isClosed()).isTrue();
    a.play(List.of("beep"), false, null);
    assertThat(a.isPlaying()).isFalse();
    b.bridge(a);
    assertThat(b.bridgedWith()).isEmpty();
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, port))) {
      assertThat(s.getLocalPort()).as("the port is free again").isEqualTo(port);
    }
  }

  @Test
  void fiveHundredLegsOpenAndCloseWithoutLeaks() throws Exception {
    try (MediaEngine small = new MediaEngine(LOOPBACK, 28000, 28999, prompts)) {
      for (int round = 0; round < 2; round++) {
        List<MediaLeg> legs = new ArrayList<>();
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 500; i++) {
          MediaLeg leg = small.open();
          legs.add(leg);
          ports.add(leg.localPort());
        }
        assertThat(ports).hasSize(500).allMatch(p -> p % 2 == 0 && p >= 28000 && p <= 28999);
        assertThat(small.openLegs()).isEqualTo(500);
        assertThatThrownBy(small::open).isInstanceOf(IOException.class).hasMessage("no free RTP port");
        for (MediaLeg leg : legs) leg.close();
        assertThat(small.openLegs()).isZero();
      }
    }
  }

  @Test
  void closingTheEngineClosesItsLegs() throws Exception {
    MediaEngine other = new MediaEngine(LOOPBACK, 29100, 29109, prompts);
    MediaLeg leg = other.open();
    leg.play(List.of("hold-music"), true, null);
    other.close();
    assertThat(leg.isClosed()).isTrue();
    assertThat(other.openLegs()).isZero();
    assertThatThrownBy(other::open).isInstanceOf(IOException.class);
    try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, leg.localPort()))) {
      assertThat(s.getLocalPort()).isEqualTo(leg.localPort());
    }
  }

  static void assertContinuous(List<RtpPacket> packets) {
    for (int i = 1; i < packets.size(); i++) {
      RtpPacket prev = packets.get(i - 1);
      RtpPacket p = packets.get(i);
      assertThat(p.sequence()).as("sequence of packet %d", i).isEqualTo((prev.sequence() + 1) & 0xFFFF);
      assertThat(p.timestamp()).as("timestamp of packet %d", i).isEqualTo((prev.timestamp() + 160) & 0xFFFF_FFFFL);
      assertThat(p.ssrc()).isEqualTo(prev.ssrc());
      assertThat(p.marker()).as("marker of packet %d", i).isFalse();
    }
  }

  static void waitUntil(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("condition not met within 3 s");
      Thread.sleep(5);
    }
  }
}
