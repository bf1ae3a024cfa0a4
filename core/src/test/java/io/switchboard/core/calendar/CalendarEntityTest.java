package io.switchboard.core.calendar;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.engine.EngineContext;
import io.switchboard.core.engine.Notifier;
import io.switchboard.core.testkit.ProbeRefs;
import io.switchboard.core.testkit.TestClock;
import io.switchboard.core.testkit.TestSettings;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class CalendarEntityTest {
  static final ActorTestKit kit = ActorTestKit.create(EventSourcedBehaviorTestKit.config());

  @AfterAll
  static void shutdown() {
    kit.shutdownTestKit();
  }

  @Test
  void anUndefinedCalendarSaysSoAndADefinitionChangesTheAnswerAtRuntime() {
    var cal = EventSourcedBehaviorTestKit.<Calendar.Command, Calendar.Event, Calendar.State>create(kit.system(),
        Calendar.create(new CalendarId("office"), new EngineContext(new ProbeRefs(kit),
            new TestClock(Instant.parse("2026-11-23T08:00:00Z")), TestSettings.defaults(), Notifier.NONE)));
    // Monday 2026-11-23 10:00 in Stockholm (09:00 UTC).
    Instant monday10 = Instant.parse("2026-11-23T09:00:00Z");
    assertThat(cal.<Calendar.Reply>runCommand(r -> new Calendar.Evaluate(monday10, r)).reply())
        .isInstanceOf(Calendar.Refused.class);

    ZoneId stockholm = ZoneId.of("Europe/Stockholm");
    CalendarDefinition office = CalendarDefinition.standard("Office", stockholm,
        WeeklyHours.weekdays(LocalTime.of(8, 0), LocalTime.of(17, 0)));
    cal.<Calendar.Reply>runCommand(r -> new Calendar.Define(office, r));
    Calendar.Status open = (Calendar.Status) cal.<Calendar.Reply>runCommand(r -> new Calendar.Evaluate(monday10, r)).reply();
    assertThat(open.status().open()).isTrue();

    CalendarDefinition closedToday = office.withDeviations(List.of(
        Deviation.closed("staff day", java.time.LocalDate.of(2026, 11, 23), java.time.LocalDate.of(2026, 11, 23), null,
            null, "staff-day")));
    cal.<Calendar.Reply>runCommand(r -> new Calendar.Define(closedToday, r));
    cal.restart();
    Calendar.Status closed = (Calendar.Status) cal.<Calendar.Reply>runCommand(r -> new Calendar.Evaluate(monday10, r)).reply();
    assertThat(closed.status().open()).isFalse();
    assertThat(closed.status().prompt()).isEqualTo("staff-day");
  }
}
