package io.switchboard.sip.gateway;

import gov.nist.javax.sip.stack.SIPDialog;
import gov.nist.javax.sip.stack.SIPServerTransaction;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TooManyListenersException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.DialogTerminatedEvent;
import javax.sip.IOExceptionEvent;
import javax.sip.InvalidArgumentException;
import javax.sip.ListeningPoint;
import javax.sip.PeerUnavailableException;
import javax.sip.RequestEvent;
import javax.sip.ResponseEvent;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TimeoutEvent;
import javax.sip.TransactionAlreadyExistsException;
import javax.sip.TransactionTerminatedEvent;
import javax.sip.address.Address;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.AllowHeader;
import javax.sip.header.CSeqHeader;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ContactHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.FromHeader;
import javax.sip.header.HeaderFactory;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.MessageFactory;
import javax.sip.message.Request;
import javax.sip.message.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SIP stack (JAIN-SIP RI): its listening points on UDP and TCP, its factories, and the few
 * things done on the stack's own threads before an event is handed on. Transactions, their
 * retransmissions and timers (RFC 3261 §17) and the 2xx retransmission until ACK are the
 * stack's; everything a call decides is done by the gateway's actors.
 */
public final class SipEndpoint implements SipListener, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SipEndpoint.class);

  static final String ALLOW = "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, REGISTER";

  /** A request, with the server transaction the stack created for it (null for ACK). */
  public record Incoming(Request request, ServerTransaction transaction, Dialog dialog, String transport,
      String sourceHost, int sourcePort) {}

  public record Answered(ResponseEvent event) {}

  public record TimedOut(ClientTransaction transaction) {}

  /** A dialog the stack ended on its own: most often a 200 never ACKed (RFC 3261 §13.3.1.4). */
  public record DialogEnded(Dialog dialog) {}

  private final SipSettings settings;
  private final SipStack stack;
  private final SipProvider provider;
  final MessageFactory messages;
  final HeaderFactory headers;
  final AddressFactory addresses;
  private final List<ListeningPoint> points = new ArrayList<>();
  private volatile Consumer<Object> sink = e -> {};

  public SipEndpoint(SipSettings settings) throws PeerUnavailableException, TooManyListenersException,
      javax.sip.TransportNotSupportedException, InvalidArgumentException, javax.sip.ObjectInUseException,
      javax.sip.TransportAlreadySupportedException {
    this.settings = settings;
    SipFactory factory = SipFactory.getInstance();
    factory.setPathName("gov.nist");
    Properties p = new Properties();
    p.setProperty("javax.sip.STACK_NAME", "switchboard-" + settings.port());
    // No IP_ADDRESS: the factory would hand back an existing stack of the same address.
    p.setProperty("gov.nist.javax.sip.STACK_LOGGER", StackLog.class.getName());
    p.setProperty("gov.nist.javax.sip.SERVER_LOGGER", StackLog.Messages.class.getName());
    p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "0");
    p.setProperty("gov.nist.javax.sip.LOG_MESSAGE_CONTENT", "false");
    p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", Integer.toString(settings.stackThreads()));
    p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
    // The stack's own caps drop requests at random (server) or block the sender (client) when
    // reached; completed transactions linger 32 s. Overload is the gateway's to refuse, with 503.
    p.setProperty("gov.nist.javax.sip.MAX_SERVER_TRANSACTIONS", "1000000");
    p.setProperty("gov.nist.javax.sip.MAX_CLIENT_TRANSACTIONS", "1000000");
    p.setProperty("gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY", "gov.nist.javax.sip.stack.NioMessageProcessorFactory");
    p.setProperty("gov.nist.javax.sip.CACHE_CLIENT_CONNECTIONS", "true");
    stack = factory.createSipStack(p);
    messages = factory.createMessageFactory();
    headers = factory.createHeaderFactory();
    addresses = factory.createAddressFactory();
    SipProvider first = null;
    for (String transport : settings.transports()) {
      ListeningPoint lp = stack.createListeningPoint(settings.host(), settings.port(), transport);
      points.add(lp);
      if (first == null) first = stack.createSipProvider(lp);
      else first.addListeningPoint(lp);
    }
    provider = first;
    provider.addSipListener(this);
    provider.setAutomaticDialogSupportEnabled(true);
    LOG.info("SIP gateway listening on {}:{} ({})", settings.host(), settings.port(), settings.transports());
  }

  /** Where events go from now on (the gateway actor). */
  void deliverTo(Consumer<Object> target) {
    sink = target;
  }

  public int port() {
    return settings.port();
  }

  // ---------------------------------------------------------------- the stack's callbacks

  @Override
  public void processRequest(RequestEvent e) {
    Request request = e.getRequest();
    String method = request.getMethod();
    ServerTransaction st = e.getServerTransaction();
    try {
      if (st == null && !Request.ACK.equals(method)) st = provider.getNewServerTransaction(request);
      // Answered here, on the stack's thread, so the caller stops resending however busy the
      // node is (RFC 3261 §17.2.1: a 100 within 200 ms).
      if (Request.INVITE.equals(method) && st != null && st.getDialog() != null
          && st.getDialog().getState() == null)
        st.sendResponse(messages.createResponse(Response.TRYING, request));
    } catch (TransactionAlreadyExistsException retransmission) {
      return;
    } catch (SipException | InvalidArgumentException | ParseException ex) {
      LOG.debug("no transaction for {}: {}", method, ex.getMessage());
      if (!Request.ACK.equals(method))
        statelessReply(request, Request.INVITE.equals(method) ? Response.SERVICE_UNAVAILABLE : Response.SERVER_INTERNAL_ERROR);
      return;
    }
    String transport = viaTransport(request);
    sink.accept(new Incoming(request, st, e.getDialog() != null ? e.getDialog() : st != null ? st.getDialog() : null,
        transport, sourceHost(e), sourcePort(e)));
  }

  @Override
  public void processResponse(ResponseEvent e) {
    sink.accept(new Answered(e));
  }

  @Override
  public void processTimeout(TimeoutEvent e) {
    if (!e.isServerTransaction()) sink.accept(new TimedOut(e.getClientTransaction()));
  }

  @Override
  public void processIOException(IOExceptionEvent e) {
    LOG.debug("SIP I/O error towards {}:{} ({})", e.getHost(), e.getPort(), e.getTransport());
  }

  @Override
  public void processTransactionTerminated(TransactionTerminatedEvent e) {}

  @Override
  public void processDialogTerminated(DialogTerminatedEvent e) {
    sink.accept(new DialogEnded(e.getDialog()));
  }

  private static String sourceHost(RequestEvent e) {
    return e instanceof gov.nist.javax.sip.RequestEventExt x ? x.getRemoteIpAddress() : null;
  }

  private static int sourcePort(RequestEvent e) {
    return e instanceof gov.nist.javax.sip.RequestEventExt x ? x.getRemotePort() : 0;
  }

  private static String viaTransport(Request request) {
    ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
    return via == null ? "udp" : via.getTransport().toLowerCase(java.util.Locale.ROOT);
  }

  // ---------------------------------------------------------------- sending

  /** What a caller adds to a response before it goes (headers, body). */
  interface Shape {
    void apply(Response response) throws Exception;
  }

  /** A final or provisional answer to a request within its transaction; false if it could not go. */
  boolean reply(ServerTransaction st, Request request, int code, Shape shape) {
    if (st == null) return false;
    try {
      Response r = messages.createResponse(code, request);
      if (code > 100) {
        ToHeader to = (ToHeader) r.getHeader(ToHeader.NAME);
        if (to.getTag() == null) to.setTag(dialogTag(st));
      }
      if (shape != null) shape.apply(r);
      st.sendResponse(r);
      return true;
    } catch (Exception ex) {
      LOG.debug("could not answer {} with {}: {}", request.getMethod(), code, ex.toString());
      return false;
    }
  }

  boolean reply(ServerTransaction st, Request request, int code) {
    return reply(st, request, code, null);
  }

  /** One local tag per dialog, the same on every response of it. */
  private String dialogTag(ServerTransaction st) {
    Dialog d = st.getDialog();
    if (d != null && d.getLocalTag() != null) return d.getLocalTag();
    return Long.toHexString(ThreadLocalRandom.current().nextLong());
  }

  void statelessReply(Request request, int code) {
    try {
      Response r = messages.createResponse(code, request);
      ToHeader to = (ToHeader) r.getHeader(ToHeader.NAME);
      if (to != null && to.getTag() == null) to.setTag(Long.toHexString(ThreadLocalRandom.current().nextLong()));
      provider.sendResponse(r);
    } catch (Exception ex) {
      LOG.debug("could not answer {} with {}: {}", request.getMethod(), code, ex.toString());
    }
  }

  ContactHeader contact(String transport) {
    try {
      SipURI uri = addresses.createSipURI("switchboard", settings.publicHost());
      uri.setPort(settings.port());
      if (!"udp".equals(transport)) uri.setTransportParam(transport);
      return headers.createContactHeader(addresses.createAddress(uri));
    } catch (ParseException ex) {
      throw new IllegalStateException(ex);
    }
  }

  AllowHeader[] allow() {
    try {
      List<AllowHeader> list = new ArrayList<>();
      for (String m : ALLOW.split(", ")) list.add(headers.createAllowHeader(m));
      return list.toArray(AllowHeader[]::new);
    } catch (ParseException ex) {
      throw new IllegalStateException(ex);
    }
  }

  ContentTypeHeader sdpType() {
    try {
      return headers.createContentTypeHeader("application", "sdp");
    } catch (ParseException ex) {
      throw new IllegalStateException(ex);
    }
  }

  /**
   * A new INVITE out of the gateway (an agent's phone): its own Call-ID, From the caller's
   * number so the phone shows who calls.
   */
  ClientTransaction invite(URI target, String callerNumber, String callerName, String sdp,
      Consumer<String> beforeSending) throws ParseException, InvalidArgumentException, SipException {
    String transport = target instanceof SipURI s && s.getTransportParam() != null
        ? s.getTransportParam().toLowerCase(java.util.Locale.ROOT) : "udp";
    if (!settings.transports().contains(transport)) transport = settings.transports().get(0);
    SipURI fromUri = addresses.createSipURI(callerNumber, settings.publicHost());
    Address fromAddress = addresses.createAddress(fromUri);
    if (callerName != null) fromAddress.setDisplayName(callerName);
    FromHeader from = headers.createFromHeader(fromAddress, Long.toHexString(ThreadLocalRandom.current().nextLong()));
    ToHeader to = headers.createToHeader(addresses.createAddress(target), null);
    CallIdHeader callId = provider.getNewCallId();
    CSeqHeader cseq = headers.createCSeqHeader(1L, Request.INVITE);
    MaxForwardsHeader maxForwards = headers.createMaxForwardsHeader(70);
    ViaHeader via = headers.createViaHeader(settings.publicHost(), settings.port(), transport, null);
    Request invite = messages.createRequest(target, Request.INVITE, callId, cseq, from, to, List.of(via), maxForwards,
        sdpType(), sdp.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    invite.addHeader(contact(transport));
    ClientTransaction ct = provider.getNewClientTransaction(invite);
    // The answer can be back before this returns: whoever takes it must know the Call-ID first.
    beforeSending.accept(callId.getCallId());
    ct.sendRequest();
    return ct;
  }

  /** A request within an established dialog (BYE, re-INVITE). */
  void sendInDialog(Dialog dialog, String method) {
    if (dialog == null) return;
    try {
      Request r = dialog.createRequest(method);
      ClientTransaction ct = provider.getNewClientTransaction(r);
      dialog.sendRequest(ct);
    } catch (Exception ex) {
      LOG.debug("could not send {} in dialog {}: {}", method, dialog.getDialogId(), ex.toString());
    }
  }

  /**
   * Makes the stack count an ACK to one of our 2xx that it let through without counting. JAIN-SIP
   * RI 1.3.0-91 puts a 2xx to INVITE on the wire (SIPServerTransactionImpl.sendResponse) before
   * it starts the dialog's timer that resends it until the ACK, and the dialog finds the INVITE
   * transaction an ACK answers only through that timer (SIPDialog.getInviteTransaction). An ACK
   * handled by the stack's thread in between is passed on to us but not recorded
   * (SIPDialog.ackReceived: "tr is null"), and the timer resends the 200 at T1 until a second
   * ACK: 2-10 % of the callers that ACK at once. The ACK reaches the call's actor after the send
   * on that actor returned, so after the timer started: the dialog's own ACK handling, run again,
   * now finds the transaction, records the ACK and stops the timer (one resend still goes if the
   * actor sees the ACK only after T1). An ACK the dialog counted already, or one for another
   * transaction, changes nothing.
   */
  void countAck(Incoming ack) {
    if (!(ack.dialog() instanceof SIPDialog dialog)) return;
    try {
      if (dialog.getLastResponseStatusCode() == null || dialog.isAckSeen()) return;
      SIPServerTransaction invite = dialog.getInviteTransaction();
      long cseq = ((CSeqHeader) ack.request().getHeader(CSeqHeader.NAME)).getSeqNumber();
      if (invite != null && invite.getCSeq() == cseq && dialog.handleAck(invite))
        LOG.debug("ACK of dialog {} counted after the stack missed it", dialog.getDialogId());
    } catch (RuntimeException ex) {
      // The stack's internals, not its API: at worst the 200 is resent once, as without this.
      LOG.debug("could not count the ACK of dialog {}: {}", dialog.getDialogId(), ex.toString());
    }
  }

  void ack(ResponseEvent e) {
    try {
      Dialog d = e.getDialog() != null ? e.getDialog() : e.getClientTransaction().getDialog();
      long cseq = ((CSeqHeader) e.getResponse().getHeader(CSeqHeader.NAME)).getSeqNumber();
      d.sendAck(d.createAck(cseq));
    } catch (Exception ex) {
      LOG.debug("could not ACK: {}", ex.toString());
    }
  }

  void cancel(ClientTransaction invite) {
    try {
      Request cancel = invite.createCancel();
      provider.getNewClientTransaction(cancel).sendRequest();
    } catch (Exception ex) {
      LOG.debug("could not CANCEL: {}", ex.toString());
    }
  }

  URI parseUri(String uri) throws ParseException {
    return addresses.createURI(uri);
  }

  @Override
  public void close() {
    try {
      provider.removeSipListener(this);
      for (ListeningPoint lp : points) {
        try {
          stack.deleteListeningPoint(lp);
        } catch (Exception ignored) {
          // the stack is going anyway
        }
      }
      stack.deleteSipProvider(provider);
    } catch (Exception ex) {
      LOG.debug("closing the SIP provider: {}", ex.toString());
    }
    stack.stop();
  }
}
