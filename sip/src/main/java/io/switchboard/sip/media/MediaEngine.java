package io.switchboard.sip.media;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process-wide RTP engine: one selector thread receives (and relays) the packets of all legs,
 * one pacing thread sends prompt frames for all legs every 20 ms. Neither blocks nor allocates per
 * packet, so a few thousand legs cost two threads, one socket each and a few buffers.
 *
 * <p>Legs bind even UDP ports of the configured range, handed out oldest-freed first so that late
 * packets of an ended call rarely reach the next one. RTCP is neither sent nor read.
 *
 * <p>Channels are registered and closed on the selector thread (tasks queued with a wakeup): a
 * registered DatagramChannel only releases its port once its key is flushed, and doing that on the
 * one thread that selects is what makes {@link MediaLeg#close} release the port before it returns.
 */
public final class MediaEngine implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MediaEngine.class);
  static final long TICK_MILLIS = 20;
  /** Datagrams read from one leg per selector round, so that a flooding sender cannot starve the others. */
  private static final int READS_PER_ROUND = 16;
  private static final long RELEASE_WAIT_MILLIS = 2000;

  private sealed interface Task permits Register, Release {}

  private record Register(MediaLeg leg) implements Task {}

  private record Release(MediaLeg leg, CountDownLatch done) implements Task {}

  private final InetAddress bindAddress;
  private final ProtocolFamily family;
  private final PromptLibrary prompts;
  private final Selector selector;
  private final Thread receiver;
  private final ScheduledExecutorService pacer;
  private final Queue<Task> tasks = new ConcurrentLinkedQueue<>();
  private final ArrayDeque<Integer> freePorts = new ArrayDeque<>();
  private final Set<MediaLeg> legs = ConcurrentHashMap.newKeySet();
  private final Set<MediaLeg> playing = ConcurrentHashMap.newKeySet();
  /** Guards who is bridged with whom: both ends change together. */
  final Object topology = new Object();
  private volatile boolean closed;

  // Owned by the selector thread.
  private final ByteBuffer receiveBuffer = ByteBuffer.allocate(2048);
  private final RtpPacket.Header receiveHeader = new RtpPacket.Header();
  private final ByteBuffer relayBuffer = ByteBuffer.allocateDirect(2048);
  // Owned by the pacing thread.
  private final ByteBuffer promptBuffer = ByteBuffer.allocateDirect(RtpPacket.HEADER_LENGTH + Codec.SAMPLES_PER_FRAME);

  public MediaEngine(InetAddress bindAddress, int portMin, int portMax, PromptLibrary prompts) throws IOException {
    if (portMin < 1 || portMax > 65535 || portMin > portMax)
      throw new IllegalArgumentException("RTP port range " + portMin + "-" + portMax + " is not within 1-65535");
    this.bindAddress = bindAddress;
    this.family = bindAddress instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    this.prompts = prompts;
    for (int p = portMin + (portMin & 1); p <= portMax; p += 2) freePorts.add(p);
    if (freePorts.isEmpty()) throw new IllegalArgumentException("RTP port range " + portMin + "-" + portMax + " has no even port");
    this.selector = Selector.open();
    this.receiver = new Thread(this::receiveLoop, "media-rtp-receiver");
    receiver.setDaemon(true);
    this.pacer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "media-prompt-pacer");
      t.setDaemon(true);
      t.setPriority(Thread.MAX_PRIORITY);
      return t;
    });
    receiver.start();
    pacer.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    log.info("Media engine on {} ports {}-{} ({} legs at most)", bindAddress.getHostAddress(), portMin, portMax,
        freePorts.size());
  }

  /**
   * A new leg on a free even port of the range.
   *
   * @throws IOException "no free RTP port" when every port is in use (by us or anyone else)
   */
  public MediaLeg open() throws IOException {
    if (closed) throw new IOException("media engine closed");
    int candidates;
    synchronized (freePorts) {
      candidates = freePorts.size();
    }
    for (int i = 0; i < candidates; i++) {
      Integer port;
      synchronized (freePorts) {
        port = freePorts.pollFirst();
      }
      if (port == null) break;
      DatagramChannel channel = DatagramChannel.open(family);
      try {
        channel.bind(new InetSocketAddress(bindAddress, port));
        channel.configureBlocking(false);
      } catch (IOException ex) {
        // Taken by another process (or our own not yet released port): try the next one.
        channel.close();
        freePort(port);
        log.debug("RTP port {} not bindable: {}", port, ex.toString());
        continue;
      }
      MediaLeg leg = new MediaLeg(this, channel, port);
      legs.add(leg);
      tasks.add(new Register(leg));
      selector.wakeup();
      return leg;
    }
    throw new IOException("no free RTP port");
  }

  /** Legs opened and not yet closed. */
  public int openLegs() {
    return legs.size();
  }

  public PromptLibrary prompts() {
    return prompts;
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    pacer.shutdown();
    selector.wakeup();
    try {
      pacer.awaitTermination(1, TimeUnit.SECONDS);
      receiver.join(2000);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
    for (MediaLeg leg : legs) leg.close();
    for (Task t; (t = tasks.poll()) != null; ) {
      if (t instanceof Release r) {
        closeQuietly(r.leg().channel);
        r.done().countDown();
      }
    }
    try {
      selector.close();
    } catch (IOException ex) {
      log.debug("Closing the selector: {}", ex.toString());
    }
    log.info("Media engine closed");
  }

  // ---- called by legs

  /** Puts a leg on the pacing thread's list; it stays there until its playback ends. */
  void playing(MediaLeg leg) {
    playing.add(leg);
  }

  /** Unregisters and closes the leg's channel; waits until its port is free again (but not on the selector thread). */
  void release(MediaLeg leg) {
    legs.remove(leg);
    playing.remove(leg);
    if (closed) {
      closeQuietly(leg.channel);
      return;
    }
    Release r = new Release(leg, new CountDownLatch(1));
    tasks.add(r);
    selector.wakeup();
    if (Thread.currentThread() == receiver) return;
    try {
      if (!r.done().await(RELEASE_WAIT_MILLIS, TimeUnit.MILLISECONDS))
        log.warn("RTP port {} was not released within {} ms", leg.localPort(), RELEASE_WAIT_MILLIS);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- the selector thread

  private void receiveLoop() {
    while (!closed) {
      try {
        selector.select(1000);
        if (closed) break;
        runTasks();
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
          SelectionKey key = keys.next();
          keys.remove();
          if (key.isValid() && key.isReadable()) drain(key);
        }
      } catch (ClosedSelectorException ex) {
        break;
      } catch (IOException | RuntimeException ex) {
        // One bad round must not end media for every call; the pause keeps a persistent fault from spinning.
        log.warn("RTP receive loop: {}", ex.toString(), ex);
        try {
          Thread.sleep(10);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    }
  }

  private void runTasks() throws IOException {
    List<Release> released = null;
    for (Task t; (t = tasks.poll()) != null; ) {
      if (t instanceof Register reg) {
        if (reg.leg().isClosed()) continue;
        try {
          reg.leg().key = reg.leg().channel.register(selector, SelectionKey.OP_READ, reg.leg());
        } catch (ClosedChannelException ex) {
          log.debug("Leg on port {} closed before registration", reg.leg().localPort());
        }
      } else if (t instanceof Release rel) {
        SelectionKey key = rel.leg().key;
        if (key != null) key.cancel();
        closeQuietly(rel.leg().channel);
        if (released == null) released = new ArrayList<>();
        released.add(rel);
      }
    }
    if (released != null) {
      // Flushes the cancelled keys: only now do the closed channels give their ports back.
      selector.selectNow();
      for (Release rel : released) {
        freePort(rel.leg().localPort());
        rel.done().countDown();
      }
    }
  }

  private void drain(SelectionKey key) {
    DatagramChannel channel = (DatagramChannel) key.channel();
    MediaLeg leg = (MediaLeg) key.attachment();
    for (int i = 0; i < READS_PER_ROUND; i++) {
      receiveBuffer.clear();
      SocketAddress from;
      try {
        from = channel.receive(receiveBuffer);
      } catch (IOException ex) {
        log.debug("Receive on port {}: {}", leg.localPort(), ex.toString());
        return;
      }
      if (from == null) return;
      try {
        leg.received(receiveBuffer.array(), receiveBuffer.position(), (InetSocketAddress) from, receiveHeader,
            relayBuffer);
      } catch (RuntimeException ex) {
        log.warn("RTP packet on port {} from {}: {}", leg.localPort(), from, ex.toString(), ex);
      }
    }
  }

  // ---- the pacing thread

  private void tick() {
    try {
      long now = System.nanoTime();
      for (MediaLeg leg : playing) {
        boolean more;
        try {
          more = leg.playTick(promptBuffer, now);
        } catch (RuntimeException ex) {
          log.warn("Prompt on port {} stopped: {}", leg.localPort(), ex.toString(), ex);
          leg.stopPlaying();
          more = false;
        }
        if (!more) {
          playing.remove(leg);
          // play() may have started a new playlist between the check and the removal.
          if (leg.isPlaying() && !leg.isClosed()) playing.add(leg);
        }
      }
    } catch (Throwable t) {
      // An exception escaping would cancel the schedule and silence every prompt.
      log.error("Prompt tick failed", t);
    }
  }

  // ---- ports

  private void freePort(int port) {
    synchronized (freePorts) {
      freePorts.addLast(port);
    }
  }

  private static void closeQuietly(DatagramChannel channel) {
    try {
      channel.close();
    } catch (IOException ex) {
      log.debug("Closing an RTP channel: {}", ex.toString());
    }
  }
}
