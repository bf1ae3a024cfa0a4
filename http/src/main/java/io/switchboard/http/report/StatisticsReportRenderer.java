package io.switchboard.http.report;

import io.switchboard.core.numberplan.NumberPlan;
import io.switchboard.core.report.ReportKind;
import io.switchboard.core.report.ReportPeriod;
import io.switchboard.core.report.ReportSchedule;
import io.switchboard.core.report.ReportSubscription;
import io.switchboard.core.statistics.IntervalCounts;
import io.switchboard.core.statistics.Intervals.Granularity;
import io.switchboard.core.statistics.Metrics;
import io.switchboard.http.statistics.StatisticsTables;
import io.switchboard.persistence.statistics.Dimension;
import io.switchboard.persistence.statistics.StatisticsReader;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Mailed reports from the statistics read side: the same rows, formulas and CSV as the
 * statistics API. A daily report has 15-minute rows, weekly and monthly ones daily rows.
 */
public final class StatisticsReportRenderer implements ReportRenderer {
  private final StatisticsReader reader;
  private final Supplier<NumberPlan.Plan> directory;

  /** {@code directory}: the centre's directory as last read (places queues and agents). */
  public StatisticsReportRenderer(StatisticsReader reader, Supplier<NumberPlan.Plan> directory) {
    this.reader = reader;
    this.directory = directory;
  }

  @Override
  public RenderedReport render(ReportSubscription s, ReportPeriod p) {
    String name = s.kind().wire() + "-" + p.label() + ".csv";
    return switch (s.kind()) {
      case QUEUE_SUMMARY -> {
        boolean byCompany = !s.values(ReportKind.COMPANY).isEmpty();
        Dimension d = byCompany ? Dimension.COMPANY : Dimension.QUEUE;
        List<String> keys = byCompany ? s.values(ReportKind.COMPANY) : queues(s);
        var rows = reader.intervals(d, keys, p.from(), p.to(), granularity(s));
        yield report(s, p, name, StatisticsTables.intervals(rows).csv(), summary(StatisticsReader.total(rows)));
      }
      case AGENT_SUMMARY -> {
        var rows = reader.intervals(Dimension.AGENT, agents(s), p.from(), p.to(), granularity(s));
        IntervalCounts total = StatisticsReader.total(rows);
        yield report(s, p, name, StatisticsTables.intervals(rows).csv(), String.format(Locale.ROOT,
            "%d agents, %d calls handled, occupancy %s.", rows.stream().map(StatisticsReader.IntervalRow::key).distinct()
                .count(), total.handled(), percent(Metrics.of(total).occupancy())));
      }
      case BILLING -> {
        List<String> aps = s.values(ReportKind.ANSWERING_POINT);
        var rows = reader.billing(aps.isEmpty() ? null : aps, day(p.from()), day(p.to()), false);
        long answered = rows.stream().mapToLong(StatisticsReader.BillingRow::answeredVoice).sum();
        yield report(s, p, name, StatisticsTables.billing(rows).csv(), answered + " calls answered.");
      }
      case CALL_LOG -> {
        var calls = reader.calls(new StatisticsReader.CallFilter(p.from(), p.to(), first(s, ReportKind.QUEUE),
            first(s, ReportKind.AGENT), first(s, ReportKind.COMPANY), first(s, ReportKind.ANSWERING_POINT), null,
            100_000));
        yield report(s, p, name, StatisticsTables.calls(calls).csv(), calls.size() + " calls.");
      }
    };
  }

  private RenderedReport report(ReportSubscription s, ReportPeriod p, String name, String csv, String summary) {
    String subject = "Switchboard " + s.kind().wire().replace('-', ' ') + " " + p.label();
    String text = subject + "\r\n" + p.from() + " – " + p.to() + " (" + reader.zone().getId() + ")\r\n"
        + (s.parameters().isEmpty() ? "" : "For " + s.parameters() + ".\r\n") + summary + "\r\n"
        + "The figures are in the attached " + name + ".\r\n";
    return new RenderedReport(subject, text, name, csv);
  }

  private static String summary(IntervalCounts c) {
    Metrics m = Metrics.of(c);
    return String.format(Locale.ROOT, "Offered %d, answered %d, abandoned %d (%d short), service level %s, ASA %s.",
        c.offered(), c.answered(), c.abandoned(), c.shortAbandoned(), percent(m.serviceLevel()),
        m.asaSeconds() == null ? "–" : String.format(Locale.ROOT, "%.1f s", m.asaSeconds()));
  }

  private static String percent(Double v) {
    return v == null ? "–" : String.format(Locale.ROOT, "%.1f %%", v);
  }

  private static Granularity granularity(ReportSubscription s) {
    return s.schedule() == ReportSchedule.DAILY ? Granularity.INTERVAL : Granularity.DAY;
  }

  /** The queues named, or those of the answering points named; null (all) when neither. */
  private List<String> queues(ReportSubscription s) {
    if (!s.values(ReportKind.QUEUE).isEmpty()) return s.values(ReportKind.QUEUE);
    Set<String> aps = Set.copyOf(s.values(ReportKind.ANSWERING_POINT));
    if (aps.isEmpty()) return null;
    return directory.get().queues().values().stream().filter(q -> aps.contains(q.answeringPoint().value()))
        .map(q -> q.id().value()).toList();
  }

  /** The agents named, or the members of the queues (or answering points) named; null for all. */
  private List<String> agents(ReportSubscription s) {
    if (!s.values(ReportKind.AGENT).isEmpty()) return s.values(ReportKind.AGENT);
    List<String> queues = queues(s);
    if (queues == null) return null;
    Set<String> qs = Set.copyOf(queues);
    return directory.get().agents().values().stream()
        .filter(a -> a.queues().stream().anyMatch(q -> qs.contains(q.value())))
        .map(a -> a.id().value()).collect(Collectors.toList());
  }

  private LocalDate day(java.time.Instant at) {
    return LocalDate.ofInstant(at, reader.zone());
  }

  private static String first(ReportSubscription s, String parameter) {
    List<String> v = s.values(parameter);
    return v.isEmpty() ? null : v.get(0);
  }
}
