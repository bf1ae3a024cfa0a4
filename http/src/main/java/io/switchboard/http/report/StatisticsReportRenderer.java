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
  private final List<String> slices;
  private final java.util.function.Function<String, java.util.Set<String>> ownerScope;

  /**
   * @param directory the centre's directory (places queues, companies and agents)
   * @param slices the projection slices whose progress decides whether a period is complete
   * @param ownerScope the answering points a user may see now (empty: all); a report never holds
   *     more than its owner could read through the API at the time it is sent
   */
  public StatisticsReportRenderer(StatisticsReader reader, Supplier<NumberPlan.Plan> directory, List<String> slices,
      java.util.function.Function<String, java.util.Set<String>> ownerScope) {
    this.ownerScope = ownerScope;
    this.reader = reader;
    this.directory = directory;
    this.slices = slices;
  }

  @Override
  public RenderedReport render(ReportSubscription s, ReportPeriod p) {
    // A report is sent once: never before the read side holds the whole period.
    java.time.Instant complete = reader.completeUpTo(slices);
    if (complete.isBefore(p.to()))
      throw new IllegalStateException("the statistics are complete up to " + complete + " only, not yet to the end of "
          + p.label() + "; the report waits");
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
        List<String> aps = answeringPoints(s);
        var rows = reader.billing(aps.isEmpty() ? null : aps, day(p.from()), day(p.to().minusMillis(1)).plusDays(1),
            false);
        long answered = rows.stream().mapToLong(StatisticsReader.BillingRow::answeredVoice).sum();
        yield report(s, p, name, StatisticsTables.billing(rows).csv(), answered + " calls answered.");
      }
      case CALL_LOG -> {
        // Each value of each parameter narrows; calls outside the answering points the parameters
        // name (or place) are never in it.
        List<String> scope = answeringPoints(s);
        var calls = new java.util.ArrayList<StatisticsReader.CallLogEntry>();
        for (String queue : orAll(s.values(ReportKind.QUEUE)))
          for (String agent : orAll(s.values(ReportKind.AGENT)))
            for (String company : orAll(s.values(ReportKind.COMPANY)))
              calls.addAll(reader.calls(new StatisticsReader.CallFilter(p.from(), p.to(), queue, agent, company, null,
                  scope.isEmpty() ? null : scope, 100_000)));
        calls.sort(java.util.Comparator.comparing(StatisticsReader.CallLogEntry::arrivedAt)
            .thenComparing(StatisticsReader.CallLogEntry::callId));
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
    List<String> scope = answeringPoints(s);
    if (!s.values(ReportKind.QUEUE).isEmpty()) return s.values(ReportKind.QUEUE).stream()
        .filter(q -> scope.isEmpty() || inScope(q, scope)).toList();
    Set<String> aps = Set.copyOf(scope);
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

  /**
   * The answering points a subscription's parameters name or place (those of its companies,
   * queues and agents' queues); empty when it names none, i.e. the whole centre of an unscoped
   * owner (the API refuses that to a scoped one).
   */
  private List<String> answeringPoints(ReportSubscription s) {
    NumberPlan.Plan plan = directory.get();
    java.util.Set<String> aps = new java.util.TreeSet<>(s.values(ReportKind.ANSWERING_POINT));
    for (String c : s.values(ReportKind.COMPANY)) {
      var company = plan.companies().get(new io.switchboard.core.directory.CompanyId(c));
      if (company != null) aps.add(company.answeringPoint().value());
    }
    for (String q : s.values(ReportKind.QUEUE)) {
      var queue = plan.queues().get(new io.switchboard.core.queue.QueueId(q));
      if (queue != null) aps.add(queue.answeringPoint().value());
    }
    boolean named = !s.parameters().isEmpty();
    if (named && aps.isEmpty() && s.values(ReportKind.AGENT).isEmpty())
      throw new IllegalStateException("the report's parameters name nothing in the directory any more");
    java.util.Set<String> owner = ownerScope.apply(s.owner());
    if (!owner.isEmpty()) {
      if (aps.isEmpty()) aps.addAll(owner);
      else aps.retainAll(owner);
      if (aps.isEmpty()) throw new IllegalStateException("the report's owner no longer sees what it names");
    }
    return List.copyOf(aps);
  }

  private boolean inScope(String queue, List<String> aps) {
    var q = directory.get().queues().get(new io.switchboard.core.queue.QueueId(queue));
    return q != null && aps.contains(q.answeringPoint().value());
  }

  private static List<String> orAll(List<String> values) {
    return values.isEmpty() ? java.util.Collections.singletonList(null) : values;
  }

  private LocalDate day(java.time.Instant at) {
    return LocalDate.ofInstant(at, reader.zone());
  }

}
