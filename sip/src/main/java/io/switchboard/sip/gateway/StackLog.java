package io.switchboard.sip.gateway;

import gov.nist.core.ServerLogger;
import gov.nist.core.StackLogger;
import gov.nist.javax.sip.message.SIPMessage;
import java.util.Properties;
import javax.sip.SipStack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JAIN-SIP's logging sent to SLF4J. Without it the stack's default writer needs log4j 1.2 at run
 * time; with it, the stack's chatter is one more logger ({@code io.switchboard.sip.stack}) to set.
 */
public final class StackLog implements StackLogger {

  private static final Logger LOG = LoggerFactory.getLogger("io.switchboard.sip.stack");

  @Override public void logStackTrace() {}

  @Override public void logStackTrace(int traceLevel) {}

  @Override public int getLineCount() {
    return 0;
  }

  @Override public void logException(Throwable ex) {
    LOG.warn("SIP stack", ex);
  }

  @Override public void logDebug(String message) {
    LOG.debug(message);
  }

  @Override public void logDebug(String message, Exception ex) {
    LOG.debug(message, ex);
  }

  @Override public void logTrace(String message) {
    LOG.trace(message);
  }

  @Override public void logFatalError(String message) {
    LOG.error(message);
  }

  @Override public void logError(String message) {
    LOG.error(message);
  }

  @Override public boolean isLoggingEnabled() {
    return LOG.isInfoEnabled();
  }

  @Override public boolean isLoggingEnabled(int level) {
    return switch (level) {
      case TRACE_FATAL, TRACE_ERROR -> LOG.isErrorEnabled();
      case TRACE_WARN -> LOG.isWarnEnabled();
      case TRACE_INFO -> LOG.isInfoEnabled();
      case TRACE_DEBUG -> LOG.isDebugEnabled();
      case TRACE_TRACE -> LOG.isTraceEnabled();
      default -> false;
    };
  }

  @Override public void logError(String message, Exception ex) {
    LOG.error(message, ex);
  }

  @Override public void logWarning(String message) {
    LOG.warn(message);
  }

  @Override public void logInfo(String message) {
    LOG.info(message);
  }

  @Override public void disableLogging() {}

  @Override public void enableLogging() {}

  @Override public void setBuildTimeStamp(String buildTimeStamp) {}

  @Override public void setStackProperties(Properties stackProperties) {}

  @Override public String getLoggerName() {
    return LOG.getName();
  }

  /** Every message in and out, at TRACE on {@code io.switchboard.sip.messages}. */
  public static final class Messages implements ServerLogger {
    private static final Logger MSG = LoggerFactory.getLogger("io.switchboard.sip.messages");

    @Override public void closeLogFile() {}

    @Override public void logMessage(SIPMessage message, String from, String to, boolean sender, long time) {
      if (MSG.isTraceEnabled()) MSG.trace("{} {} -> {}\n{}", sender ? "sent" : "received", from, to, message);
    }

    @Override public void logMessage(SIPMessage message, String from, String to, String status, boolean sender,
        long time) {
      logMessage(message, from, to, sender, time);
    }

    @Override public void logMessage(SIPMessage message, String from, String to, String status, boolean sender) {
      logMessage(message, from, to, sender, 0);
    }

    @Override public void logException(Exception ex) {
      MSG.debug("SIP message", ex);
    }

    @Override public void setStackProperties(Properties stackProperties) {}

    @Override public void setSipStack(SipStack sipStack) {}
  }
}
