package io.switchboard.core.message;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** How a taken message reads in an e-mail and in an SMS (ANS-6): the same facts, the SMS shorter. */
public final class MessageText {

  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
  /** Three SMS parts of GSM text: longer notes are cut with an ellipsis, the e-mail has them whole. */
  public static final int SMS_LIMIT = 459;

  private MessageText() {}

  public static String subject(TakenMessage m) {
    CallNote n = m.note();
    return "Message for " + (m.recipientName() == null ? m.companyName() : m.recipientName()) + " from "
        + caller(n) + (n.callBack() == CallNote.CallBack.CALL_BACK ? " (please call back)" : "");
  }

  public static String email(TakenMessage m, ZoneId zone) {
    CallNote n = m.note();
    StringBuilder b = new StringBuilder();
    b.append("Message for ").append(m.recipientName() == null ? m.companyName() : m.recipientName())
        .append(", ").append(m.companyName()).append("\n\n");
    line(b, "Caller", n.callerName());
    line(b, "Company", n.callerCompany());
    line(b, "Number", n.callerNumber());
    line(b, "Wants", wants(n.callBack()));
    line(b, "Taken", WHEN.format(m.takenAt().atZone(zone)) + (m.takenBy() == null ? "" : " by " + m.takenBy()));
    b.append("\n").append(n.text()).append("\n");
    return b.toString();
  }

  public static String sms(TakenMessage m, ZoneId zone) {
    CallNote n = m.note();
    String head = WHEN.format(m.takenAt().atZone(zone)).substring(11) + " " + caller(n)
        + (n.callerNumber() == null ? "" : " " + n.callerNumber()) + ", " + wants(n.callBack()).toLowerCase() + ": ";
    String text = head + n.text();
    return text.length() <= SMS_LIMIT ? text : text.substring(0, SMS_LIMIT - 1) + "…";
  }

  private static String caller(CallNote n) {
    if (n.callerName() != null) return n.callerName() + (n.callerCompany() == null ? "" : " (" + n.callerCompany() + ")");
    return n.callerNumber() == null ? "an unknown caller" : n.callerNumber();
  }

  private static String wants(CallNote.CallBack c) {
    return switch (c) {
      case CALL_BACK -> "Please call back";
      case WILL_CALL_AGAIN -> "Will call again";
      case FOR_INFORMATION -> "For your information";
    };
  }

  private static void line(StringBuilder b, String label, String value) {
    if (value != null) b.append(label).append(": ").append(value).append('\n');
  }
}
