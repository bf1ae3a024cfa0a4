package io.switchboard.persistence.statistics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The plugin's time formats, as the status count reads them. */
class CassandraJournalTagsTest {
  @Test
  void firstTimeBucketIsUtcInEitherOfThePluginsFormats() {
    assertThat(Instant.ofEpochMilli(CassandraJournalTags.firstTimeBucket("20261101T06:30")))
        .isEqualTo(Instant.parse("2026-11-01T06:30:00Z"));
    assertThat(Instant.ofEpochMilli(CassandraJournalTags.firstTimeBucket("20261101")))
        .isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
  }

  @Test
  void aTimeUuidGivesItsWriteTimeInMillis() {
    // Version 1 UUID of 2026-11-24T12:00:00.123Z: 100-ns ticks since 1582-10-15.
    long ticks = Instant.parse("2026-11-24T12:00:00.123Z").toEpochMilli() * 10_000 + 0x01b21dd213814000L;
    long msb = ((ticks & 0xFFFFFFFFL) << 32) | (((ticks >>> 32) & 0xFFFFL) << 16) | 0x1000L | ((ticks >>> 48) & 0x0FFFL);
    UUID uuid = new UUID(msb, 0x8000000000000000L);
    assertThat(uuid.version()).isEqualTo(1);
    assertThat(CassandraJournalTags.millisOf(uuid)).isEqualTo(Instant.parse("2026-11-24T12:00:00.123Z").toEpochMilli());
  }
}
