package io.switchboard.sip.registrar;

import io.switchboard.core.testkit.TestClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.sip.registrar.RegisterRequest.Contact;
import io.switchboard.sip.registrar.RegisterResult.IntervalTooBrief;
import io.switchboard.sip.registrar.RegisterResult.Ok;
import io.switchboard.sip.registrar.RegisterResult.Refused;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RegistrarTest {

  static final String PHONE = "sip:1001@10.0.0.5:5060";
  static final String SOFTPHONE = "sip:1001@10.0.0.9:5062;transport=tcp";

  final TestClock clock = new TestClock(Instant.parse("2025-03-01T09:00:00Z"));
  final Instant start = clock.instant();
  final Registrar registrar = new Registrar(clock);

  static RegisterRequest request(String callId, long cseq, Integer expires, Contact... contacts) {
    return new RegisterRequest(List.of(contacts), expires, callId, cseq, "203.0.113.7:5060", "UDP");
  }

  static Contact contact(String uri, Integer expires, Float q) {
    return new Contact(uri, expires, q);
  }

  static List<Binding> current(RegisterResult result) {
    assertThat(result).isInstanceOf(Ok.class);
    return ((Ok) result).current();
  }

  static String refusal(RegisterResult result) {
    assertThat(result).isInstanceOf(Refused.class);
    return ((Refused) result).why();
  }

  // --- register, refresh, expire

  @Test
  void registerCreatesABinding() {
    List<Binding> bindings = current(registrar.register("1001", request("call-a", 1, 600, Contact.of(PHONE))));

    assertThat(bindings).containsExactly(
        new Binding(PHONE, "call-a", 1, start.plusSeconds(600), 1.0f, "203.0.113.7:5060", "UDP"));
    assertThat(registrar.bindings("1001")).isEqualTo(bindings);
    assertThat(registrar.reachable("1001")).contains(bindings.get(0));
    assertThat(bindings.get(0).secondsLeft(start)).isEqualTo(600);
    assertThat(registrar.bindings("1002")).isEmpty();
    assertThat(registrar.reachable("1002")).isEmpty();
  }

  @Test
  void expiryComesFromTheContactThenTheHeaderThenTheDefault() {
    registrar.register("1001", request("c", 1, 600, contact(PHONE, 120, null), Contact.of(SOFTPHONE)));
    registrar.register("1002", request("d", 1, null, Contact.of(PHONE)));

    assertThat(registrar.bindings("1001")).extracting(Binding::contactUri, Binding::expiresAt)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(PHONE, start.plusSeconds(120)),
            org.assertj.core.groups.Tuple.tuple(SOFTPHONE, start.plusSeconds(600)));
    assertThat(registrar.bindings("1002")).extracting(Binding::expiresAt).containsExactly(start.plusSeconds(3600));
  }

  @Test
  void jainSipsMinusOneMeansAbsent() {
    registrar.register("1001", request("c", 1, -1, contact("<" + PHONE + ">", -1, -1f)));
    Binding binding = registrar.bindings("1001").get(0);
    assertThat(binding.contactUri()).isEqualTo(PHONE);
    assertThat(binding.expiresAt()).isEqualTo(start.plusSeconds(3600));
    assertThat(binding.q()).isEqualTo(1.0f);
  }

  @Test
  void longIntervalsAreShortenedToTheMaximum() {
    registrar.register("1001", request("c", 1, 86_400, Contact.of(PHONE)));
    assertThat(registrar.bindings("1001").get(0).expiresAt()).isEqualTo(start.plusSeconds(3600));
  }

  @Test
  void refreshExtendsTheSameBinding() {
    registrar.register("1001", request("c", 1, 300, Contact.of(PHONE)));
    clock.advance(Duration.ofSeconds(250));
    RegisterResult refreshed = registrar.register("1001", new RegisterRequest(List.of(Contact.of(PHONE)), 300, "c", 2,
        "203.0.113.7:40000", "UDP"));

    assertThat(current(refreshed)).singleElement().satisfies(b -> {
      assertThat(b.cseq()).isEqualTo(2);
      assertThat(b.expiresAt()).isEqualTo(start.plusSeconds(550));
      assertThat(b.sourceAddress()).isEqualTo("203.0.113.7:40000");
    });
  }

  @Test
  void bindingsExpireWithTheClock() {
    registrar.register("1001", request("c", 1, 60, Contact.of(PHONE)));
    registrar.register("1001", request("c", 2, 120, Contact.of(SOFTPHONE)));

    clock.advance(Duration.ofSeconds(59));
    assertThat(registrar.bindings("1001")).hasSize(2);
    clock.advance(Duration.ofSeconds(1));
    assertThat(registrar.bindings("1001")).extracting(Binding::contactUri).containsExactly(SOFTPHONE);
    assertThat(registrar.size()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(60));
    assertThat(registrar.bindings("1001")).isEmpty();
    assertThat(registrar.reachable("1001")).isEmpty();

    assertThat(registrar.purgeExpired()).isEqualTo(2);
    assertThat(registrar.purgeExpired()).isZero();
  }

  @Test
  void purgeKeepsWhatIsStillValid() {
    registrar.register("1001", request("c", 1, 60, Contact.of(PHONE)));
    registrar.register("1002", request("d", 1, 600, Contact.of(SOFTPHONE)));
    clock.advance(Duration.ofSeconds(61));

    assertThat(registrar.purgeExpired()).isEqualTo(1);
    assertThat(registrar.bindings("1002")).hasSize(1);
  }

  @Test
  void anExpiredBindingIsNotAnObstacleToANewOne() {
    Registrar small = new Registrar(clock, new Registrar.Limits(60, 3600, 3600, 1));
    small.register("1001", request("c", 1, 60, Contact.of(PHONE)));
    clock.advance(Duration.ofSeconds(60));
    assertThat(current(small.register("1001", request("d", 1, 60, Contact.of(SOFTPHONE)))))
        .extracting(Binding::contactUri).containsExactly(SOFTPHONE);
  }

  @Test
  void aRegisterWithoutContactsIsAQuery() {
    registrar.register("1001", request("c", 1, 600, Contact.of(PHONE)));
    List<Binding> before = registrar.bindings("1001");

    assertThat(current(registrar.register("1001", request("q", 1, null)))).isEqualTo(before);
    assertThat(current(registrar.register("1002", request("q", 1, null)))).isEmpty();
    assertThat(registrar.bindings("1001")).isEqualTo(before);
  }

  // --- removal

  @Test
  void expiresZeroRemovesOneBinding() {
    registrar.register("1001", request("c", 1, 600, Contact.of(PHONE), Contact.of(SOFTPHONE)));

    List<Binding> left = current(registrar.register("1001", request("c", 2, 0, Contact.of(PHONE))));

    assertThat(left).extracting(Binding::contactUri).containsExactly(SOFTPHONE);
    assertThat(current(registrar.register("1001", request("c", 3, 600, contact(SOFTPHONE, 0, null))))).isEmpty();
    assertThat(registrar.size()).isZero();
  }

  @Test
  void removingAnUnknownContactChangesNothing() {
    assertThat(current(registrar.register("1001", request("c", 1, 0, Contact.of(PHONE))))).isEmpty();
  }

  @Test
  void wildcardWithExpiresZeroRemovesAll() {
    registrar.register("1001", request("c", 1, 600, Contact.of(PHONE)));
    registrar.register("1001", request("other-call", 7, 600, Contact.of(SOFTPHONE)));

    RegisterResult result = registrar.register("1001", RegisterRequest.unregisterAll("c", 2, "203.0.113.7:5060", "UDP"));

    assertThat(current(result)).isEmpty();
    assertThat(registrar.bindings("1001")).isEmpty();
  }

  @Test
  void wildcardNeedsExpiresZeroAndNoOtherContact() {
    registrar.register("1001", request("c", 1, 600, Contact.of(PHONE)));

    assertThat(refusal(registrar.register("1001", request("c", 2, null, Contact.of("*"))))).contains("Expires: 0");
    assertThat(refusal(registrar.register("1001", request("c", 2, 600, Contact.of("*"))))).contains("Expires: 0");
    assertThat(refusal(registrar.register("1001", request("c", 2, 0, contact("*", 60, null))))).contains("Expires: 0");
    assertThat(refusal(registrar.register("1001", request("c", 2, 0, Contact.of("*"), Contact.of(SOFTPHONE)))))
        .contains("only contact");
    assertThat(registrar.bindings("1001")).hasSize(1);
  }

  @Test
  void wildcardRespectsTheCseqOfItsOwnCallId() {
    registrar.register("1001", request("c", 5, 600, Contact.of(PHONE)));
    registrar.register("1001", request("other", 1, 600, Contact.of(SOFTPHONE)));

    RegisterResult result = registrar.register("1001", RegisterRequest.unregisterAll("c", 5, "203.0.113.7:5060", "UDP"));

    assertThat(refusal(result)).contains("out of order");
    assertThat(registrar.bindings("1001")).hasSize(2);
  }

  @Test
  void removeAllForADeletedAccount() {
    registrar.register("1001", request("c", 1, 600, Contact.of(PHONE), Contact.of(SOFTPHONE)));
    assertThat(registrar.removeAll("1001")).isEqualTo(2);
    assertThat(registrar.removeAll("1001")).isZero();
  }

  // --- ordering of requests (RFC 3261 §10.3 step 7)

  @Test
  void anOlderCseqOfTheSameCallIdIsRefusedAndChangesNothing() {
    registrar.register("1001", request("c", 10, 600, Contact.of(PHONE)));
    List<Binding> before = registrar.bindings("1001");

    RegisterResult older = registrar.register("1001", request("c", 9, 0, Contact.of(PHONE)));
    RegisterResult same = registrar.register("1001", request("c", 10, 1200, Contact.of(PHONE)));

    assertThat(refusal(older)).contains("out of order").contains("CSeq 9");
    assertThat(((Refused) older).status()).isEqualTo(400);
    assertThat(refusal(same)).contains("out of order");
    assertThat(registrar.bindings("1001")).isEqualTo(before);
  }

  @Test
  void anotherCallIdMayHaveAnyCseq() {
    registrar.register("1001", request("before-reboot", 500, 600, Contact.of(PHONE)));

    List<Binding> after = current(registrar.register("1001", request("after-reboot", 1, 600, Contact.of(PHONE))));

    assertThat(after).singleElement().satisfies(b -> {
      assertThat(b.callId()).isEqualTo("after-reboot");
      assertThat(b.cseq()).isEqualTo(1);
    });
  }

  @Test
  void oneOutOfOrderContactSpoilsTheWholeRequest() {
    registrar.register("1001", request("c", 10, 600, Contact.of(PHONE)));

    RegisterResult result = registrar.register("1001", request("c", 10, 600, Contact.of(SOFTPHONE), Contact.of(PHONE)));

    assertThat(refusal(result)).contains("out of order");
    assertThat(registrar.bindings("1001")).extracting(Binding::contactUri).containsExactly(PHONE);
  }

  @Test
  void aContactListedTwiceIsNotOutOfOrderWithItself() {
    List<Binding> bindings = current(registrar.register("1001",
        request("c", 1, 600, contact(PHONE, 300, null), contact(PHONE, 900, 0.5f))));
    assertThat(bindings).singleElement().satisfies(b -> {
      assertThat(b.expiresAt()).isEqualTo(start.plusSeconds(900));
      assertThat(b.q()).isEqualTo(0.5f);
    });
  }

  // --- Min-Expires (423)

  @Test
  void tooBriefIntervalGets423AndChangesNothing() {
    registrar.register("1001", request("c", 1, 600, Contact.of(PHONE)));
    List<Binding> before = registrar.bindings("1001");

    assertThat(registrar.register("1001", request("c", 2, 30, Contact.of(SOFTPHONE))))
        .isEqualTo(new IntervalTooBrief(60));
    assertThat(registrar.register("1001", request("c", 3, 600, Contact.of(SOFTPHONE), contact(PHONE, 59, null))))
        .isEqualTo(new IntervalTooBrief(60));
    assertThat(registrar.bindings("1001")).isEqualTo(before);
    assertThat(current(registrar.register("1001", request("c", 4, 60, Contact.of(SOFTPHONE))))).hasSize(2);
  }

  @Test
  void theBriefCheckComesBeforeTheOrderCheck() {
    registrar.register("1001", request("c", 5, 600, Contact.of(PHONE)));
    assertThat(registrar.register("1001", request("c", 1, 10, Contact.of(PHONE)))).isEqualTo(new IntervalTooBrief(60));
  }

  // --- limits and q

  @Test
  void atMostTenBindingsPerAccount() {
    for (int i = 0; i < 10; i++) {
      assertThat(registrar.register("1001", request("c" + i, 1, 600, Contact.of("sip:1001@10.0.0." + i))))
          .isInstanceOf(Ok.class);
    }

    RegisterResult eleventh = registrar.register("1001", request("c10", 1, 600, Contact.of("sip:1001@10.0.0.10")));

    assertThat(refusal(eleventh)).contains("too many bindings").contains("10");
    assertThat(((Refused) eleventh).status()).isEqualTo(403);
    assertThat(registrar.bindings("1001")).hasSize(10);
    // Refreshing one of the ten, or swapping one for another, still works.
    assertThat(registrar.register("1001", request("c3", 2, 600, Contact.of("sip:1001@10.0.0.3")))).isInstanceOf(Ok.class);
    assertThat(current(registrar.register("1001", request("c3", 3, 600, contact("sip:1001@10.0.0.3", 0, null),
        Contact.of("sip:1001@10.0.0.10"))))).hasSize(10);
    assertThat(registrar.bindings("1002")).isEmpty();
  }

  @Test
  void aRequestAddingTooManyAtOnceIsRefusedWhole() {
    Contact[] eleven = IntStream.range(0, 11).mapToObj(i -> Contact.of("sip:1001@10.0.1." + i)).toArray(Contact[]::new);
    assertThat(refusal(registrar.register("1001", request("c", 1, 600, eleven)))).contains("too many");
    assertThat(registrar.bindings("1001")).isEmpty();
  }

  @Test
  void orderedByQThenMostRecent() {
    registrar.register("1001", request("a", 1, 600, contact("sip:low@h", null, 0.1f)));
    registrar.register("1001", request("b", 1, 600, contact("sip:first-full@h", null, null)));
    registrar.register("1001", request("c", 1, 600, contact("sip:mid@h", null, 0.5f)));
    registrar.register("1001", request("d", 1, 600, contact("sip:second-full@h", null, 1.0f)));

    assertThat(registrar.bindings("1001")).extracting(Binding::contactUri)
        .containsExactly("sip:second-full@h", "sip:first-full@h", "sip:mid@h", "sip:low@h");
    assertThat(registrar.reachable("1001")).map(Binding::contactUri).contains("sip:second-full@h");

    // A refresh makes a binding the most recent one again.
    registrar.register("1001", request("b", 2, 600, contact("sip:first-full@h", null, null)));
    assertThat(registrar.reachable("1001")).map(Binding::contactUri).contains("sip:first-full@h");
  }

  @Test
  void qOutOfRangeIsRefused() {
    assertThat(refusal(registrar.register("1001", request("c", 1, 600, contact(PHONE, null, 1.5f))))).contains("q");
    assertThat(refusal(registrar.register("1001", request("c", 1, 600, contact(PHONE, null, Float.NaN))))).contains("q");
  }

  // --- concurrency

  @Test
  void concurrentRegistrationsKeepAConsistentCount() throws Exception {
    int threads = 16;
    int users = 50;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<int[]>> outcomes = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        Callable<int[]> work = () -> {
          go.await();
          int ok = 0;
          int refused = 0;
          for (int u = 0; u < users; u++) {
            RegisterResult r = registrar.register("user" + u,
                request("t" + thread, 1, 600, Contact.of("sip:user" + u + "@10.1." + thread + ".1")));
            if (r instanceof Ok) ok++;
            else if (r instanceof Refused) refused++;
            registrar.bindings("user" + ((u + thread) % users));
          }
          return new int[] {ok, refused};
        };
        outcomes.add(pool.submit(work));
      }
      go.countDown();
      int ok = 0;
      int refused = 0;
      for (Future<int[]> f : outcomes) {
        ok += f.get()[0];
        refused += f.get()[1];
      }

      // Sixteen phones per account, ten fit: exactly ten win each account, whatever the interleaving.
      assertThat(ok).isEqualTo(users * 10);
      assertThat(refused).isEqualTo(users * 6);
      assertThat(registrar.size()).isEqualTo(users * 10);
      for (int u = 0; u < users; u++) assertThat(registrar.bindings("user" + u)).hasSize(10);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentRefreshesLeaveTheHighestCseq() throws Exception {
    List<Integer> cseqs = new ArrayList<>(IntStream.rangeClosed(1, 400).boxed().toList());
    Collections.shuffle(cseqs, new java.util.Random(7));
    ExecutorService pool = Executors.newFixedThreadPool(8);
    CountDownLatch go = new CountDownLatch(1);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        List<Integer> mine = cseqs.subList(t * 50, (t + 1) * 50);
        done.add(pool.submit(() -> {
          go.await();
          for (int cseq : mine) registrar.register("1001", request("c", cseq, 600, Contact.of(PHONE)));
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) f.get();
    } finally {
      pool.shutdownNow();
    }
    assertThat(registrar.bindings("1001")).singleElement().extracting(Binding::cseq).isEqualTo(400L);
  }
}
