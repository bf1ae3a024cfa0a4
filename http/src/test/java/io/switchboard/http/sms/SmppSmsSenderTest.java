package io.switchboard.http.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.core.message.SmsException;
import io.switchboard.core.message.SmsMessage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.jsmpp.bean.BindType;
import org.jsmpp.bean.NumberingPlanIndicator;
import org.jsmpp.bean.SubmitSm;
import org.jsmpp.bean.TypeOfNumber;
import org.jsmpp.session.SMPPServerSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SmppSmsSender against a real SMPP server (jSMPP's server side), on the loopback. */
class SmppSmsSenderTest {

  private static final String TO = "+46701234567";

  private TestSmsc smsc;
  private final List<SmppSmsSender> senders = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    smsc = new TestSmsc("switchboard", "secret1");
  }

  @AfterEach
  void stop() throws IOException {
    senders.forEach(SmppSmsSender::close);
    smsc.close();
  }

  private SmppSmsSender sender(String password, String from) {
    return sender(smsc.port, password, from, Duration.ofSeconds(3));
  }

  private SmppSmsSender sender(int port, String password, String from, Duration timeout) {
    SmppSmsSender s = new SmppSmsSender(new SmppSmsSender.Settings("127.0.0.1", port, "switchboard", password, "cc",
        from, timeout));
    senders.add(s);
    return s;
  }

  private static String sent(SmppSmsSender sender, String to, String text) throws Exception {
    return sender.send(new SmsMessage(to, text)).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** The failure of a send, which must come within 10 s. */
  private static Throwable failure(SmppSmsSender sender, String text) throws Exception {
    CompletableFuture<String> f = sender.send(new SmsMessage(TO, text)).toCompletableFuture();
    try {
      String id = f.get(10, TimeUnit.SECONDS);
      throw new AssertionError("sent as " + id + ", expected a failure");
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  private static byte[] udh(SubmitSm pdu) {
    return Arrays.copyOf(pdu.getShortMessage(), 6);
  }

  private static byte[] body(SubmitSm pdu) {
    byte[] sm = pdu.getShortMessage();
    return pdu.isUdhi() ? Arrays.copyOfRange(sm, 6, sm.length) : sm;
  }

  @Test
  void shortGsmTextWithAlphanumericSender() throws Exception {
    String text = "Call Anna @ 555, £5 {ref} ~€ [ok]\nThanks";
    String id = sent(sender("secret1", "Switchboard"), TO, text);

    assertThat(id).isEqualTo("m1");
    assertThat(smsc.binds).containsExactly(new TestSmsc.Bind("switchboard", "cc", BindType.BIND_TX, true));
    assertThat(smsc.submitted).hasSize(1);
    SubmitSm pdu = smsc.submitted.get(0);
    assertThat(pdu.getDestAddress()).isEqualTo("46701234567");
    assertThat(pdu.getDestAddrTon()).isEqualTo(TypeOfNumber.INTERNATIONAL.value());
    assertThat(pdu.getDestAddrNpi()).isEqualTo(NumberingPlanIndicator.ISDN.value());
    assertThat(pdu.getSourceAddr()).isEqualTo("Switchboard");
    assertThat(pdu.getSourceAddrTon()).isEqualTo(TypeOfNumber.ALPHANUMERIC.value());
    assertThat(pdu.getSourceAddrNpi()).isEqualTo(NumberingPlanIndicator.UNKNOWN.value());
    assertThat(pdu.getDataCoding()).isEqualTo((byte) 0x00);
    assertThat(pdu.isUdhi()).isFalse();
    assertThat(pdu.getOptionalParameters()).isNullOrEmpty();
    // GSM 03.38 by hand: letters as in ASCII, '@' is 0x00, '£' 0x01, the extension table after escape 0x1B.
    byte[] sm = pdu.getShortMessage();
    assertThat(Arrays.copyOf(sm, 12)).isEqualTo("Call Anna \0 ".getBytes(StandardCharsets.US_ASCII));
    assertThat(Arrays.copyOfRange(sm, 17, 19)).containsExactly(0x01, '5');
    assertThat(Arrays.copyOfRange(sm, 20, 22)).containsExactly(0x1B, 0x28);
    assertThat(Gsm7.decode(sm, 0, sm.length)).isEqualTo(text);
  }

  @Test
  void numberSenderIsInternationalIsdnWithoutPlus() throws Exception {
    sent(sender("secret1", "+46812345678"), "+15550100199", "Hi");

    SubmitSm pdu = smsc.submitted.get(0);
    assertThat(pdu.getSourceAddr()).isEqualTo("46812345678");
    assertThat(pdu.getSourceAddrTon()).isEqualTo(TypeOfNumber.INTERNATIONAL.value());
    assertThat(pdu.getSourceAddrNpi()).isEqualTo(NumberingPlanIndicator.ISDN.value());
    assertThat(pdu.getDestAddress()).isEqualTo("15550100199");
  }

  @Test
  void longGsmTextGoesAsConcatenatedPartsThatReassemble() throws Exception {
    StringBuilder b = new StringBuilder();
    for (int i = 0; b.length() < 300; i++) b.append("Message ").append(i).append(" for Anna. ");
    String text = b.substring(0, 300);

    String id = sent(sender("secret1", "Switchboard"), TO, text);

    assertThat(id).isEqualTo("m1,m2");
    assertThat(smsc.submitted).hasSize(2);
    byte reference = udh(smsc.submitted.get(0))[3];
    StringBuilder reassembled = new StringBuilder();
    for (int i = 0; i < 2; i++) {
      SubmitSm pdu = smsc.submitted.get(i);
      assertThat(pdu.isUdhi()).isTrue();
      assertThat(pdu.getDataCoding()).isEqualTo((byte) 0x00);
      assertThat(udh(pdu)).containsExactly(0x05, 0x00, 0x03, reference, 2, i + 1);
      byte[] septets = body(pdu);
      assertThat(septets.length).isLessThanOrEqualTo(153);
      reassembled.append(Gsm7.decode(septets, 0, septets.length));
    }
    assertThat(body(smsc.submitted.get(0))).hasSize(153);
    assertThat(reassembled.toString()).isEqualTo(text);
  }

  @Test
  void anEscapedCharacterIsNeverSplitAcrossParts() throws Exception {
    // 100 euro signs are 200 septets: 76 (152 septets) fit in the first part, not 76.5.
    String text = "€".repeat(100);
    SmppSmsSender sender = sender("secret1", "Switchboard");
    assertThat(sent(sender, TO, "€".repeat(80))).isEqualTo("m1");
    assertThat(smsc.submitted.get(0).isUdhi()).as("160 septets still fit one SMS").isFalse();

    assertThat(sent(sender, TO, text)).isEqualTo("m2,m3");
    byte[] first = body(smsc.submitted.get(1));
    byte[] second = body(smsc.submitted.get(2));
    assertThat(first).hasSize(152);
    assertThat(first[first.length - 1]).isNotEqualTo((byte) 0x1B);
    assertThat(Gsm7.decode(first, 0, first.length) + Gsm7.decode(second, 0, second.length)).isEqualTo(text);
    assertThat(udh(smsc.submitted.get(2))).containsExactly(0x05, 0x00, 0x03, udh(smsc.submitted.get(1))[3], 2, 2);
  }

  @Test
  void nonGsmTextGoesAsUcs2() throws Exception {
    String text = "Ångström – 東京";
    sent(sender("secret1", "Switchboard"), TO, text);

    SubmitSm pdu = smsc.submitted.get(0);
    assertThat(pdu.getDataCoding()).isEqualTo((byte) 0x08);
    assertThat(pdu.isUdhi()).isFalse();
    assertThat(new String(pdu.getShortMessage(), StandardCharsets.UTF_16BE)).isEqualTo(text);
  }

  @Test
  void longUcs2TextGoesInPartsWithoutSplittingASurrogatePair() throws Exception {
    // 66 CJK characters, then an emoji (two UTF-16 units) across the 67-unit boundary, then more.
    String text = "東".repeat(66) + "😀" + "京".repeat(80);

    String id = sent(sender("secret1", "Switchboard"), TO, text);

    assertThat(id).isEqualTo("m1,m2,m3");
    StringBuilder reassembled = new StringBuilder();
    for (SubmitSm pdu : smsc.submitted) {
      assertThat(pdu.getDataCoding()).isEqualTo((byte) 0x08);
      assertThat(pdu.isUdhi()).isTrue();
      assertThat(body(pdu).length).isLessThanOrEqualTo(134);
      reassembled.append(new String(body(pdu), StandardCharsets.UTF_16BE));
    }
    assertThat(body(smsc.submitted.get(0))).hasSize(132);
    assertThat(reassembled.toString()).isEqualTo(text);
  }

  @Test
  void wrongPasswordFailsClearlyWithoutShowingIt() throws Exception {
    Throwable t = failure(sender("wrong12", "Switchboard"), "Hi");

    assertThat(t).isInstanceOf(SmsException.class)
        .hasMessageContaining("refused the bind of system-id \"switchboard\"")
        .hasMessageContaining("ESME_RINVPASWD")
        .hasMessageContaining("switchboard.sms.smpp.system-id and .password")
        .hasMessageNotContaining("wrong12");
    assertThat(smsc.binds).extracting(TestSmsc.Bind::accepted).containsExactly(false);
    assertThat(smsc.submitted).isEmpty();
  }

  @Test
  void refusedSubmitNamesTheStatus() throws Exception {
    smsc.refuse.add("46701234567");
    Throwable t = failure(sender("secret1", "Switchboard"), "Hi");
    assertThat(t).isInstanceOf(SmsException.class)
        .hasMessageContaining("refused the submit_sm")
        .hasMessageContaining("ESME_RINVDSTADR (0x0000000b)");
  }

  @Test
  void rebindsAfterTheServerUnbinds() throws Exception {
    SmppSmsSender sender = sender("secret1", "Switchboard");
    assertThat(sent(sender, TO, "one")).isEqualTo("m1");
    assertThat(sender.bound()).isTrue();

    SMPPServerSession session = smsc.bound().get(0);
    session.unbindAndClose();
    awaitUnbound(sender);

    assertThat(sent(sender, TO, "two")).isEqualTo("m2");
    assertThat(smsc.binds).hasSize(2);
    assertThat(sender.bound()).isTrue();
  }

  @Test
  void rebindsAfterTheServerDropsTheConnection() throws Exception {
    SmppSmsSender sender = sender("secret1", "Switchboard");
    sent(sender, TO, "one");

    smsc.bound().get(0).close();
    awaitUnbound(sender);

    assertThat(sent(sender, TO, "two")).isEqualTo("m2");
    assertThat(smsc.binds).hasSize(2);
  }

  /** The sender notices a closed session from its reader thread, within milliseconds. */
  private static void awaitUnbound(SmppSmsSender sender) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (sender.bound()) {
      if (System.nanoTime() > deadline) throw new AssertionError("the sender still thinks it is bound");
      Thread.sleep(10);
    }
  }

  @Test
  void serverDownFailsAtOnce() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    long start = System.nanoTime();
    Throwable t = failure(sender(closedPort, "secret1", "Switchboard", Duration.ofSeconds(3)), "Hi");

    assertThat(t).isInstanceOf(SmsException.class)
        .hasMessageContaining("cannot connect to SMPP server 127.0.0.1:" + closedPort);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void silentServerFailsWithinTheTimeoutWithoutBlockingTheCaller() throws Exception {
    // Takes the TCP connection and never answers the bind.
    try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      List<Socket> accepted = new ArrayList<>();
      Thread acceptor = new Thread(() -> {
        try {
          while (true) accepted.add(silent.accept());
        } catch (IOException e) {
          // closed at the end of the test
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      SmppSmsSender sender = sender(silent.getLocalPort(), "secret1", "Switchboard", Duration.ofMillis(1500));

      long start = System.nanoTime();
      CompletableFuture<String> f = sender.send(new SmsMessage(TO, "Hi")).toCompletableFuture();
      // A send that waited for the bind would come back failed: not done means it did not block.
      assertThat(f).isNotDone();

      assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(SmsException.class)
          .hasMessageContaining("no bind response from SMPP server 127.0.0.1:" + silent.getLocalPort())
          .hasMessageContaining("1500 ms");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
      for (Socket s : accepted) s.close();
    }
  }

  @Test
  void afterCloseSendsFail() throws Exception {
    SmppSmsSender sender = sender("secret1", "Switchboard");
    sent(sender, TO, "one");
    sender.close();
    assertThat(failure(sender, "two")).isInstanceOf(SmsException.class).hasMessageContaining("is closed");
    assertThat(sender.bound()).isFalse();
  }

  @Test
  void settingsCheckTheirValuesAndHideThePassword() {
    SmppSmsSender.Settings s = new SmppSmsSender.Settings("smsc.example.com", 2775, "switchboard", "secret1", "",
        "Switchboard", Duration.ofSeconds(10));
    assertThat(s.toString()).contains("switchboard@smsc.example.com:2775").doesNotContain("secret1");

    assertThatThrownBy(() -> new SmppSmsSender.Settings("h", 2775, "switchboard", "toolongpw", "", "Switchboard",
        Duration.ofSeconds(1)))
        .hasMessageStartingWith("switchboard.sms.smpp.password must have at most 8 characters")
        .hasMessageNotContaining("toolongpw");
    assertThatThrownBy(() -> new SmppSmsSender.Settings("h", 2775, "", "", "", "Switchboard", Duration.ofSeconds(1)))
        .hasMessageStartingWith("switchboard.sms.smpp.system-id");
    assertThatThrownBy(() -> new SmppSmsSender.Settings("h", 0, "s", "", "", "Switchboard", Duration.ofSeconds(1)))
        .hasMessageStartingWith("switchboard.sms.smpp.port");
    assertThatThrownBy(() -> new SmppSmsSender.Settings("h", 2775, "s", "", "", "Switchboard Ltd",
        Duration.ofSeconds(1)))
        .hasMessageStartingWith("switchboard.sms.from");
    assertThatThrownBy(() -> new SmppSmsSender.Settings("h", 2775, "s", "", "", "Sb", Duration.ZERO))
        .hasMessageStartingWith("switchboard.sms.smpp.timeout");
  }

}
