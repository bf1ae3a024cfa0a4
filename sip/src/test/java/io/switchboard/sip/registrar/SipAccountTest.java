package io.switchboard.sip.registrar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class SipAccountTest {

  @Test
  void keepsOnlyHa1AndHidesItFromToString() {
    SipAccount account = SipAccount.withPassword("1001", "s3cret-Pa55", "switchboard", "anna");

    assertThat(account.ha1Md5()).isEqualTo(DigestClient.h("MD5", "1001:switchboard:s3cret-Pa55"));
    assertThat(account.ha1Sha256()).isEqualTo(DigestClient.h("SHA-256", "1001:switchboard:s3cret-Pa55"));
    assertThat(account.toString())
        .contains("1001", "switchboard", "anna")
        .doesNotContain("s3cret-Pa55", account.ha1Md5(), account.ha1Sha256());
  }

  @Test
  void ha1IsValidatedAndNormalised() {
    String upper = DigestClient.h("MD5", "x").toUpperCase();
    assertThat(new SipAccount("u", "r", upper, null, null).ha1Md5()).isEqualTo(upper.toLowerCase());
    assertThatThrownBy(() -> new SipAccount("u", "r", "abc", null, null)).hasMessageContaining("ha1Md5");
    assertThatThrownBy(() -> new SipAccount("u", "r", null, DigestClient.h("MD5", "x"), null))
        .hasMessageContaining("ha1Sha256");
    assertThatThrownBy(() -> new SipAccount("u", "r", null, null, null)).hasMessageContaining("at least one HA1");
    assertThatThrownBy(() -> new SipAccount(" ", "r", upper, null, null)).hasMessageContaining("user");
  }

  @Test
  void directoryPutFindRemove() {
    SipAccountDirectory directory = new SipAccountDirectory();
    SipAccount first = SipAccount.withPassword("1001", "a", "r", "anna");
    SipAccount second = SipAccount.withPassword("1001", "b", "r", "anna");

    assertThat(directory.put(first)).isEmpty();
    assertThat(directory.put(second)).contains(first);
    assertThat(directory.find("1001")).contains(second);
    assertThat(directory.find("1002")).isEmpty();
    assertThat(directory.find(null)).isEmpty();
    assertThat(directory.remove("1001")).contains(second);
    assertThat(directory.size()).isZero();
  }

  @Test
  void directoryTakesConcurrentWriters() throws Exception {
    SipAccountDirectory directory = new SipAccountDirectory();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          for (int i = 0; i < 200; i++) {
            directory.put(new SipAccount("u" + thread + "-" + i, "r", DigestClient.h("MD5", "p" + i), null, null));
            directory.find("u" + thread + "-" + (i / 2)).orElseThrow();
          }
        }));
      }
      for (Future<?> f : done) f.get();
    } finally {
      pool.shutdownNow();
    }
    assertThat(directory.size()).isEqualTo(1600);
  }
}
