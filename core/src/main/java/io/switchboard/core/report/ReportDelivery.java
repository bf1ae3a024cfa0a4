package io.switchboard.core.report;

import java.util.concurrent.CompletionStage;

/**
 * The port that renders and sends one period of a subscription (e-mail in production, a
 * recording double in tests). The stage completes when the report has left; it fails when it
 * surely has not, so the scheduler may try again.
 */
public interface ReportDelivery {
  CompletionStage<Void> deliver(ReportSubscription subscription, ReportPeriod period);
}
