package io.switchboard.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The answering benchmark in-process with tiny numbers (5 companies x 20 contacts, 2 agents,
 * 2 calls/s for 4 s after 1 s of warm-up, one import of 200 rows) against the node jar the
 * cluster module built: every call offered and popped with the right card, no error.
 */
class AnsweringBenchmarkSmokeTest {

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void a_tiny_directory_pops_every_call_with_its_card_and_imports_the_workbook() throws Exception {
    AnsweringOptions options = AnsweringOptions.parse("--companies", "5", "--contacts", "20", "--queues", "2",
        "--agents", "2", "--rate", "2", "--duration", "4", "--warmup", "1", "--talk", "300", "--drain", "20",
        "--import-rows", "200", "--import-runs", "1", "--node-heap", "512m");
    Path jar = options.nodeJar();
    if (!Files.isRegularFile(jar))
      fail("the node jar " + jar + " does not exist: build the cluster module first"
          + " (cd " + Options.repoRoot() + " && mvn -q -DskipTests install), or run mvn verify from the root");

    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    AnsweringReport r;
    try {
      r = new AnsweringBenchmark(options, out).run();
    } finally {
      System.out.print(buffer.toString(StandardCharsets.UTF_8));
    }

    assertThat(r.errorSamples()).as("errors").isEmpty();
    assertThat(r.errors()).as("errors").isZero();
    assertThat(r.contactsImported()).as("contacts imported").isEqualTo(100);
    assertThat(r.redirects()).as("redirects set (5 %)").isEqualTo(5);
    assertThat(r.posted()).as("test calls placed").isEqualTo(10);
    assertThat(r.offers()).as("offers").isEqualTo(10);
    assertThat(r.pops()).as("screen pops").isEqualTo(10);
    assertThat(r.popLatency().count()).as("pops measured after the warm-up").isEqualTo(8);
    assertThat(r.popLatency().p50()).as("offer->pop p50").isNotNaN().isGreaterThanOrEqualTo(0);
    assertThat(r.popBytes().p50()).as("pop size").isGreaterThan(1000);
    assertThat(r.imports()).hasSize(1);
    AnsweringReport.ImportRun i = r.imports().get(0);
    assertThat(i.error()).as("import error").isNull();
    assertThat(i.added()).as("rows imported from the .xlsx").isEqualTo(200);
    assertThat(i.previewMs()).isPositive();
    assertThat(i.commitMs()).isPositive();
    assertThat(i.heapBefore()).as("heap after GC before the import").isPositive();
    assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("signed in as admin").contains("offer->pop");
  }

  @Test
  void the_generated_files_hold_what_the_import_expects() throws Exception {
    DirectoryData.Company c = DirectoryData.company(0);
    assertThat(c.greeting()).contains("{ANO}").contains(c.name());
    assertThat(c.greetingFor("+46731234567")).contains("+46731234567").doesNotContain("{ANO}");
    List<DirectoryData.Person> staff = DirectoryData.staff(c, 1000);
    assertThat(staff).hasSize(1000);
    // ids are the e-mails' local parts as the import folds them, all different
    assertThat(staff.stream().map(DirectoryData.Person::id).distinct()).hasSize(1000);
    assertThat(staff).allSatisfy(p -> assertThat(p.id()).matches("[a-z0-9-]+").isEqualTo(
        p.email().substring(0, p.email().indexOf('@')).replace('.', '-')));
    assertThat(staff.stream().filter(DirectoryData.Person::department)).isNotEmpty();
    assertThat(AnsweringBenchmark.redirectsPerCompany(1000)).isEqualTo(50);
    String csv = new String(DirectoryData.csv(staff.subList(0, 3)), StandardCharsets.UTF_8);
    assertThat(csv).startsWith("Namn;Typ;Titel;Avdelning;Telefon;Telefon 2;E-post;Mobil;Hälsning;Instruktion\r\n");
    byte[] xlsx = DirectoryData.xlsx(staff);
    assertThat(new String(xlsx, 0, 2, StandardCharsets.ISO_8859_1)).as("a zip file").isEqualTo("PK");
  }

  @Test
  void a_bad_option_is_named() {
    assertThatThrownBy(() -> AnsweringOptions.parse("--companies", "many"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--companies").hasMessageContaining("many");
    assertThatThrownBy(() -> AnsweringOptions.parse("--import-only", "--import-rows", "0"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--import-only");
    assertThatThrownBy(() -> AnsweringOptions.parse("--keep=yes"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--keep");
  }
}
