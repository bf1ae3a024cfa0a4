package io.switchboard.sip.media;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One RTP endpoint of a call, on its own UDP port of the {@link MediaEngine}. What it sends to its
 * remote comes from one source at a time: the prompt playlist when one is playing, otherwise the
 * bridged leg's audio (unless held), otherwise nothing. Whatever the source, the remote sees one
 * RTP stream (our SSRC, continuous sequence numbers, a timestamp that follows the wall clock) with
 * the marker bit where the source changes.
 *
 * <p>Threads: the public methods may be called from any thread; receiving, DTMF callbacks and
 * relaying run on the engine's selector thread, prompt frames and {@code onDone} on its pacing
 * thread.
 */
public final class MediaLeg implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MediaLeg.class);
  private static final int FRAME = Codec.SAMPLES_PER_FRAME;
  /** Recordings stop growing after this unless told otherwise (voicemail is short). */
  public static final Duration DEFAULT_MAX_RECORDING = Duration.ofMinutes(10);

  /** Where to send and how; replaced as a whole so readers never see half of a change. */
  private record Target(InetSocketAddress address, Negotiated negotiated) {}

  /** A playlist and how far the pacing thread got; position fields are the pacing thread's only. */
  private static final class Playback {
    final Prompt[] prompts;
    final boolean loop;
    final Runnable onDone;
    final boolean holdMusic;
    int index;
    int frame;

    Playback(Prompt[] prompts, boolean loop, Runnable onDone, boolean holdMusic) {
      this.prompts = prompts;
      this.loop = loop;
      this.onDone = onDone;
      this.holdMusic = holdMusic;
    }
  }

  /**
   * Our outgoing RTP stream, guarded by its own monitor (prompts are sent by the pacing thread,
   * relayed packets by the selector thread). {@code source} says what the last packet came from:
   * a new source starts a new segment with the marker bit and fresh offsets.
   */
  private static final class Outbound {
    static final long NONE = -1;
    static final long PROMPT = -2;
    final int ssrc;
    int sequence;
    int timestamp;
    long lastSentNanos;
    boolean sentAny;
    long source = NONE;
    int sequenceOffset;
    int timestampOffset;

    Outbound() {
      ThreadLocalRandom r = ThreadLocalRandom.current();
      ssrc = r.nextInt();
      sequence = r.nextInt(0x10000);
      timestamp = r.nextInt();
    }

    /** The timestamp of a segment's first packet: our clock keeps running while nothing is sent. */
    int segmentTimestamp(long now) {
      if (!sentAny) return timestamp;
      long samples = (now - lastSentNanos) / 125_000; // 8 kHz
      return timestamp + (int) Math.max(FRAME, Math.min(samples, 3_600L * Codec.CLOCK_RATE));
    }

    void sent(int seq, int ts, long now) {
      // A reordered relayed packet must not move the stream backwards.
      if (!sentAny || (short) (seq - sequence) > 0) sequence = seq;
      if (!sentAny || ts - timestamp > 0) timestamp = ts;
      lastSentNanos = now;
      sentAny = true;
    }
  }

  private final MediaEngine engine;
  final DatagramChannel channel;
  private final int port;
  /** Set and used by the selector thread only. */
  SelectionKey key;

  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicReference<Playback> playback = new AtomicReference<>();
  private final Outbound out = new Outbound();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private volatile Target target;
  private volatile boolean latched;
  private volatile MediaLeg partner;
  private volatile boolean held;
  private volatile Consumer<Character> dtmfListener;
  private volatile Recorder recorder;

  /** Selector thread only. */
  private final DtmfDetector dtmf = new DtmfDetector();

  MediaLeg(MediaEngine engine, DatagramChannel channel, int port) {
    this.engine = engine;
    this.channel = channel;
    this.port = port;
  }

  public int localPort() {
    return port;
  }

  /**
   * Where to send and with which codec; may change any time (a re-INVITE). The next packet received
   * may move the address again (latching, see {@link #received}).
   */
  public void remote(InetSocketAddress address, Negotiated negotiated) {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(negotiated, "negotiated");
    if (address.isUnresolved()) log.warn("RTP remote {} of port {} is unresolved: nothing will be sent", address, port);
    synchronized (this) {
      target = new Target(address, negotiated);
      latched = false;
    }
  }

  /** The address packets go to now (after latching), if any. */
  public Optional<InetSocketAddress> remoteAddress() {
    Target t = target;
    return t == null ? Optional.empty() : Optional.of(t.address());
  }

  /**
   * Plays prompts in order, replacing whatever plays; with {@code loop} the last one repeats until
   * stopped (hold music). {@code onDone} (may be null) runs on the pacing thread when a non-looping
   * playlist has been sent completely, not when it is stopped or replaced: keep it short.
   *
   * @throws IllegalArgumentException for an empty list or an unknown prompt (nothing changes then)
   */
  public void play(List<String> promptNames, boolean loop, Runnable onDone) {
    start(promptNames, loop, onDone, false);
  }

  public void stopPlaying() {
    playback.set(null);
  }

  /** True while a playlist is playing. */
  public boolean isPlaying() {
    return playback.get() != null;
  }

  /**
   * DTMF keys received as RFC 4733 telephone-events with the negotiated payload type: one call per
   * key press, on the selector thread (keep it short). SIP INFO digits do not come through here.
   */
  public void onDtmf(Consumer<Character> listener) {
    this.dtmfListener = listener;
  }

  /**
   * Relays RTP both ways between this leg and {@code other}: each one's received audio is sent by
   * the other to its remote under the other's own SSRC, sequence and timestamp (payload copied when
   * both use the same codec, transcoded between PCMU and PCMA otherwise; telephone-events are
   * passed on when the receiving side negotiated them). Stops prompts on both; earlier bridges of
   * either leg end.
   */
  public void bridge(MediaLeg other) {
    if (other == this) throw new IllegalArgumentException("a leg cannot be bridged with itself");
    Objects.requireNonNull(other, "other");
    if (isClosed() || other.isClosed()) {
      log.debug("Bridge of port {} with {} ignored: a leg is closed", port, other.port);
      return;
    }
    synchronized (engine.topology) {
      detach(this);
      detach(other);
      this.partner = other;
      other.partner = this;
    }
    stopPlaying();
    other.stopPlaying();
    newSegment();
    other.newSegment();
  }

  public void unbridge() {
    synchronized (engine.topology) {
      detach(this);
    }
  }

  /** The leg this one is bridged with, if any. */
  public Optional<MediaLeg> bridgedWith() {
    return Optional.ofNullable(partner);
  }

  /**
   * Hold (the remote answered or offered sendonly/inactive): nothing relayed from the bridged leg
   * is sent to this leg's remote while held. Prompts still play, so music can be played to it.
   */
  public void hold(boolean held) {
    this.held = held;
    newSegment();
  }

  /**
   * {@link #hold(boolean)}, and while held plays {@code musicPrompt} in a loop to this leg; taking
   * it off hold stops that music (not other prompts started since).
   */
  public void hold(boolean held, String musicPrompt) {
    if (held) {
      start(List.of(musicPrompt), true, null, true); // first: an unknown prompt changes nothing
    } else {
      Playback p = playback.get();
      if (p != null && p.holdMusic) playback.compareAndSet(p, null);
    }
    hold(held);
  }

  public boolean isHeld() {
    return held;
  }

  /** Starts recording what this leg receives, for at most {@link #DEFAULT_MAX_RECORDING}. */
  public void startRecording() {
    startRecording(DEFAULT_MAX_RECORDING);
  }

  /** Starts recording what this leg receives (replacing a recording in progress), for at most {@code max}. */
  public void startRecording(Duration max) {
    long samples = max.toMillis() * Codec.CLOCK_RATE / 1000;
    if (samples <= 0 || samples > Integer.MAX_VALUE / 2) throw new IllegalArgumentException("recording length " + max + " out of range");
    recorder = new Recorder((int) samples);
  }

  /**
   * Ends the recording: a WAV file (8 kHz mono 16-bit PCM) of what was received since
   * {@link #startRecording}, with lost packets as silence.
   *
   * @throws IllegalStateException when not recording
   */
  public byte[] stopRecording() {
    Recorder r = recorder;
    if (r == null) throw new IllegalStateException("port " + port + " is not recording");
    recorder = null;
    return r.toWav();
  }

  public boolean isRecording() {
    return recorder != null;
  }

  /** Valid RTP packets received. */
  public long packetsReceived() {
    return received.get();
  }

  public long packetsSent() {
    return sent.get();
  }

  /** Datagrams received that were not RTP v2. */
  public long packetsRejected() {
    return rejected.get();
  }

  /** Releases the port (before returning, unless called on the selector thread); idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    playback.set(null);
    recorder = null;
    dtmfListener = null;
    unbridge();
    engine.release(this);
  }

  public boolean isClosed() {
    return closed.get();
  }

  @Override
  public String toString() {
    return "MediaLeg[port " + port + (isClosed() ? ", closed" : "") + "]";
  }

  // ---- playing (pacing thread)

  private void start(List<String> names, boolean loop, Runnable onDone, boolean holdMusic) {
    if (names.isEmpty()) throw new IllegalArgumentException("nothing to play");
    Prompt[] prompts = new Prompt[names.size()];
    for (int i = 0; i < prompts.length; i++) prompts[i] = engine.prompts().get(names.get(i));
    if (isClosed()) return;
    newSegment();
    playback.set(new Playback(prompts, loop, onDone, holdMusic));
    engine.playing(this);
  }

  /** Sends the next frame; false when nothing is left to play. */
  boolean playTick(ByteBuffer buf, long now) {
    Playback p = playback.get();
    if (p == null || isClosed()) return false;
    while (p.frame >= p.prompts[p.index].frames()) {
      p.frame = 0;
      if (++p.index == p.prompts.length) {
        if (p.loop) {
          p.index = p.prompts.length - 1;
        } else {
          finished(p);
          return false;
        }
      }
    }
    sendFrame(p.prompts[p.index], p.frame++, buf, now);
    return true;
  }

  private void finished(Playback p) {
    if (!playback.compareAndSet(p, null) || p.onDone == null) return;
    try {
      p.onDone.run();
    } catch (RuntimeException ex) {
      log.warn("Prompt end callback of port {} failed", port, ex);
    }
  }

  private void sendFrame(Prompt prompt, int frame, ByteBuffer buf, long now) {
    Target t = target;
    if (t == null) return; // time passes all the same: the prompt is not paused by a missing remote
    Codec codec = t.negotiated().codec();
    synchronized (out) {
      boolean marker = out.source != Outbound.PROMPT;
      int seq = (out.sequence + 1) & 0xFFFF;
      int ts = marker ? out.segmentTimestamp(now) : out.timestamp + FRAME;
      out.source = Outbound.PROMPT;
      buf.clear();
      RtpPacket.writeHeader(buf, marker, codec.payloadType(), seq, ts, out.ssrc);
      buf.position(RtpPacket.HEADER_LENGTH);
      buf.put(prompt.data(codec), frame * FRAME, FRAME);
      buf.flip();
      send(buf, t.address());
      out.sent(seq, ts, now);
    }
  }

  // ---- receiving and relaying (selector thread)

  /**
   * One datagram received on this leg's port. The remote is latched to the source of the first
   * valid packet after each {@link #remote} (symmetric RTP, RFC 4961), because a phone behind NAT
   * sends from a public address its SDP does not know; after that, packets from anywhere else are
   * dropped.
   */
  void received(byte[] data, int length, InetSocketAddress from, RtpPacket.Header h, ByteBuffer relayBuf) {
    if (isClosed()) return;
    if (!h.read(data, 0, length)) {
      if (rejected.incrementAndGet() == 1) log.debug("Non-RTP datagram on port {} from {}", port, from);
      return;
    }
    if (!latched) latch(from);
    Target t = target;
    if (t != null && latched && !from.equals(t.address())) {
      // Once latched, only the remote speaks on this port: no injected audio, keys or takeover.
      if (rejected.incrementAndGet() == 1) log.debug("RTP on port {} from {}, not from its remote {}", port, from,
          t.address());
      return;
    }
    received.incrementAndGet();
    int eventType = t == null ? -1 : t.negotiated().telephoneEventPayloadType();
    MediaLeg other = partner;
    if (eventType >= 0 && h.payloadType == eventType) {
      telephoneEvent(data, h);
      if (other != null) other.relay(data, h, null, relayBuf);
      return;
    }
    Codec codec = h.payloadType == 0 ? Codec.PCMU : h.payloadType == 8 ? Codec.PCMA : null;
    if (codec == null) return; // comfort noise or a payload we did not negotiate
    Recorder r = recorder;
    if (r != null) r.append(codec, data, h.payloadOffset, h.payloadLength, h.timestamp, h.ssrc);
    if (other != null) other.relay(data, h, codec, relayBuf);
  }

  private synchronized void latch(InetSocketAddress from) {
    Target t = target;
    if (t == null || latched) return; // nothing to correct before the SDP is known
    latched = true;
    if (!from.equals(t.address())) {
      log.debug("Port {} latched its remote from {} to {}", port, t.address(), from);
      target = new Target(from, t.negotiated());
    }
  }

  private void telephoneEvent(byte[] data, RtpPacket.Header h) {
    char digit = dtmf.packet(h.ssrc, h.timestamp, data, h.payloadOffset, h.payloadLength);
    Consumer<Character> listener = dtmfListener;
    if (digit == 0 || listener == null) return;
    try {
      listener.accept(digit);
    } catch (RuntimeException ex) {
      log.warn("DTMF listener of port {} failed", port, ex);
    }
  }

  /** Sends a packet received by the bridged leg to this leg's remote; {@code in} null for a telephone-event. */
  private void relay(byte[] data, RtpPacket.Header h, Codec in, ByteBuffer buf) {
    if (held || isClosed() || playback.get() != null) return;
    Target t = target;
    if (t == null) return;
    Negotiated n = t.negotiated();
    int payloadType;
    if (in == null) {
      if (!n.hasTelephoneEvents()) return;
      payloadType = n.telephoneEventPayloadType();
    } else {
      payloadType = n.codec().payloadType();
    }
    long now = System.nanoTime();
    synchronized (out) {
      boolean marker = h.marker;
      long source = h.ssrc & 0xFFFF_FFFFL;
      if (out.source != source) {
        out.sequenceOffset = ((out.sequence + 1) & 0xFFFF) - h.sequence;
        out.timestampOffset = out.segmentTimestamp(now) - h.timestamp;
        out.source = source;
        marker = true;
      }
      int seq = (h.sequence + out.sequenceOffset) & 0xFFFF;
      int ts = h.timestamp + out.timestampOffset;
      buf.clear();
      RtpPacket.writeHeader(buf, marker, payloadType, seq, ts, out.ssrc);
      buf.position(RtpPacket.HEADER_LENGTH);
      int length = Math.min(h.payloadLength, buf.remaining());
      if (in == null || in == n.codec()) {
        buf.put(data, h.payloadOffset, length);
      } else {
        for (int i = 0; i < length; i++) buf.put(G711.transcode(in, n.codec(), data[h.payloadOffset + i]));
      }
      buf.flip();
      send(buf, t.address());
      out.sent(seq, ts, now);
    }
  }

  private void send(ByteBuffer buf, InetSocketAddress to) {
    try {
      if (channel.send(buf, to) > 0) sent.incrementAndGet();
    } catch (IOException | UnresolvedAddressException | UnsupportedAddressTypeException ex) {
      // A closed leg, an unreachable or unresolved remote: the packet is lost, as on the wire.
      if (!isClosed()) log.debug("Send from port {} to {}: {}", port, to, ex.toString());
    }
  }

  // ---- helpers

  private void newSegment() {
    synchronized (out) {
      out.source = Outbound.NONE;
    }
  }

  /** Ends the bridge of {@code leg}, on both sides; the caller holds the topology lock. */
  private static void detach(MediaLeg leg) {
    MediaLeg other = leg.partner;
    if (other == null) return;
    leg.partner = null;
    if (other.partner == leg) other.partner = null;
    leg.newSegment();
    other.newSegment();
  }

  /**
   * Received audio as 16-bit PCM. Gaps in the timestamps of one stream (lost packets) are filled
   * with silence so the recording keeps time; duplicates and late packets are dropped.
   */
  private static final class Recorder {
    private final int maxSamples;
    private byte[] pcm = new byte[Codec.CLOCK_RATE * 2 * 4];
    private int samples;
    private boolean started;
    private int ssrc;
    private int nextTimestamp;

    Recorder(int maxSamples) {
      this.maxSamples = maxSamples;
    }

    synchronized void append(Codec codec, byte[] data, int offset, int length, int timestamp, int ssrc) {
      if (started && ssrc == this.ssrc) {
        int gap = timestamp - nextTimestamp;
        if (gap < 0) return;
        if (gap <= 2 * Codec.CLOCK_RATE) silence(gap);
      }
      started = true;
      this.ssrc = ssrc;
      this.nextTimestamp = timestamp + length;
      int n = Math.min(length, maxSamples - samples);
      if (n <= 0) return;
      ensure(n);
      int at = samples * 2;
      for (int i = 0; i < n; i++) {
        short s = G711.decode(codec, data[offset + i]);
        pcm[at++] = (byte) s;
        pcm[at++] = (byte) (s >> 8);
      }
      samples += n;
    }

    private void silence(int count) {
      int n = Math.min(count, maxSamples - samples);
      if (n <= 0) return;
      ensure(n);
      samples += n; // the array is zero beyond samples
    }

    private void ensure(int more) {
      int need = (samples + more) * 2;
      if (need > pcm.length) pcm = java.util.Arrays.copyOf(pcm, Math.max(need, pcm.length * 2));
    }

    synchronized byte[] toWav() {
      AudioFormat format = new AudioFormat(Codec.CLOCK_RATE, 16, 1, true, false);
      ByteArrayOutputStream wav = new ByteArrayOutputStream(samples * 2 + 64);
      try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(pcm, 0, samples * 2), format, samples)) {
        AudioSystem.write(in, AudioFileFormat.Type.WAVE, wav);
      } catch (IOException ex) {
        throw new UncheckedIOException("writing a recording", ex);
      }
      return wav.toByteArray();
    }
  }
}
