package io.switchboard.core.statistics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The formulas of METRICS.md over hand-made rows; every expected value is computed by hand in the
 * comment next to it. Percentages are 0–100, times in seconds.
 */
class MetricsTest {

  static final Offset<Double> EPS = within(1e-9);

  /** A row with the named fields set and every other field zero. */
  static IntervalCounts row(Object... nameValuePairs) {
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < nameValuePairs.length; i += 2)
      m.put((String) nameValuePairs[i], ((Number) nameValuePairs[i + 1]).longValue());
    long[] v = new long[IntervalCounts.FIELDS.size()];
    m.forEach((name, value) -> {
      int i = IntervalCounts.FIELDS.indexOf(name);
      if (i < 0) throw new IllegalArgumentException("no field " + name);
      v[i] = value;
    });
    return IntervalCounts.of(v);
  }

  /**
   * One busy queue interval: 50 queued; 40 answered (30 within T); 8 abandoned (5 within T, 3 of
   * them short); 2 flowed out.
   */
  static final IntervalCounts QUEUE = row(
      "arrived", 55,
      "offered", 50,
      "answered", 40,
      "answeredWithinThreshold", 30,
      "abandoned", 8,
      "abandonedWithinThreshold", 5,
      "shortAbandoned", 3,
      "flowOuts", 2,
      "closed", 4,
      "callbacksRequested", 1,
      "answerWaitMillis", 400_000,
      "totalWaitMillis", 600_000,
      "maxWaitMillis", 95_500,
      "handled", 40,
      "talkMillis", 4_000_000,
      "holdMillis", 400_000,
      "wrapUpMillis", 800_000);

  @Nested
  class ServiceLevel {

    @Test
    void defaultExcludesShortAbandonsAndFlowOuts() {
      // 30 / (40 + 8 - 3) = 30 / 45 = 66.666…%
      assertThat(Metrics.of(QUEUE).serviceLevel()).isCloseTo(66.666_666_666_7, within(1e-6));
    }

    @Test
    void defaultWithFlowOutsAddsThemToTheDenominator() {
      // 30 / (40 + 8 - 3 + 2) = 30 / 47 = 63.829787…%
      assertThat(Metrics.of(QUEUE).serviceLevelWithFlowOuts()).isCloseTo(63.829_787_234, within(1e-6));
    }

    @Test
    void answeredOnly() {
      // 30 / 40 = 75 %
      assertThat(Metrics.of(QUEUE).serviceLevelAnswered()).isCloseTo(75.0, EPS);
    }

    @Test
    void withAbandons() {
      // (30 + 5) / (40 + 8) = 35 / 48 = 72.916666…%
      assertThat(Metrics.of(QUEUE).serviceLevelWithAbandons()).isCloseTo(72.916_666_666_7, within(1e-6));
    }

    @Test
    void removedFromQueue() {
      // (30 answered + 5 abandoned within T) / 50 queued = 70 %
      assertThat(Metrics.of(QUEUE).serviceLevelRemoved()).isCloseTo(70.0, EPS);
    }

    @Test
    void shortAbandonsLeaveTheDefaultDenominator() {
      // Same row with no short abandons: 30 / (40 + 8) = 62.5 %, versus 30 / 45 with 3 short ones.
      IntervalCounts noShort = row("offered", 50, "answered", 40, "answeredWithinThreshold", 30, "abandoned", 8,
          "abandonedWithinThreshold", 5);
      IntervalCounts threeShort = noShort.plus(row("shortAbandoned", 3));
      assertThat(Metrics.of(noShort).serviceLevel()).isCloseTo(62.5, EPS);
      assertThat(Metrics.of(threeShort).serviceLevel()).isCloseTo(66.666_666_666_7, within(1e-6));
      // …but not the Asterisk variants: (30 + 5) / 48 either way.
      assertThat(Metrics.of(threeShort).serviceLevelWithAbandons())
          .isCloseTo(Metrics.of(noShort).serviceLevelWithAbandons(), EPS);
      assertThat(Metrics.of(threeShort).serviceLevelAnswered()).isCloseTo(75.0, EPS);
    }

    @Test
    void allAnsweredWithinThresholdIsHundred() {
      // 10 / (10 + 0 - 0) = 100 %
      Metrics m = Metrics.of(row("offered", 10, "answered", 10, "answeredWithinThreshold", 10));
      assertThat(m.serviceLevel()).isCloseTo(100.0, EPS);
      assertThat(m.serviceLevelAnswered()).isCloseTo(100.0, EPS);
    }

    @Test
    void onlyLongAbandonsIsZeroNotNull() {
      // 0 answered, 4 abandoned (none short, none within T): 0 / (0 + 4 - 0) = 0 %
      Metrics m = Metrics.of(row("offered", 4, "abandoned", 4));
      assertThat(m.serviceLevel()).isCloseTo(0.0, EPS);
      assertThat(m.serviceLevelWithAbandons()).isCloseTo(0.0, EPS);
      assertThat(m.serviceLevelRemoved()).isCloseTo(0.0, EPS);
      // answered-only has nothing to divide by
      assertThat(m.serviceLevelAnswered()).isNull();
    }

    @Test
    void aDayIsTheRatioOfSumsNotTheMeanOfRatios() {
      // QUEUE: 30 / 45; second interval: 10 answered all within T, 10 / 10.
      // Day: (30 + 10) / (50 + 8 - 3) = 40 / 55 = 72.7272…% (the mean of ratios would be 83.33 %)
      IntervalCounts second = row("offered", 10, "answered", 10, "answeredWithinThreshold", 10);
      assertThat(Metrics.of(QUEUE.plus(second)).serviceLevel()).isCloseTo(72.727_272_727_3, within(1e-6));
    }
  }

  @Nested
  class Times {

    @Test
    void asaIsAnswerWaitOverAnswered() {
      // 400 000 ms / 40 = 10 000 ms = 10 s
      assertThat(Metrics.of(QUEUE).asaSeconds()).isCloseTo(10.0, EPS);
    }

    @Test
    void asaIgnoresWaitsOfContactsNotAnswered() {
      // totalWaitMillis (which includes abandons) must not leak in: 3 000 ms / 2 = 1.5 s
      Metrics m = Metrics.of(row("answered", 2, "answerWaitMillis", 3_000, "abandoned", 1, "totalWaitMillis", 90_000));
      assertThat(m.asaSeconds()).isCloseTo(1.5, EPS);
    }

    @Test
    void ahtIsTalkHoldWrapUpOverHandled() {
      // (4 000 000 + 400 000 + 800 000) ms / 40 = 130 000 ms = 130 s
      assertThat(Metrics.of(QUEUE).ahtSeconds()).isCloseTo(130.0, EPS);
    }

    @Test
    void ahtUsesHandledNotAnswered() {
      // answered 5 in this interval, 2 completed: (60 000 + 10 000 + 20 000) / 2 = 45 000 ms = 45 s
      Metrics m = Metrics.of(row("answered", 5, "handled", 2, "talkMillis", 60_000, "holdMillis", 10_000,
          "wrapUpMillis", 20_000));
      assertThat(m.ahtSeconds()).isCloseTo(45.0, EPS);
    }

    @Test
    void ahtIgnoresAgentStateWrapUpTime() {
      // only the contacts' wrap-up counts: (30 000 + 0 + 6 000) / 1 = 36 s
      Metrics m = Metrics.of(row("handled", 1, "talkMillis", 30_000, "wrapUpMillis", 6_000,
          "wrapUpStateMillis", 500_000, "busyMillis", 700_000));
      assertThat(m.ahtSeconds()).isCloseTo(36.0, EPS);
    }

    @Test
    void averageWaitIsOverAnsweredAbandonedAndFlowOuts() {
      // 600 000 ms / (40 + 8 + 2) = 12 000 ms = 12 s
      assertThat(Metrics.of(QUEUE).averageWaitSeconds()).isCloseTo(12.0, EPS);
    }

    @Test
    void averageWaitCountsFlowOutsOnly() {
      // 2 flowed out after 60 s each: 120 000 ms / 2 = 60 s
      Metrics m = Metrics.of(row("offered", 2, "flowOuts", 2, "totalWaitMillis", 120_000, "maxWaitMillis", 60_000));
      assertThat(m.averageWaitSeconds()).isCloseTo(60.0, EPS);
    }

    @Test
    void maxWaitInSeconds() {
      // 95 500 ms = 95.5 s
      assertThat(Metrics.of(QUEUE).maxWaitSeconds()).isCloseTo(95.5, EPS);
    }

    @Test
    void maxWaitOfTwoIntervalsIsTheLargerNotTheSum() {
      // max(95 500, 120 000) ms = 120 s (a sum would be 215.5 s)
      IntervalCounts later = row("offered", 1, "abandoned", 1, "maxWaitMillis", 120_000, "totalWaitMillis", 120_000);
      assertThat(Metrics.of(QUEUE.plus(later)).maxWaitSeconds()).isCloseTo(120.0, EPS);
      assertThat(Metrics.of(later.plus(QUEUE)).maxWaitSeconds()).isCloseTo(120.0, EPS);
    }
  }

  @Nested
  class Abandons {

    @Test
    void abandonRateIsAbandonedOverQueued() {
      // 8 / 50 = 16 %
      assertThat(Metrics.of(QUEUE).abandonRate()).isCloseTo(16.0, EPS);
    }

    @Test
    void shortAdjustedRateRemovesShortAbandonsFromBothSides() {
      // (8 - 3) / (50 - 3) = 5 / 47 = 10.638297…%
      assertThat(Metrics.of(QUEUE).abandonRateShortAdjusted()).isCloseTo(10.638_297_872_3, within(1e-6));
    }

    @Test
    void callbacksAreNotAbandons() {
      // 10 queued, 2 abandoned, 3 asked for a callback: 2 / 10 = 20 %
      Metrics m = Metrics.of(row("offered", 10, "abandoned", 2, "callbacksRequested", 3, "answered", 5));
      assertThat(m.abandonRate()).isCloseTo(20.0, EPS);
    }

    @Test
    void allAbandonsShort() {
      // 3 queued, 3 abandoned, all short: plain 3 / 3 = 100 %; adjusted (3 - 3) / (3 - 3) = no data
      Metrics m = Metrics.of(row("offered", 3, "abandoned", 3, "shortAbandoned", 3));
      assertThat(m.abandonRate()).isCloseTo(100.0, EPS);
      assertThat(m.abandonRateShortAdjusted()).isNull();
      // default SL: 0 / (0 + 3 - 3) = no data, not 0 % or 100 %
      assertThat(m.serviceLevel()).isNull();
      assertThat(m.serviceLevelWithAbandons()).isCloseTo(0.0, EPS); // 0 / (0 + 3)
    }
  }

  @Nested
  class Occupancy {

    @Test
    void onContactOverOnContactPlusReady() {
      // on contact = 60 000 reserved + 1 200 000 busy + 540 000 wrap-up = 1 800 000 ms
      // 1 800 000 / (1 800 000 + 600 000 ready) = 75 %; paused time counts nowhere
      IntervalCounts agent = row("readyMillis", 600_000, "reservedMillis", 60_000, "busyMillis", 1_200_000,
          "wrapUpStateMillis", 540_000, "pausedMillis", 900_000, "wrapUpMillis", 999_000);
      assertThat(Metrics.onContactMillis(agent)).isEqualTo(1_800_000L);
      assertThat(Metrics.of(agent).occupancy()).isCloseTo(75.0, EPS);
    }

    @Test
    void readyOnlyIsZeroNotNull() {
      // 0 / (0 + 900 000) = 0 %
      assertThat(Metrics.of(row("readyMillis", 900_000)).occupancy()).isCloseTo(0.0, EPS);
    }

    @Test
    void pausedOnlyIsNoData() {
      // 0 / (0 + 0): paused is neither on contact nor ready
      assertThat(Metrics.of(row("pausedMillis", 900_000)).occupancy()).isNull();
    }
  }

  @Nested
  class NoData {

    @Test
    void everyFigureOfAnEmptyRowIsNull() {
      Metrics m = Metrics.of(IntervalCounts.ZERO);
      assertThat(m.serviceLevel()).isNull();
      assertThat(m.serviceLevelWithFlowOuts()).isNull();
      assertThat(m.serviceLevelAnswered()).isNull();
      assertThat(m.serviceLevelWithAbandons()).isNull();
      assertThat(m.serviceLevelRemoved()).isNull();
      assertThat(m.asaSeconds()).isNull();
      assertThat(m.ahtSeconds()).isNull();
      assertThat(m.abandonRate()).isNull();
      assertThat(m.abandonRateShortAdjusted()).isNull();
      assertThat(m.averageWaitSeconds()).isNull();
      assertThat(m.maxWaitSeconds()).isNull();
      assertThat(m.occupancy()).isNull();
    }

    @Test
    void anAgentOnlyRowHasNoQueueFigures() {
      // only agent state time: every queue ratio has a zero denominator; occupancy 300 000 / 900 000
      Metrics m = Metrics.of(row("readyMillis", 600_000, "busyMillis", 300_000));
      assertThat(m.serviceLevel()).isNull();
      assertThat(m.serviceLevelWithFlowOuts()).isNull();
      assertThat(m.serviceLevelAnswered()).isNull();
      assertThat(m.serviceLevelWithAbandons()).isNull();
      assertThat(m.serviceLevelRemoved()).isNull();
      assertThat(m.asaSeconds()).isNull();
      assertThat(m.ahtSeconds()).isNull();
      assertThat(m.abandonRate()).isNull();
      assertThat(m.abandonRateShortAdjusted()).isNull();
      assertThat(m.averageWaitSeconds()).isNull();
      assertThat(m.maxWaitSeconds()).isNull();
      assertThat(m.occupancy()).isCloseTo(33.333_333_333_3, within(1e-6));
    }

    @Test
    void onlyFlowOutsLeaveDefaultSlWithoutData() {
      // default: 0 / (0 + 0 - 0) = no data; with flow-outs: 0 / (0 + 0 - 0 + 2) = 0 %
      Metrics m = Metrics.of(row("offered", 2, "flowOuts", 2, "totalWaitMillis", 20_000));
      assertThat(m.serviceLevel()).isNull();
      assertThat(m.serviceLevelWithFlowOuts()).isCloseTo(0.0, EPS);
      assertThat(m.serviceLevelAnswered()).isNull();
      assertThat(m.serviceLevelWithAbandons()).isNull();
      assertThat(m.serviceLevelRemoved()).isCloseTo(0.0, EPS); // 0 / 2
      assertThat(m.asaSeconds()).isNull();
      assertThat(m.abandonRate()).isCloseTo(0.0, EPS); // 0 / 2
      assertThat(m.averageWaitSeconds()).isCloseTo(10.0, EPS); // 20 000 ms / 2
    }

    @Test
    void waitingOnlyHasNoAnswerOrWaitAverages() {
      // 1 queued, still waiting at the end of the interval
      Metrics m = Metrics.of(row("arrived", 1, "offered", 1));
      assertThat(m.serviceLevel()).isNull();
      assertThat(m.asaSeconds()).isNull();
      assertThat(m.averageWaitSeconds()).isNull();
      assertThat(m.abandonRate()).isCloseTo(0.0, EPS); // 0 / 1
    }
  }

  @Nested
  class Counts {

    /** A row whose i-th field (record order) is i + 1. */
    static IntervalCounts distinct() {
      return new IntervalCounts(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25,
          26, 27, 28, 29, 30, 31, 32);
    }

    @Test
    void fieldsAreTheRecordComponentsInOrder() {
      assertThat(IntervalCounts.FIELDS).hasSize(32);
      assertThat(IntervalCounts.FIELDS.get(0)).isEqualTo("arrived");
      assertThat(IntervalCounts.FIELDS.get(18)).isEqualTo("maxWaitMillis");
      assertThat(IntervalCounts.FIELDS.get(31)).isEqualTo("pausedMillis");
      assertThat(IntervalCounts.FIELDS).doesNotHaveDuplicates();
    }

    @Test
    void valuesAreInFieldsOrder() throws Exception {
      IntervalCounts c = distinct();
      long[] v = c.values();
      assertThat(v).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23,
          24, 25, 26, 27, 28, 29, 30, 31, 32);
      RecordComponent[] components = IntervalCounts.class.getRecordComponents();
      for (int i = 0; i < v.length; i++) {
        assertThat(components[i].getName()).isEqualTo(IntervalCounts.FIELDS.get(i));
        assertThat((long) components[i].getAccessor().invoke(c)).as(IntervalCounts.FIELDS.get(i)).isEqualTo(v[i]);
      }
    }

    @Test
    void ofIsTheInverseOfValues() {
      IntervalCounts c = distinct();
      assertThat(IntervalCounts.of(c.values())).isEqualTo(c);
      assertThat(IntervalCounts.of(QUEUE.values())).isEqualTo(QUEUE);
      assertThat(IntervalCounts.of(new long[32])).isEqualTo(IntervalCounts.ZERO);
    }

    @Test
    void ofRejectsTheWrongLength() {
      assertThatThrownBy(() -> IntervalCounts.of(new long[31]))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("32")
          .hasMessageContaining("31");
    }

    @Test
    void plusAddsSumsAndTakesTheLargerMaximum() {
      IntervalCounts a = row("offered", 5, "answered", 4, "answerWaitMillis", 10_000, "maxWaitMillis", 30_000,
          "readyMillis", 100);
      IntervalCounts b = row("offered", 7, "abandoned", 2, "answerWaitMillis", 2_500, "maxWaitMillis", 12_000,
          "readyMillis", 50);
      IntervalCounts s = a.plus(b);
      assertThat(s.offered()).isEqualTo(12); // 5 + 7
      assertThat(s.answered()).isEqualTo(4); // 4 + 0
      assertThat(s.abandoned()).isEqualTo(2); // 0 + 2
      assertThat(s.answerWaitMillis()).isEqualTo(12_500); // 10 000 + 2 500
      assertThat(s.readyMillis()).isEqualTo(150); // 100 + 50
      assertThat(s.maxWaitMillis()).isEqualTo(30_000); // max(30 000, 12 000)
      assertThat(b.plus(a)).isEqualTo(s);
    }

    @Test
    void plusAddsEveryOtherField() {
      // distinct() + distinct(): each field i + 1 doubled, except maxWaitMillis (19) which stays 19
      long[] v = distinct().plus(distinct()).values();
      for (int i = 0; i < v.length; i++) {
        long expected = IntervalCounts.FIELDS.get(i).equals("maxWaitMillis") ? 19 : 2L * (i + 1);
        assertThat(v[i]).as(IntervalCounts.FIELDS.get(i)).isEqualTo(expected);
      }
      assertThat(v[18]).isEqualTo(19);
      assertThat(v[17]).isEqualTo(36); // answerWaitMillis 18 + 18
    }

    @Test
    void zeroIsTheIdentityOfPlus() {
      assertThat(QUEUE.plus(IntervalCounts.ZERO)).isEqualTo(QUEUE);
      assertThat(IntervalCounts.ZERO.plus(QUEUE)).isEqualTo(QUEUE);
    }

    @Test
    void onlyMaxWaitIsAMaximum() {
      assertThat(IntervalCounts.isMaximum("maxWaitMillis")).isTrue();
      assertThat(IntervalCounts.FIELDS.stream().filter(IntervalCounts::isMaximum)).containsExactly("maxWaitMillis");
    }

    @Test
    void isZero() {
      assertThat(IntervalCounts.ZERO.isZero()).isTrue();
      assertThat(IntervalCounts.of(new long[32]).isZero()).isTrue();
      assertThat(QUEUE.isZero()).isFalse();
      for (int i = 0; i < 32; i++) {
        long[] v = new long[32];
        v[i] = 1;
        assertThat(IntervalCounts.of(v).isZero()).as(IntervalCounts.FIELDS.get(i)).isFalse();
      }
    }

    @Test
    void abandonBuckets() {
      assertThat(IntervalCounts.ABANDON_BUCKETS).containsExactly(15, 30, 60, 120, 300, 600);
    }
  }
}
