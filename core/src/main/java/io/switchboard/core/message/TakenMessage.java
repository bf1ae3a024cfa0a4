package io.switchboard.core.message;

import io.switchboard.core.CborSerializable;
import io.switchboard.core.call.CallId;
import io.switchboard.core.company.ContactId;
import io.switchboard.core.directory.AnsweringPointId;
import io.switchboard.core.directory.CompanyId;
import java.time.Instant;
import java.util.Set;

/**
 * A message as it was taken: the note, for whom (a contact, or the company itself when
 * {@code contact} is null), the addresses it goes to as they were at that moment, and who took
 * it during which call. Names are kept so the message reads the same after a rename.
 */
public record TakenMessage(
    MessageId id,
    AnsweringPointId answeringPoint,
    CompanyId company,
    String companyName,
    ContactId contact,
    String recipientName,
    String email,
    String mobile,
    Set<Channel> channels,
    CallNote note,
    CallId callId,
    String takenBy,
    Instant takenAt)
    implements CborSerializable {

  public TakenMessage {
    if (id == null || answeringPoint == null || company == null || note == null || takenAt == null)
      throw new IllegalArgumentException("a message needs its id, answering point, company, note and time");
    channels = channels == null ? Set.of() : Set.copyOf(channels);
    if (channels.isEmpty()) throw new IllegalArgumentException("channels must name email, sms or both");
    if (channels.contains(Channel.EMAIL) && email == null)
      throw new IllegalArgumentException("channels: " + (recipientName == null ? "the recipient" : recipientName)
          + " has no e-mail address");
    if (channels.contains(Channel.SMS) && mobile == null)
      throw new IllegalArgumentException("channels: " + (recipientName == null ? "the recipient" : recipientName)
          + " has no mobile number");
  }

  public String address(Channel channel) {
    return channel == Channel.EMAIL ? email : mobile;
  }
}
