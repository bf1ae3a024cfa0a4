package io.switchboard.core.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.Refusal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The checks of a subscription, each naming the field at fault. */
class ReportSubscriptionTest {

  static ReportSubscription sub(ReportKind kind, Map<String, String> parameters, List<String> recipients) {
    return new ReportSubscription("rs-1", "sara", kind, ReportSchedule.DAILY, parameters, recipients, null);
  }

  static Refusal problem(ReportKind kind, Map<String, String> parameters, String... recipients) {
    return sub(kind, parameters, Arrays.asList(recipients)).problem();
  }

  @Test
  void aSensibleSubscriptionPasses() {
    assertThat(problem(ReportKind.QUEUE_SUMMARY, Map.of("queue", "sales, support", "answeringPoint", "north"),
        "sara@example.com", "ops.team+reports@mail.example.se")).isNull();
    assertThat(sub(ReportKind.QUEUE_SUMMARY, Map.of("queue", "sales, support"), List.of("a@b.se")).values("queue"))
        .containsExactly("sales", "support");
    assertThat(problem(ReportKind.BILLING, null, "billing@localhost")).isNull();
  }

  @Test
  void recipientsMustBeFewPlainDistinctAddresses() {
    assertThat(problem(ReportKind.BILLING, Map.of()).field()).isEqualTo("recipients");
    assertThat(problem(ReportKind.BILLING, Map.of()).message()).contains("at least one");
    Refusal bad = problem(ReportKind.BILLING, Map.of(), "a@example.com", "not an address");
    assertThat(bad.field()).isEqualTo("recipients");
    assertThat(bad.message()).isEqualTo("recipients[1] is not an e-mail address: 'not an address'");
    // Nothing that could add a header line or a second address.
    assertThat(problem(ReportKind.BILLING, Map.of(), "a@example.com\r\nBcc: x@evil.example").message()).contains("recipients[0]");
    assertThat(problem(ReportKind.BILLING, Map.of(), "Sara <sara@example.com>").field()).isEqualTo("recipients");
    assertThat(problem(ReportKind.BILLING, Map.of(), "a@example.com,b@example.com").field()).isEqualTo("recipients");
    assertThat(problem(ReportKind.BILLING, Map.of(), "a@example.com", "A@Example.com").message()).contains("recipients[1] repeats");
    List<String> many = new ArrayList<>();
    for (int i = 0; i < 21; i++) many.add("r" + i + "@example.com");
    assertThat(sub(ReportKind.BILLING, Map.of(), many).problem().message()).isEqualTo("recipients: at most 20 addresses, got 21");
    assertThat(sub(ReportKind.BILLING, Map.of(), many.subList(0, 20)).problem()).isNull();
    List<String> withNull = new ArrayList<>(List.of("a@example.com"));
    withNull.add(null);
    assertThat(sub(ReportKind.BILLING, Map.of(), withNull).problem().message()).contains("recipients[1]");
  }

  @Test
  void parametersMustBeKnownToTheKindAndNameIds() {
    Refusal unknown = problem(ReportKind.BILLING, Map.of("queue", "sales"), "a@example.com");
    assertThat(unknown.field()).isEqualTo("parameters.queue");
    assertThat(unknown.message()).isEqualTo("parameters.queue: unknown parameter for billing; allowed: answeringPoint, company");
    assertThat(problem(ReportKind.CALL_LOG, Map.of("colour", "red"), "a@example.com").field()).isEqualTo("parameters.colour");
    assertThat(problem(ReportKind.AGENT_SUMMARY, Map.of("agent", "anna"), "a@example.com")).isNull();
    assertThat(problem(ReportKind.QUEUE_SUMMARY, Map.of("queue", "sales,,support"), "a@example.com").message())
        .contains("'' is not an id");
    assertThat(problem(ReportKind.QUEUE_SUMMARY, Map.of("queue", "sales,sales"), "a@example.com").message())
        .isEqualTo("parameters.queue names sales twice");
    Map<String, String> blank = new HashMap<>();
    blank.put("queue", null);
    assertThat(problem(ReportKind.QUEUE_SUMMARY, blank, "a@example.com").message()).isEqualTo("parameters.queue must name at least one id");
  }

  @Test
  void idOwnerKindAndScheduleAreRequired() {
    assertThat(new ReportSubscription("bad id", "sara", ReportKind.BILLING, ReportSchedule.DAILY, null, List.of("a@b.se"), null)
        .problem().field()).isEqualTo("id");
    assertThat(new ReportSubscription("rs", " ", ReportKind.BILLING, ReportSchedule.DAILY, null, List.of("a@b.se"), null)
        .problem().field()).isEqualTo("owner");
    assertThat(new ReportSubscription("rs", "sara", null, ReportSchedule.DAILY, null, List.of("a@b.se"), null)
        .problem().field()).isEqualTo("kind");
    assertThat(new ReportSubscription("rs", "sara", ReportKind.BILLING, null, null, List.of("a@b.se"), null)
        .problem().field()).isEqualTo("schedule");
  }
}
