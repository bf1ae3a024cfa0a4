package io.switchboard.http.statistics;

import io.switchboard.core.statistics.IntervalCounts;
import io.switchboard.core.statistics.Metrics;
import io.switchboard.persistence.statistics.StatisticsReader;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The statistics as tables (header and rows): what CSV exports and mailed reports contain. */
public final class StatisticsTables {
  private StatisticsTables() {}

  public record Table(List<String> header, List<List<?>> rows) {
    public String csv() {
      return Csv.of(header, rows);
    }
  }

  private static final List<String> METRICS = Arrays.stream(Metrics.class.getRecordComponents())
      .map(RecordComponent::getName).toList();

  public static Table intervals(List<StatisticsReader.IntervalRow> rows) {
    List<String> header = new ArrayList<>(List.of("dimension", "key", "periodStart"));
    header.addAll(IntervalCounts.FIELDS);
    header.addAll(METRICS);
    List<List<?>> out = new ArrayList<>();
    for (StatisticsReader.IntervalRow r : rows) {
      List<Object> row = new ArrayList<>(List.of(r.dimension(), r.key(), r.periodStart().toString()));
      for (long v : r.counts().values()) row.add(v);
      row.addAll(values(Metrics.of(r.counts())));
      out.add(row);
    }
    return new Table(header, out);
  }

  public static Table calls(List<StatisticsReader.CallLogEntry> calls) {
    return records(StatisticsReader.CallLogEntry.class, calls);
  }

  public static Table billing(List<StatisticsReader.BillingRow> rows) {
    return records(StatisticsReader.BillingRow.class, rows);
  }

  private static <R extends Record> Table records(Class<R> type, List<R> rows) {
    RecordComponent[] components = type.getRecordComponents();
    List<String> header = Arrays.stream(components).map(RecordComponent::getName).toList();
    List<List<?>> out = new ArrayList<>();
    for (R r : rows) out.add(values(r));
    return new Table(header, out);
  }

  private static List<Object> values(Record r) {
    List<Object> row = new ArrayList<>();
    for (RecordComponent c : r.getClass().getRecordComponents()) {
      try {
        Object v = c.getAccessor().invoke(r);
        row.add(v == null ? "" : v instanceof Double d ? String.format(java.util.Locale.ROOT, "%.2f", d) : v.toString());
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    return row;
  }
}
