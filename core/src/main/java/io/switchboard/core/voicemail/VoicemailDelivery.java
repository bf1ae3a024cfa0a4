package io.switchboard.core.voicemail;

import java.util.concurrent.CompletionStage;

/**
 * The port that sends a voicemail to its mailbox (e-mail in production, a recording double in
 * tests). The stage completes when the message has left and fails when it surely has not; the
 * adapter keeps what it could not send.
 */
public interface VoicemailDelivery {
  CompletionStage<Void> deliver(Voicemail voicemail);
}
