package io.switchboard.core.queue;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.switchboard.core.CborSerializable;

/**
 * What happens to a call a queue does not take: outside opening hours (ACD-8) or after the
 * maximum wait. The SIP gateway carries it out; the engine records it as the call's outcome.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ClosedAction.NightMessage.class, name = "night-message"),
  @JsonSubTypes.Type(value = ClosedAction.Forward.class, name = "forward"),
  @JsonSubTypes.Type(value = ClosedAction.Voicemail.class, name = "voicemail"),
  @JsonSubTypes.Type(value = ClosedAction.Reject.class, name = "reject")
})
public sealed interface ClosedAction extends CborSerializable {

  /** Play a prompt (the night message) and hang up. */
  record NightMessage(String prompt) implements ClosedAction {
    public NightMessage {
      if (prompt == null || prompt.isBlank())
        throw new IllegalArgumentException("closedAction.prompt is required for a night message");
    }
  }

  /** Forward the call to another number. */
  record Forward(String number) implements ClosedAction {
    public Forward {
      if (number == null || !number.matches("\\+?[0-9]{2,20}"))
        throw new IllegalArgumentException(
            "closedAction.number must be 2-20 digits, optionally starting with +, got " + number);
    }
  }

  /** Refuse the call unanswered (SIP 603 Decline): what a blocked advertiser gets by default. */
  record Reject() implements ClosedAction {}

  /** Let the caller leave a voicemail in the named mailbox. */
  record Voicemail(String mailbox) implements ClosedAction {
    public Voicemail {
      if (mailbox == null || mailbox.isBlank())
        throw new IllegalArgumentException("closedAction.mailbox is required for voicemail");
    }
  }
}
