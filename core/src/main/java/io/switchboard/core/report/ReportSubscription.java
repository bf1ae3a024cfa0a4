package io.switchboard.core.report;

import io.switchboard.core.CborSerializable;
import io.switchboard.core.Identifiers;
import io.switchboard.core.Refusal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A user's standing order for a report: what ({@code kind} narrowed by {@code parameters}), how
 * often ({@code schedule}) and to whom ({@code recipients}). A parameter value names one
 * directory id or several separated by commas ({@code "queue": "sales,support"}).
 * {@code createdAt} is set by the scheduler: the first period sent is the one it falls in.
 */
public record ReportSubscription(
    String id,
    String owner,
    ReportKind kind,
    ReportSchedule schedule,
    Map<String, String> parameters,
    List<String> recipients,
    Instant createdAt)
    implements CborSerializable {

  public static final int MAX_RECIPIENTS = 20;
  public static final int MAX_VALUES_PER_PARAMETER = 50;

  // Deliberately plain: no display names, no comments, nothing that could smuggle a header line.
  private static final Pattern ADDRESS = Pattern.compile(
      "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
          + "@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

  public ReportSubscription {
    // Copies that keep a null value, so problem() can name it instead of a constructor failing.
    parameters = parameters == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(parameters));
    recipients = recipients == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(recipients));
  }

  public ReportSubscription withCreatedAt(Instant at) {
    return new ReportSubscription(id, owner, kind, schedule, parameters, recipients, at);
  }

  /** The ids a parameter names, or an empty list when it is not given. */
  public List<String> values(String parameter) {
    String v = parameters.get(parameter);
    if (v == null || v.isBlank()) return List.of();
    return Arrays.stream(v.split(",")).map(String::strip).toList();
  }

  /** The first thing wrong with this subscription, naming the field; null when it is valid. */
  public Refusal problem() {
    if (!Identifiers.isValid(id))
      return Refusal.invalid("id", "id must be 1-64 characters of letters, digits, '.', '_' or '-', got " + quoted(id));
    if (owner == null || owner.isBlank()) return Refusal.invalid("owner", "owner is required");
    if (kind == null) return Refusal.invalid("kind", "kind must be one of " + ReportKind.allowed());
    if (schedule == null) return Refusal.invalid("schedule", "schedule must be one of daily, weekly, monthly");
    Refusal p = parametersProblem();
    return p != null ? p : recipientsProblem();
  }

  private Refusal parametersProblem() {
    for (Map.Entry<String, String> e : parameters.entrySet()) {
      String field = "parameters." + e.getKey();
      if (!kind.parameters().contains(e.getKey()))
        return Refusal.invalid(field, field + ": unknown parameter for " + kind.wire() + "; allowed: "
            + String.join(", ", sorted(kind.parameters())));
      String v = e.getValue();
      if (v == null || v.isBlank()) return Refusal.invalid(field, field + " must name at least one id");
      List<String> ids = values(e.getKey());
      if (ids.size() > MAX_VALUES_PER_PARAMETER)
        return Refusal.invalid(field, field + ": at most " + MAX_VALUES_PER_PARAMETER + " ids, got " + ids.size());
      Set<String> seen = new HashSet<>();
      for (String id : ids) {
        if (!Identifiers.isValid(id))
          return Refusal.invalid(field, field + ": " + quoted(id) + " is not an id (letters, digits, '.', '_', '-'; "
              + "several separated by commas)");
        if (!seen.add(id)) return Refusal.invalid(field, field + " names " + id + " twice");
      }
    }
    return null;
  }

  private Refusal recipientsProblem() {
    if (recipients.isEmpty()) return Refusal.invalid("recipients", "recipients must name at least one e-mail address");
    if (recipients.size() > MAX_RECIPIENTS)
      return Refusal.invalid("recipients", "recipients: at most " + MAX_RECIPIENTS + " addresses, got " + recipients.size());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < recipients.size(); i++) {
      String r = recipients.get(i);
      if (!isAddress(r))
        return Refusal.invalid("recipients", "recipients[" + i + "] is not an e-mail address: " + quoted(r));
      if (!seen.add(r.toLowerCase(Locale.ROOT)))
        return Refusal.invalid("recipients", "recipients[" + i + "] repeats " + r);
    }
    return null;
  }

  public static boolean isAddress(String s) {
    return s != null && s.length() <= 254 && ADDRESS.matcher(s).matches();
  }

  private static List<String> sorted(Set<String> names) {
    return names.stream().sorted().toList();
  }

  private static String quoted(String s) {
    return s == null ? "nothing" : "'" + s + "'";
  }
}
