package io.switchboard.http.report;

import io.switchboard.core.report.ReportPeriod;
import io.switchboard.core.report.ReportSubscription;

/**
 * Turns one period of a subscription into the mail's content, from the statistics read side.
 * Called on a blocking thread; it may query the database. An exception fails the delivery,
 * which the scheduler retries later.
 */
public interface ReportRenderer {
  RenderedReport render(ReportSubscription subscription, ReportPeriod period);
}
