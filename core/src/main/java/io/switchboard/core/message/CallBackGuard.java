package io.switchboard.core.message;

import java.util.Collection;
import java.util.Optional;

/**
 * ANS-16: the call-back number on a note must be the caller's, never one of the client's own
 * numbers (the number the caller dialled is the classic slip). Numbers compare as stored
 * (normalised), and a national form (trunk prefix 0) matches its international one.
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
    return nationalOf(a, b) || nationalOf(b, a);
  }

  /**
   * Whether {@code national} (trunk prefix 0) is {@code international} (+country code) written
   * at home: 08-555 10 00 is +46 8 555 10 00.
   */
  private static boolean nationalOf(String national, String international) {
    if (!national.startsWith("0") || national.startsWith("00") || !international.startsWith("+")) return false;
    String significant = national.substring(1);
    String digits = international.substring(1);
    int countryCode = digits.length() - significant.length();
    return significant.length() >= 6 && countryCode >= 1 && countryCode <= 3 && digits.endsWith(significant);
  }
}
