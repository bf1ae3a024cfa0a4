package io.switchboard.core.message;

import java.util.Collection;
import java.util.Optional;

/**
 * ANS-16: the call-back number on a note must be the caller's, never one of the client's own
 * numbers (the number the caller dialled is the classic slip). Numbers compare as stored
 * (normalised), and a national form matches its international one by its last nine digits.
 */
public final class CallBackGuard {

  private CallBackGuard() {}

  /** The client's own numbers: its dialled numbers in the number plan and those its profile lists. */
  public static java.util.List<String> clientNumbers(io.switchboard.core.numberplan.NumberPlan.Plan plan,
      io.switchboard.core.directory.CompanyId company, io.switchboard.core.company.CompanyProfile profile) {
    java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>(profile.ownNumbers());
    plan.entries().values().stream().filter(e -> company.equals(e.company()))
        .map(io.switchboard.core.numberplan.NumberPlanEntry::dialledNumber).forEach(out::add);
    return java.util.List.copyOf(out);
  }

  /** Why the number may not be used, or empty when it may. */
  public static Optional<String> check(String callBackNumber, Collection<String> clientNumbers) {
    if (callBackNumber == null) return Optional.empty();
    for (String own : clientNumbers)
      if (own != null && same(callBackNumber, own))
        return Optional.of("callerNumber " + callBackNumber + " is the client's own number (" + own
            + "); write the number the caller can be reached on");
    return Optional.empty();
  }

  static boolean same(String a, String b) {
    if (a.equals(b)) return true;
    String da = a.replace("+", ""), db = b.replace("+", "");
    if (da.length() < 9 || db.length() < 9) return false;
    // 08-123 456 78 against +46 8 123 456 78: the national prefix 0 and the country code differ.
    return da.substring(da.length() - 9).equals(db.substring(db.length() - 9))
        && (a.startsWith("0") || b.startsWith("0") || da.equals(db));
  }
}
