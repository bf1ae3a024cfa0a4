package io.switchboard.core.voicemail;

import io.switchboard.core.call.CallId;
import java.time.Duration;
import java.time.Instant;

/**
 * A message a caller left (ACD-1, ACD-8): the recording as a WAV file (8 kHz, 16-bit mono) for
 * {@code mailbox}, which is an e-mail address or a mailbox name the delivery knows.
 */
public record Voicemail(CallId callId, String mailbox, String dialledNumber, String callerNumber, Instant at,
    Duration length, byte[] wav) {

  public Voicemail {
    if (mailbox == null || mailbox.isBlank()) throw new IllegalArgumentException("mailbox is required");
    if (wav == null || wav.length == 0) throw new IllegalArgumentException("wav is required");
  }
}
