package io.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.core.Refusal;
import org.junit.jupiter.api.Test;

/** The status each kind of refusal gets, as the table in docs/engine-api.md lists them. */
class ApiErrorTest {

  @Test
  void eachRefusalGetsTheDocumentedStatus() {
    assertThat(ApiError.of(Refusal.invalid("queue", "queue: unknown")).status()).isEqualTo(400);
    assertThat(ApiError.of(Refusal.notFound("unknown call c1")).status()).isEqualTo(404);
    assertThat(ApiError.of(Refusal.conflict("agent a1 is not on call c1")).status()).isEqualTo(409);
    assertThat(ApiError.of(Refusal.gone("the offer was withdrawn")).status()).isEqualTo(410);
  }

  /** An entity that timed out inside the engine is "may still take effect", not "does not fit". */
  @Test
  void anEntityThatDidNotAnswerInTimeIs503WithItsMessage() {
    ApiError e = ApiError.of(Refusal.unavailable("queue q1 did not answer in time; try again"));
    assertThat(e.status()).isEqualTo(503);
    assertThat(e.error()).isEqualTo("queue q1 did not answer in time; try again");
    assertThat(e.field()).isNull();
  }
}
