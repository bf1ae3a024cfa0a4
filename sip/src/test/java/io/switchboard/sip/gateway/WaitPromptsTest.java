package io.switchboard.sip.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.sip.media.PromptLibrary;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a waiting caller hears of its estimated wait. */
class WaitPromptsTest {

  @Test
  void theEstimateIsSaidToTheNearestMinuteUpToTen() {
    assertThat(GatewayCall.waitPrompts(null)).isEmpty();
    assertThat(GatewayCall.waitPrompts(Duration.ZERO)).as("an agent is free: nothing to wait for").isEmpty();
    assertThat(GatewayCall.waitPrompts(Duration.ofSeconds(45))).containsExactly("wait-intro", "wait-less-than-minute");
    assertThat(GatewayCall.waitPrompts(Duration.ofSeconds(60))).containsExactly("wait-intro", "minutes-1");
    assertThat(GatewayCall.waitPrompts(Duration.ofSeconds(90))).containsExactly("wait-intro", "minutes-2");
    assertThat(GatewayCall.waitPrompts(Duration.ofSeconds(629))).containsExactly("wait-intro", "minutes-10");
    assertThat(GatewayCall.waitPrompts(Duration.ofSeconds(630))).containsExactly("wait-intro", "wait-more-than-ten-minutes");
  }

  @Test
  void everyPromptItNamesIsBundled() {
    PromptLibrary prompts = PromptLibrary.fromClasspath();
    for (int s = 1; s < 900; s += 7)
      for (String p : GatewayCall.waitPrompts(Duration.ofSeconds(s)))
        assertThat(prompts.has(p)).as("prompt %s", p).isTrue();
    assertThat(List.of("wait-intro", "wait-less-than-minute", "wait-more-than-ten-minutes")).allMatch(prompts::has);
  }
}
