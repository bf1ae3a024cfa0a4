package io.switchboard.http.sms;

import io.switchboard.core.message.SmsException;
import io.switchboard.core.message.SmsMessage;
import io.switchboard.core.message.SmsSender;
import java.io.Closeable;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jsmpp.InvalidResponseException;
import org.jsmpp.PDUException;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.Alphabet;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.DataCoding;
import org.jsmpp.bean.ESMClass;
import org.jsmpp.bean.GSMSpecificFeature;
import org.jsmpp.bean.GeneralDataCoding;
import org.jsmpp.bean.MessageMode;
import org.jsmpp.bean.MessageType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.RegisteredDelivery;
import org.jsmpp.bean.SMSCDeliveryReceipt;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.extra.NegativeResponseException;
import org.jsmpp.extra.ResponseTimeoutException;
import org.jsmpp.session.BindParameter;
import org.jsmpp.session.SMPPSession;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.session.connection.Connection;
import org.jsmpp.session.connection.ConnectionFactory;
import org.jsmpp.session.connection.socket.SocketConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SMS through an SMSC over SMPP 3.4 (jSMPP), bound as a transmitter. One session, bound at the
 * first send and again at the next send after the SMSC (or the network) closed it. jSMPP's calls
 * block, so they run on this sender's own thread, one message after the other (which also keeps the
 * parts of a long message in order); the caller only gets the stage.
 *
 * <p>Every blocking step is bounded by {@code timeout}: TCP connect, bind, each submit_sm. Texts go
 * as GSM 7-bit when they fit the alphabet, else UCS2; long texts as concatenated parts (see
 * {@link SmsParts} for why UDH rather than message_payload). The message id of a long text is the
 * parts' ids joined by commas. No delivery receipts are asked for: a transmitter cannot receive them.
 */
public final class SmppSmsSender implements SmsSender, Closeable {

  private static final Logger log = LoggerFactory.getLogger(SmppSmsSender.class);

  /** {@code switchboard.sms.smpp} plus the shared {@code from}. */
  public record Settings(String host, int port, String systemId, String password, String systemType, String from,
      Duration timeout) {

    public Settings {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(password, "password");
      Objects.requireNonNull(systemType, "systemType");
      if (host.isBlank()) throw new IllegalArgumentException(SmsSenders.SMPP + ".host is required");
      if (port < 1 || port > 65535)
        throw new IllegalArgumentException(SmsSenders.SMPP + ".port must be 1 to 65535; got " + port);
      // SMPP 3.4 field sizes, C-octet strings with their terminating NUL.
      if (systemId == null || systemId.isEmpty() || systemId.length() > 15)
        throw new IllegalArgumentException(SmsSenders.SMPP + ".system-id must have 1 to 15 characters; got "
            + (systemId == null ? 0 : systemId.length()));
      if (password.length() > 8)
        throw new IllegalArgumentException(SmsSenders.SMPP + ".password must have at most 8 characters (SMPP 3.4); "
            + "got " + password.length());
      if (systemType.length() > 12)
        throw new IllegalArgumentException(SmsSenders.SMPP + ".system-type must have at most 12 characters; got \""
            + systemType + "\"");
      Source.of(from);
      if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE)
        throw new IllegalArgumentException(SmsSenders.SMPP + ".timeout must be positive; got " + timeout);
    }

    @Override
    public String toString() {
      // Never log the password.
      return "SmppSmsSender.Settings[" + systemId + "@" + host + ":" + port
          + (systemType.isEmpty() ? "" : ", system-type " + systemType) + ", from " + from
          + (password.isEmpty() ? ", no password" : ", password ****") + ", timeout " + timeout + "]";
    }
  }

  /**
   * The sender's address as submit_sm carries it: a name shown instead of a number (TON
   * alphanumeric, NPI unknown) or an international number without its {@code +} (TON international,
   * NPI ISDN/E.164).
   */
  sealed interface Source {
    TypeOfNumber ton();

    NumberingPlanIndicator npi();

    String address();

    record Alphanumeric(String address) implements Source {
      @Override
      public TypeOfNumber ton() {
        return TypeOfNumber.ALPHANUMERIC;
      }

      @Override
      public NumberingPlanIndicator npi() {
        return NumberingPlanIndicator.UNKNOWN;
      }
    }

    record International(String address) implements Source {
      @Override
      public TypeOfNumber ton() {
        return TypeOfNumber.INTERNATIONAL;
      }

      @Override
      public NumberingPlanIndicator npi() {
        return NumberingPlanIndicator.ISDN;
      }
    }

    static Source of(String from) {
      String checked = SmsSenders.checkFrom(from);
      return checked.startsWith("+") ? new International(checked.substring(1)) : new Alphanumeric(checked);
    }
  }

  private final Settings settings;
  private final Source source;
  private final int timeoutMillis;
  private final ExecutorService executor;
  /** Numbers the concatenated messages (one octet), from a random start so restarts do not reuse them at once. */
  private final AtomicInteger reference = new AtomicInteger(ThreadLocalRandom.current().nextInt(256));
  private final ConnectionFactory connections;
  /** Touched on the executor's thread only, and by close() once that thread has stopped. */
  private volatile SMPPSession session;
  private volatile boolean closed;

  public SmppSmsSender(Settings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.source = Source.of(settings.from());
    this.timeoutMillis = (int) settings.timeout().toMillis();
    this.executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "sms-smpp-" + settings.host() + ":" + settings.port());
      t.setDaemon(true);
      return t;
    });
    // jSMPP's own factory connects without a timeout; an unreachable host would block for minutes.
    this.connections = (host, port) -> connect(host, port, timeoutMillis);
  }

  public Settings settings() {
    return settings;
  }

  /** Whether a session is bound now (for health pages). When not, the next send binds. */
  public boolean bound() {
    SMPPSession s = session;
    return s != null && s.getSessionState().isBound();
  }

  @Override
  public CompletionStage<String> send(SmsMessage sms) {
    Objects.requireNonNull(sms, "sms");
    CompletableFuture<String> result = new CompletableFuture<>();
    try {
      executor.execute(() -> {
        try {
          result.complete(sendNow(sms));
        } catch (SmsException e) {
          result.completeExceptionally(e);
        } catch (RuntimeException | Error e) {
          result.completeExceptionally(new SmsException("SMS through " + where() + " failed: " + e, e));
        }
      });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(closedException());
    }
    return result;
  }

  private String sendNow(SmsMessage sms) {
    if (closed) throw closedException();
    SMPPSession s = boundSession();
    SmsParts parts = SmsParts.of(sms.text(), reference.getAndIncrement() & 0xFF);
    ESMClass esmClass = parts.udh() ? new ESMClass(MessageMode.DEFAULT, MessageType.DEFAULT, GSMSpecificFeature.UDHI)
        : new ESMClass();
    DataCoding dataCoding = new GeneralDataCoding(parts.dataCoding() == SmsParts.UCS2 ? Alphabet.ALPHA_UCS2
        : Alphabet.ALPHA_DEFAULT);
    String destination = sms.to().substring(1);
    int total = parts.parts().size();
    List<String> ids = new ArrayList<>(total);
    for (byte[] part : parts.parts()) {
      String which = total == 1 ? "submit_sm" : "submit_sm of part " + (ids.size() + 1) + " of " + total;
      try {
        SubmitSmResult r = s.submitShortMessage(null, source.ton(), source.npi(), source.address(),
            TypeOfNumber.INTERNATIONAL, NumberingPlanIndicator.ISDN, destination, esmClass, (byte) 0, (byte) 0,
            null, null, new RegisteredDelivery(SMSCDeliveryReceipt.DEFAULT), (byte) 0, dataCoding, (byte) 0, part);
        ids.add(r.getMessageId());
      } catch (NegativeResponseException e) {
        throw new SmsException(where() + " refused the " + which + ": " + status(e.getCommandStatus())
            + accepted(ids), e);
      } catch (ResponseTimeoutException e) {
        // The link is likely dead: bind afresh next time rather than wait on it again.
        s.close();
        throw new SmsException("no answer from " + where() + " to the " + which + " within "
            + settings.timeout().toMillis() + " ms; the SMSC may or may not have taken it" + accepted(ids), e);
      } catch (PDUException | InvalidResponseException e) {
        throw new SmsException(which + " through " + where() + " failed: " + e.getMessage() + accepted(ids), e);
      } catch (IOException e) {
        throw new SmsException("connection to " + where() + " failed during the " + which + ": " + e.getMessage()
            + accepted(ids), e);
      }
    }
    return String.join(",", ids);
  }

  private static String accepted(List<String> ids) {
    return ids.isEmpty() ? "" : " (the parts before were accepted as " + String.join(",", ids) + ")";
  }

  private SMPPSession boundSession() {
    SMPPSession s = session;
    if (s != null && s.getSessionState().isBound()) return s;
    if (s != null) {
      log.info("SMPP session to {} is {}; binding again", where(), s.getSessionState());
      s.close();
      session = null;
    }
    SMPPSession fresh = new SMPPSession(connections);
    fresh.setTransactionTimer(timeoutMillis);
    try {
      fresh.connectAndBind(settings.host(), settings.port(), new BindParameter(BindType.BIND_TX, settings.systemId(),
          settings.password(), settings.systemType(), TypeOfNumber.UNKNOWN, NumberingPlanIndicator.UNKNOWN, null),
          timeoutMillis);
    } catch (IOException e) {
      fresh.close();
      throw bindFailure(e);
    }
    log.info("SMPP bound as transmitter to {} as {}", where(), settings.systemId());
    session = fresh;
    return fresh;
  }

  private SmsException bindFailure(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof NegativeResponseException n) {
        int status = n.getCommandStatus();
        String hint = status == SMPPConstant.STAT_ESME_RINVPASWD || status == SMPPConstant.STAT_ESME_RINVSYSID
            ? "; check " + SmsSenders.SMPP + ".system-id and .password" : "";
        return new SmsException(where() + " refused the bind of system-id \"" + settings.systemId() + "\": "
            + status(status) + hint, e);
      }
      if (t instanceof ResponseTimeoutException)
        return new SmsException("no bind response from " + where() + " within " + timeoutMillis + " ms", e);
      if (t instanceof ConnectException || t instanceof SocketTimeoutException || t instanceof UnknownHostException)
        return new SmsException("cannot connect to " + where() + ": " + t.getMessage(), e);
    }
    return new SmsException("bind to " + where() + " failed: " + e.getMessage(), e);
  }

  private static Connection connect(String host, int port, int timeoutMillis) throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(host, port), timeoutMillis);
      return new SocketConnection(socket);
    } catch (SocketTimeoutException e) {
      socket.close();
      throw new SocketTimeoutException("no TCP connection within " + timeoutMillis + " ms");
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private String where() {
    return "SMPP server " + settings.host() + ":" + settings.port();
  }

  private SmsException closedException() {
    return new SmsException("the SMS sender for " + where() + " is closed");
  }

  /** Unbinds and stops the thread; messages still queued fail. */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    executor.shutdown();
    try {
      if (!executor.awaitTermination(2L * timeoutMillis, TimeUnit.MILLISECONDS)) executor.shutdownNow();
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
    SMPPSession s = session;
    session = null;
    if (s != null) s.unbindAndClose();
  }

  @Override
  public String toString() {
    return "SmppSmsSender[" + settings + "]";
  }

  private static final Map<Integer, String> STATUS_NAMES = statusNames();

  /** jSMPP's names of the command_status values: ESME_RINVPASWD rather than 14. */
  private static Map<Integer, String> statusNames() {
    Map<Integer, String> names = new HashMap<>();
    for (Field f : SMPPConstant.class.getFields())
      if (f.getName().startsWith("STAT_") && f.getType() == int.class && Modifier.isStatic(f.getModifiers())) {
        try {
          names.putIfAbsent(f.getInt(null), f.getName().substring("STAT_".length()));
        } catch (IllegalAccessException e) {
          // public constants of an interface: cannot happen
        }
      }
    return Collections.unmodifiableMap(names);
  }

  static String status(int commandStatus) {
    return STATUS_NAMES.getOrDefault(commandStatus, "command_status") + String.format(" (0x%08x)", commandStatus);
  }
}
