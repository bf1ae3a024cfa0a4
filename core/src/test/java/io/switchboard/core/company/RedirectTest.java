package io.switchboard.core.company;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.core.company.Redirect.Reason;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** An absence status (ANS-5): its reason, its note and when it lapses. */
class RedirectTest {
  static final Instant NOON = Instant.parse("2026-11-23T12:00:00Z");

  @Test
  void theReasonIsParsedWithoutRegardToCase() {
    assertThat(Reason.parse("lunch")).isEqualTo(Reason.LUNCH);
    assertThat(Reason.parse(" Vacation ")).isEqualTo(Reason.VACATION);
    assertThat(Reason.parse("SICK")).isEqualTo(Reason.SICK);
    for (Reason r : Reason.values()) assertThat(Reason.parse(r.json())).isEqualTo(r);
    assertThat(Reason.MEETING.json()).isEqualTo("meeting");
  }

  @Test
  void anUnknownReasonIsRefusedListingTheKnownOnes() {
    for (String bad : new String[] {null, "", " ", "holiday", "lunch break"})
      assertThatThrownBy(() -> Reason.parse(bad)).as("%s", bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("reason must be lunch, meeting, vacation, sick, off or other");
    assertThatThrownBy(() -> new Redirect(null, null, null, null, null)).hasMessageContaining("reason is required");
  }

  @Test
  void theNoteIsStrippedAndLimited() {
    assertThat(new Redirect(Reason.OTHER, null, "  back at two  ", null, null).note()).isEqualTo("back at two");
    assertThat(new Redirect(Reason.OTHER, null, "   ", null, null).note()).isNull();
    String longest = "n".repeat(Redirect.MAX_NOTE);
    assertThat(new Redirect(Reason.OTHER, null, longest, null, null).note()).hasSize(Redirect.MAX_NOTE);
    assertThatThrownBy(() -> new Redirect(Reason.OTHER, null, longest + "n", null, null))
        .hasMessageStartingWith("note must be at most " + Redirect.MAX_NOTE);
  }

  @Test
  void aRedirectStandsUpToButNotIncludingItsUntil() {
    Redirect lunch = new Redirect(Reason.LUNCH, NOON, null, "eva", NOON.minus(Duration.ofHours(1)));
    assertThat(lunch.activeAt(NOON.minus(Duration.ofHours(3)))).isTrue();
    assertThat(lunch.activeAt(NOON.minusNanos(1))).isTrue();
    assertThat(lunch.activeAt(NOON)).isFalse();
    assertThat(lunch.activeAt(NOON.plusNanos(1))).isFalse();
  }

  @Test
  void anOpenEndedRedirectNeverLapses() {
    Redirect off = new Redirect(Reason.OFF, null, null, null, null);
    assertThat(off.activeAt(Instant.EPOCH)).isTrue();
    assertThat(off.activeAt(Instant.parse("2999-01-01T00:00:00Z"))).isTrue();
  }
}
