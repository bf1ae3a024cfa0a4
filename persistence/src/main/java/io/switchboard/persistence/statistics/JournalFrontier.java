package io.switchboard.persistence.statistics;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;

/**
 * The highest journal ordering below which every event is visible: readers may go up to it and
 * never skip an event that commits late. Orderings are taken when a write starts and become
 * visible when it commits, so a younger write can show before an older one; the gap it leaves
 * is waited for. A gap that stays longer than {@code gapTimeout} is a number no write will ever
 * use (a rolled-back insert) and is passed.
 */
final class JournalFrontier {
  private static final int SCAN = 10_000;

  private final ReadSide readSide;
  private final Clock clock;
  private final Duration gapTimeout;
  private long frontier;
  private long gapAt = -1;
  private long gapSeenAt;
  private long checkedAt;
  private boolean checked;
  private final java.util.concurrent.locks.ReentrantLock checking = new java.util.concurrent.locks.ReentrantLock();
  private volatile long published;
  private final long shareMillis;

  /** {@code share}: slices polling within this of each other share one look at the journal. */
  JournalFrontier(ReadSide readSide, Clock clock, Duration gapTimeout, Duration share) {
    this.shareMillis = share.toMillis();
    this.readSide = readSide;
    this.clock = clock;
    this.gapTimeout = gapTimeout;
  }

  /**
   * Moves the frontier as far as the journal allows now, and returns it. Every slice of every
   * projection asks before each poll: one look at a time, shared by those asking meanwhile or
   * shortly after.
   */
  long advance() throws SQLException {
    if (!checking.tryLock()) return published;
    try {
      long now = System.nanoTime() / 1_000_000;
      if (checked && now - checkedAt < shareMillis) return published;
      published = scan();
      checkedAt = now;
      checked = true;
      return published;
    } finally {
      checking.unlock();
    }
  }

  private long scan() throws SQLException {
    try (Connection c = readSide.connection()) {
      try {
        boolean more = true;
        while (more) {
          more = false;
          try (PreparedStatement ps = c.prepareStatement(
              "SELECT \"ordering\", \"write_timestamp\" FROM \"event_journal\" WHERE \"ordering\" > ? "
                  + "ORDER BY \"ordering\" LIMIT " + SCAN)) {
            ps.setLong(1, frontier);
            try (ResultSet rs = ps.executeQuery()) {
              int seen = 0;
              while (rs.next()) {
                seen++;
                long o = rs.getLong(1);
                if (o != frontier + 1 && !settled(rs.getLong(2)) && !gapExpired(frontier + 1)) return frontier;
                frontier = o;
              }
              more = seen == SCAN;
            }
          }
        }
        return frontier;
      } finally {
        c.rollback();
      }
    }
  }

  /**
   * A gap before a write older than the timeout is long settled: the write that would fill it
   * started before that one. So old gaps (after a restart, the frontier starts from the
   * beginning) are passed at once.
   */
  private boolean settled(long writtenAt) {
    return clock.millis() - writtenAt > gapTimeout.toMillis();
  }

  /** Whether the missing ordering {@code at} has been missing for longer than the timeout. */
  private boolean gapExpired(long at) {
    long now = clock.millis();
    if (gapAt != at) {
      gapAt = at;
      gapSeenAt = now;
      return false;
    }
    boolean expired = now - gapSeenAt >= gapTimeout.toMillis();
    if (expired) log.warn("journal ordering {} stayed missing for {}: no write uses it, the read side passes it", at, gapTimeout);
    return expired;
  }

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(JournalFrontier.class);
}
