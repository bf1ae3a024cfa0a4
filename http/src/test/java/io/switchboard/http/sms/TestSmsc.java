package io.switchboard.http.sms;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jsmpp.PDUStringException;
import org.jsmpp.SMPPConstant;
import org.jsmpp.bean.BroadcastSm;
import org.jsmpp.bean.CancelBroadcastSm;
import org.jsmpp.bean.CancelSm;
import org.jsmpp.bean.DataSm;
import org.jsmpp.bean.OptionalParameter;
import org.jsmpp.bean.QueryBroadcastSm;
import org.jsmpp.bean.QuerySm;
import org.jsmpp.bean.ReplaceSm;
import org.jsmpp.bean.SubmitMulti;
import org.jsmpp.bean.SubmitSm;
import org.jsmpp.extra.ProcessRequestException;
import org.jsmpp.session.BindRequest;
import org.jsmpp.session.BroadcastSmResult;
import org.jsmpp.session.DataSmResult;
import org.jsmpp.session.QueryBroadcastSmResult;
import org.jsmpp.session.QuerySmResult;
import org.jsmpp.session.SMPPServerSession;
import org.jsmpp.session.SMPPServerSessionListener;
import org.jsmpp.session.ServerMessageReceiverListener;
import org.jsmpp.session.Session;
import org.jsmpp.session.SubmitMultiResult;
import org.jsmpp.session.SubmitSmResult;
import org.jsmpp.session.connection.ServerConnection;
import org.jsmpp.session.connection.ServerConnectionFactory;
import org.jsmpp.session.connection.socket.ServerSocketConnection;
import org.jsmpp.util.MessageId;

/**
 * An SMSC for tests, on jSMPP's server side, listening on 127.0.0.1 and an ephemeral port: takes
 * binds with the right system id and password, records every submit_sm and answers with ids m1,
 * m2... A destination listed in {@link #refuse} gets ESME_RINVDSTADR instead.
 */
public final class TestSmsc implements AutoCloseable {

  record Bind(String systemId, String systemType, org.jsmpp.bean.BindType type, boolean accepted) {}

  public final String systemId;
  public final String password;
  public final int port;
  public final List<SubmitSm> submitted = new CopyOnWriteArrayList<>();
  final List<Bind> binds = new CopyOnWriteArrayList<>();
  final List<SMPPServerSession> sessions = new CopyOnWriteArrayList<>();
  public final List<String> refuse = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final SMPPServerSessionListener listener;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "test-smsc");
    t.setDaemon(true);
    return t;
  });
  private volatile boolean closed;

  public TestSmsc(String systemId, String password) throws IOException {
    this.systemId = systemId;
    this.password = password;
    AtomicReference<ServerSocket> socket = new AtomicReference<>();
    // jSMPP's own factory listens on every interface; tests stay on the loopback.
    ServerConnectionFactory loopback = new ServerConnectionFactory() {
      @Override
      public ServerConnection listen(int port) throws IOException {
        return listen(port, 0, 50);
      }

      @Override
      public ServerConnection listen(int port, int timeout) throws IOException {
        return listen(port, timeout, 50);
      }

      @Override
      public ServerConnection listen(int port, int timeout, int backlog) throws IOException {
        ServerSocket s = new ServerSocket();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), backlog);
        s.setSoTimeout(timeout);
        socket.set(s);
        return new ServerSocketConnection(s);
      }
    };
    listener = new SMPPServerSessionListener(0, loopback);
    port = socket.get().getLocalPort();
    listener.setMessageReceiverListener(new Receiver());
    threads.execute(this::acceptLoop);
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        SMPPServerSession session = listener.accept();
        sessions.add(session);
        threads.execute(() -> bind(session));
      } catch (IOException e) {
        if (!closed) e.printStackTrace();
        return;
      }
    }
  }

  private void bind(SMPPServerSession session) {
    try {
      BindRequest request = session.waitForBind(5_000);
      boolean ok = request.getSystemId().equals(systemId) && request.getPassword().equals(password);
      binds.add(new Bind(request.getSystemId(), request.getSystemType(), request.getBindType(), ok));
      if (ok) request.accept("testsmsc");
      else if (!request.getSystemId().equals(systemId)) request.reject(SMPPConstant.STAT_ESME_RINVSYSID);
      else request.reject(SMPPConstant.STAT_ESME_RINVPASWD);
    } catch (Exception e) {
      if (!closed) e.printStackTrace();
    }
  }

  /** Sessions the SMSC holds bound now. */
  List<SMPPServerSession> bound() {
    return sessions.stream().filter(s -> s.getSessionState().isBound()).toList();
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
    for (SMPPServerSession s : sessions) s.close();
    threads.shutdownNow();
  }

  private final class Receiver implements ServerMessageReceiverListener {
    @Override
    public SubmitSmResult onAcceptSubmitSm(SubmitSm submitSm, SMPPServerSession source)
        throws ProcessRequestException {
      if (refuse.contains(submitSm.getDestAddress()))
        throw new ProcessRequestException("no such subscriber", SMPPConstant.STAT_ESME_RINVDSTADR);
      submitted.add(submitSm);
      try {
        return new SubmitSmResult(new MessageId("m" + ids.incrementAndGet()), new OptionalParameter[0]);
      } catch (PDUStringException e) {
        throw new ProcessRequestException(e.getMessage(), SMPPConstant.STAT_ESME_RSYSERR, e);
      }
    }

    @Override
    public SubmitMultiResult onAcceptSubmitMulti(SubmitMulti submitMulti, SMPPServerSession source)
        throws ProcessRequestException {
      throw unsupported();
    }

    @Override
    public QuerySmResult onAcceptQuerySm(QuerySm querySm, SMPPServerSession source) throws ProcessRequestException {
      throw unsupported();
    }

    @Override
    public void onAcceptReplaceSm(ReplaceSm replaceSm, SMPPServerSession source) throws ProcessRequestException {
      throw unsupported();
    }

    @Override
    public void onAcceptCancelSm(CancelSm cancelSm, SMPPServerSession source) throws ProcessRequestException {
      throw unsupported();
    }

    @Override
    public BroadcastSmResult onAcceptBroadcastSm(BroadcastSm broadcastSm, SMPPServerSession source)
        throws ProcessRequestException {
      throw unsupported();
    }

    @Override
    public void onAcceptCancelBroadcastSm(CancelBroadcastSm cancelBroadcastSm, SMPPServerSession source)
        throws ProcessRequestException {
      throw unsupported();
    }

    @Override
    public QueryBroadcastSmResult onAcceptQueryBroadcastSm(QueryBroadcastSm queryBroadcastSm,
        SMPPServerSession source) throws ProcessRequestException {
      throw unsupported();
    }

    @Override
    public DataSmResult onAcceptDataSm(DataSm dataSm, Session source) throws ProcessRequestException {
      throw unsupported();
    }

    private ProcessRequestException unsupported() {
      return new ProcessRequestException("not supported by the test SMSC", SMPPConstant.STAT_ESME_RINVCMDID);
    }
  }
}
