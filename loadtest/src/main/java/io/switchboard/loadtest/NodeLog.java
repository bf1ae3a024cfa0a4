package io.switchboard.loadtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** What a benchmarked node wrote at ERROR and WARN: counts and a few distinct lines. */
record NodeLog(long errors, long warnings, List<String> samples) {

  private static final Pattern LOG_LEVEL = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (ERROR|WARN)\\s+(.*)$");

  static NodeLog scan(Path log) {
    Set<String> samples = new LinkedHashSet<>();
    long[] counts = new long[2];
    try (Stream<String> lines = Files.lines(log, StandardCharsets.UTF_8)) {
      lines.forEach(line -> {
        Matcher m = LOG_LEVEL.matcher(line);
        if (!m.find()) return;
        counts[m.group(1).equals("ERROR") ? 0 : 1]++;
        // Ids and numbers vary between lines that say the same: one sample for them all.
        String text = m.group(1) + " " + m.group(2);
        text = text.replaceAll("[0-9a-f]{8}-[0-9a-f-]{27}", "<uuid>").replaceAll("\\d+", "#");
        if (samples.size() < 6) samples.add(text.length() > 220 ? text.substring(0, 220) + "..." : text);
      });
    } catch (IOException | RuntimeException e) {
      return new NodeLog(counts[0], counts[1], List.of("(cannot read the node log: " + e + ")"));
    }
    return new NodeLog(counts[0], counts[1], List.copyOf(samples));
  }

  /** Adds this scan to a report's counters and samples. */
  void into(List<String> sampleList, LongConsumer errorCount, LongConsumer warningCount) {
    errorCount.accept(errors);
    warningCount.accept(warnings);
    sampleList.addAll(samples);
  }
}
