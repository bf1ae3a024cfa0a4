package io.switchboard.core.calendar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CalendarSerializationTest {

  private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
  private static final ObjectMapper CBOR = CBORMapper.builder().findAndAddModules().build();

  static CalendarDefinition rich() {
    WeeklyHours base =
        new WeeklyHours(
            Map.of(
                DayOfWeek.MONDAY, List.of(TimeRange.of("08:00", "12:00"), TimeRange.of("13:00", "17:00")),
                DayOfWeek.FRIDAY, List.of(TimeRange.of("08:00", "15:00")),
                DayOfWeek.SUNDAY, List.of(TimeRange.of("22:00", "00:00"))));
    return new CalendarDefinition(
        "Support Sweden",
        ZoneId.of("Europe/Stockholm"),
        base,
        true,
        false,
        List.of(
            Deviation.open("Christmas Eve morning", LocalDate.of(2025, 12, 24),
                LocalDate.of(2025, 12, 24), null, TimeRange.of("09:00", "12:00")),
            Deviation.closed("Lunch", null, null, Set.of(DayOfWeek.MONDAY, DayOfWeek.FRIDAY),
                TimeRange.of("12:00", "13:00"), "lunch.wav"),
            Deviation.closed("Summer", LocalDate.of(2025, 7, 1), null, null, null, null)));
  }

  @Test
  void jsonRoundTrip() throws Exception {
    CalendarDefinition calendar = rich();
    String json = JSON.writeValueAsString(calendar);
    assertThat(JSON.readValue(json, CalendarDefinition.class)).isEqualTo(calendar);
  }

  @Test
  void cborRoundTrip() throws Exception {
    CalendarDefinition calendar = rich();
    byte[] bytes = CBOR.writeValueAsBytes(calendar);
    assertThat(CBOR.readValue(bytes, CalendarDefinition.class)).isEqualTo(calendar);
    CalendarDefinition utc = CalendarDefinition.standard("UTC", ZoneId.of("UTC"), WeeklyHours.always());
    assertThat(CBOR.readValue(CBOR.writeValueAsBytes(utc), CalendarDefinition.class)).isEqualTo(utc);
  }

  @Test
  void jsonShapeIsReadable() throws Exception {
    String json = JSON.writeValueAsString(rich());
    assertThat(json)
        .contains("\"zone\":\"Europe/Stockholm\"")
        .contains("\"MONDAY\":[{\"from\":\"08:00\",\"to\":\"12:00\"},{\"from\":\"13:00\",\"to\":\"17:00\"}]")
        .contains("\"SUNDAY\":[{\"from\":\"22:00\",\"to\":\"00:00\"}]")
        .contains("\"fromDate\":\"2025-12-24\"")
        .contains("\"weekdays\":[\"MONDAY\",\"FRIDAY\"]")
        .contains("\"action\":\"CLOSED\"")
        .contains("\"prompt\":\"lunch.wav\"")
        .contains("\"closedOnHolidayEves\":false");
  }

  @Test
  void handWrittenJsonIsRead() throws Exception {
    String json =
        """
        {
          "name": "Office",
          "zone": "Europe/Stockholm",
          "baseHours": {"days": {"TUESDAY": [{"from": "08:00", "to": "17:00"}]}},
          "closedOnPublicHolidays": true,
          "closedOnHolidayEves": true,
          "deviations": [
            {"name": "Lunch", "time": {"from": "12:00", "to": "13:00"},
             "action": "CLOSED", "prompt": "lunch.wav"}
          ]
        }
        """;
    CalendarDefinition expected =
        CalendarDefinition.standard(
                "Office",
                ZoneId.of("Europe/Stockholm"),
                new WeeklyHours(
                    Map.of(DayOfWeek.TUESDAY,
                        List.of(new TimeRange(LocalTime.of(8, 0), LocalTime.of(17, 0))))))
            .withDeviations(
                List.of(Deviation.closed("Lunch", null, null, null,
                    TimeRange.of("12:00", "13:00"), "lunch.wav")));
    assertThat(JSON.readValue(json, CalendarDefinition.class)).isEqualTo(expected);
  }

  @Test
  void invalidJsonIsRejectedByTheSameValidation() {
    String overnight = "{\"from\":\"22:00\",\"to\":\"06:00\"}";
    assertThatThrownBy(() -> JSON.readValue(overnight, TimeRange.class))
        .rootCause()
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("split them at midnight");
    assertThatThrownBy(() -> JSON.readValue("\"bad id\"", CalendarId.class))
        .rootCause()
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("calendarId");
  }

  @Test
  void calendarIdIsABareString() throws Exception {
    CalendarId id = CalendarId.of("support-se");
    assertThat(JSON.writeValueAsString(id)).isEqualTo("\"support-se\"");
    assertThat(JSON.readValue("\"support-se\"", CalendarId.class)).isEqualTo(id);
    assertThat(CBOR.readValue(CBOR.writeValueAsBytes(id), CalendarId.class)).isEqualTo(id);
  }

  @Test
  void otherRecordsRoundTrip() throws Exception {
    Holiday holiday =
        new Holiday(LocalDate.of(2025, 6, 20), "Midsommarafton (Midsummer Eve)",
            Holiday.Kind.HOLIDAY_EVE);
    assertThat(JSON.writeValueAsString(holiday)).contains("\"date\":\"2025-06-20\"");
    assertThat(JSON.readValue(JSON.writeValueAsString(holiday), Holiday.class)).isEqualTo(holiday);

    OpeningStatus status =
        OpeningStatus.deviation(rich().deviations().get(1));
    assertThat(CBOR.readValue(CBOR.writeValueAsBytes(status), OpeningStatus.class))
        .isEqualTo(status);
    assertThat(JSON.readValue(JSON.writeValueAsString(OpeningStatus.baseHours()),
        OpeningStatus.class)).isEqualTo(OpeningStatus.baseHours());

    WeeklyHours always = WeeklyHours.always();
    assertThat(JSON.readValue(JSON.writeValueAsString(always), WeeklyHours.class))
        .isEqualTo(always);

    Deviation anyDay = Deviation.open("Any", null, null, null, null);
    assertThat(JSON.readValue(JSON.writeValueAsString(anyDay), Deviation.class))
        .isEqualTo(anyDay);
  }
}
