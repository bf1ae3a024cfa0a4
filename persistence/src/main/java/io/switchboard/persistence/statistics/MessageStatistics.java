package io.switchboard.persistence.statistics;

import io.switchboard.core.message.Channel;
import io.switchboard.core.message.Message;
import io.switchboard.core.message.TakenMessage;
import io.switchboard.core.statistics.Intervals;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.ZoneId;
import java.util.Locale;

/**
 * Folds Message events into the read side (ANS-6, ANS-9): one {@code stat_message} row per
 * message with each channel's status, and the billing counters {@code messages_taken} (on the
 * day it was taken) and {@code sms_sent} (on the day the provider took it).
 */
final class MessageStatistics {
  private final ZoneId zone;
  private final Tally tally;

  MessageStatistics(ZoneId zone, Tally tally) {
    this.zone = zone;
    this.tally = tally;
  }

  void apply(Connection c, String messageId, Message.Event event) throws SQLException {
    if (event instanceof Message.MessageTaken e) {
      taken(c, e.message());
    } else if (event instanceof Message.ChannelSent e) {
      status(c, messageId, e.channel(), "sent", e.attempt(), null);
      if (e.channel() == Channel.SMS) {
        String point = answeringPoint(c, messageId);
        if (point != null) tally.addBilling(point, Intervals.day(e.at(), zone), "sms_sent", 1);
      }
    } else if (event instanceof Message.AttemptFailed e) {
      status(c, messageId, e.channel(), "retrying", e.attempt(), e.error());
    } else if (event instanceof Message.ChannelGivenUp e) {
      status(c, messageId, e.channel(), "failed", e.attempt(), e.error());
    }
  }

  private void taken(Connection c, TakenMessage m) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO stat_message (message_id, answering_point, company,"
        + " contact, recipient_name, call_id, caller_name, caller_number, caller_company, call_back, text, taken_by,"
        + " taken_at, email_to, email_status, sms_to, sms_status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, m.id().value());
      ps.setString(2, m.answeringPoint().value());
      ps.setString(3, m.company().value());
      setNullable(ps, 4, m.contact() == null ? null : m.contact().value());
      setNullable(ps, 5, m.recipientName());
      setNullable(ps, 6, m.callId() == null ? null : m.callId().value());
      setNullable(ps, 7, m.note().callerName());
      setNullable(ps, 8, m.note().callerNumber());
      setNullable(ps, 9, m.note().callerCompany());
      ps.setString(10, m.note().callBack().json());
      ps.setString(11, m.note().text());
      setNullable(ps, 12, m.takenBy());
      ps.setLong(13, m.takenAt().toEpochMilli());
      boolean email = m.channels().contains(Channel.EMAIL);
      boolean sms = m.channels().contains(Channel.SMS);
      setNullable(ps, 14, email ? m.email() : null);
      setNullable(ps, 15, email ? "pending" : null);
      setNullable(ps, 16, sms ? m.mobile() : null);
      setNullable(ps, 17, sms ? "pending" : null);
      ps.executeUpdate();
    }
    tally.addBilling(m.answeringPoint().value(), Intervals.day(m.takenAt(), zone), "messages_taken", 1);
  }

  private static void status(Connection c, String id, Channel channel, String status, int attempts, String error)
      throws SQLException {
    String ch = channel.name().toLowerCase(Locale.ROOT);
    try (PreparedStatement ps = c.prepareStatement("UPDATE stat_message SET " + ch + "_status = ?, " + ch
        + "_attempts = ?, last_error = COALESCE(?, last_error) WHERE message_id = ?")) {
      ps.setString(1, status);
      ps.setInt(2, attempts);
      setNullable(ps, 3, error);
      ps.setString(4, id);
      ps.executeUpdate();
    }
  }

  private static String answeringPoint(Connection c, String id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT answering_point FROM stat_message WHERE message_id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    }
  }

  private static void setNullable(PreparedStatement ps, int i, String v) throws SQLException {
    if (v == null) ps.setNull(i, Types.VARCHAR);
    else ps.setString(i, v);
  }
}
