package io.switchboard.sip.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine at the size of a busy node, on loopback: 3,000 legs playing prompts, and 1,500
 * bridged pairs relaying (half of them transcoding) what another engine plays to them. About 10 s;
 * opt-in with {@code -Dmedia.scale=true} so that the normal build stays short.
 */
@EnabledIfSystemProperty(named = "media.scale", matches = "true")
class MediaScaleTest {

  private static final Logger log = LoggerFactory.getLogger(MediaScaleTest.class);
  static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  static final Negotiated PCMU = new Negotiated(Codec.PCMU, 101);
  static final Negotiated PCMA = new Negotiated(Codec.PCMA, 101);

  @Test
  void threeThousandLegsPlayingPrompts() throws Exception {
    try (MediaEngine engine = new MediaEngine(LOOPBACK, 40000, 46999, PromptLibrary.fromClasspath());
        Sink sink = new Sink()) {
      List<MediaLeg> legs = new ArrayList<>();
      for (int i = 0; i < 3000; i++) {
        MediaLeg leg = engine.open();
        leg.remote(sink.address(), i % 2 == 0 ? PCMU : PCMA);
        legs.add(leg);
      }
      for (MediaLeg leg : legs) leg.play(List.of("hold-music"), true, null);
      double perSecond = sink.rate(1000, 3000);
      log.info("3000 legs playing: {} packets/s arrive (50 per leg is {})", Math.round(perSecond), 3000 * 50);
      assertThat(perSecond).isGreaterThan(0.95 * 3000 * 50);
      for (MediaLeg leg : legs) leg.close();
      assertThat(engine.openLegs()).isZero();
    }
  }

  @Test
  void fifteenHundredBridgedPairsRelaying() throws Exception {
    PromptLibrary prompts = PromptLibrary.fromClasspath();
    int pairs = 1500;
    // Ranges with room to spare: other sockets (the sink's, for one) may hold a few ports in them.
    try (MediaEngine phones = new MediaEngine(LOOPBACK, 40000, 43999, prompts);
        MediaEngine engine = new MediaEngine(LOOPBACK, 44000, 50999, prompts);
        Sink sink = new Sink()) {
      List<MediaLeg> callers = new ArrayList<>();
      for (int i = 0; i < pairs; i++) {
        MediaLeg phone = phones.open();
        MediaLeg caller = engine.open();
        MediaLeg agent = engine.open();
        phone.remote(new InetSocketAddress(LOOPBACK, caller.localPort()), PCMU);
        caller.remote(new InetSocketAddress(LOOPBACK, phone.localPort()), PCMU);
        agent.remote(sink.address(), i % 2 == 0 ? PCMU : PCMA);
        caller.bridge(agent);
        phone.play(List.of("hold-music"), true, null);
        callers.add(caller);
      }
      double perSecond = sink.rate(1000, 3000);
      log.info("{} pairs: {} relayed packets/s arrive ({} sent)", pairs, Math.round(perSecond), pairs * 50);
      assertThat(perSecond).isGreaterThan(0.95 * pairs * 50);
      assertThat(callers.stream().mapToLong(MediaLeg::packetsReceived).sum()).isPositive();
    }
  }

  /** Counts whatever arrives, on its own thread. */
  static final class Sink implements AutoCloseable {
    final DatagramChannel channel = DatagramChannel.open();
    final AtomicLong packets = new AtomicLong();
    final Thread reader;

    Sink() throws IOException {
      channel.bind(new InetSocketAddress(LOOPBACK, 0));
      channel.setOption(StandardSocketOptions.SO_RCVBUF, 8 << 20);
      reader = new Thread(() -> {
        ByteBuffer b = ByteBuffer.allocateDirect(2048);
        try {
          while (true) {
            b.clear();
            channel.receive(b);
            packets.incrementAndGet();
          }
        } catch (IOException ex) {
          // closed: done
        }
      }, "scale-sink");
      reader.setDaemon(true);
      reader.start();
    }

    InetSocketAddress address() throws IOException {
      return (InetSocketAddress) channel.getLocalAddress();
    }

    /** Packets per second over {@code millis}, after {@code warmupMillis}. */
    double rate(long warmupMillis, long millis) throws InterruptedException {
      Thread.sleep(warmupMillis);
      long before = packets.get();
      long start = System.nanoTime();
      Thread.sleep(millis);
      return (packets.get() - before) / ((System.nanoTime() - start) / 1e9);
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
