package io.switchboard.core.company;

import io.switchboard.core.CborSerializable;
import io.switchboard.core.calendar.CalendarId;
import io.switchboard.core.instruction.CurrentException;
import io.switchboard.core.instruction.FaqNode;
import io.switchboard.core.instruction.Handling;
import io.switchboard.core.instruction.PhoneTone;
import io.switchboard.core.template.GreetingTemplate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the agent needs of a client company when its call arrives (ANS-2, ANS-11…ANS-16): the
 * greeting, the information to give, the standard handling and the current exceptions to it,
 * opening hours and out-of-hours handling, the phone tone, the FAQ tree, the client's own numbers
 * (never a call-back number) and CRM screen-pop URLs (ACD-13). Blocked callers are routing, so
 * they live in the number plan ({@code BlockedCallers}).
 */
public record CompanyProfile(
    GreetingTemplate greeting,
    String information,
    Handling standardHandling,
    Handling outOfHoursHandling,
    String businessHours,
    CalendarId calendar,
    PhoneTone tone,
    List<CurrentException> exceptions,
    List<FaqNode> faq,
    List<String> ownNumbers,
    List<String> screenPopUrls)
    implements CborSerializable {

  public static final int MAX_INFORMATION = 4000;
  public static final int MAX_LIST = 1000;
  /** The codes a screen-pop URL may hold, filled in per call. */
  public static final List<String> URL_CODES = List.of("{CUSTID}", "{AID}", "{ANO}", "{CALLID}", "{COMPANY}");

  public static final CompanyProfile EMPTY =
      new CompanyProfile(null, null, null, null, null, null, null, null, null, null, null);

  public CompanyProfile {
    information = information == null || information.isBlank() ? null : information.strip();
    if (information != null && information.length() > MAX_INFORMATION)
      throw new IllegalArgumentException("information must be at most " + MAX_INFORMATION + " characters");
    businessHours = businessHours == null || businessHours.isBlank() ? null : businessHours.strip();
    if (businessHours != null && businessHours.length() > Contact.MAX_TEXT)
      throw new IllegalArgumentException("businessHours must be at most " + Contact.MAX_TEXT + " characters");
    tone = tone == null ? PhoneTone.FORMAL : tone;
    exceptions = exceptions == null ? List.of() : List.copyOf(exceptions);
    Set<String> seen = new HashSet<>();
    for (CurrentException e : exceptions)
      if (!seen.add(e.id())) throw new IllegalArgumentException("exceptions: id " + e.id() + " is used twice");
    faq = faq == null ? List.of() : List.copyOf(faq);
    List<String> faqIds = FaqNode.ids(faq);
    for (Handling h : new Handling[] {standardHandling, outOfHoursHandling})
      if (h != null && h.faqEntry() != null && !faqIds.contains(h.faqEntry()))
        throw new IllegalArgumentException("faqEntry " + h.faqEntry() + " is not in the faq tree");
    ownNumbers = numbers("ownNumbers", ownNumbers);
    // Checked before the copy: List.copyOf throws a bare NullPointerException on a null entry.
    for (String u : screenPopUrls == null ? List.<String>of() : screenPopUrls)
      if (u == null || !(u.startsWith("https://") || u.startsWith("http://")) || u.length() > 1000)
        throw new IllegalArgumentException("screenPopUrls: '" + u + "' is not an http(s) URL of at most 1000 characters");
    screenPopUrls = screenPopUrls == null ? List.of() : List.copyOf(screenPopUrls);
  }

  private static List<String> numbers(String field, List<String> raw) {
    List<String> out = new ArrayList<>();
    for (String r : raw == null ? List.<String>of() : raw) {
      String n = Contact.phone(field, r);
      if (n != null && !out.contains(n)) out.add(n);
    }
    if (out.size() > MAX_LIST) throw new IllegalArgumentException(field + ": at most " + MAX_LIST + " numbers");
    return List.copyOf(out);
  }

  public CompanyProfile withExceptions(List<CurrentException> list) {
    return new CompanyProfile(greeting, information, standardHandling, outOfHoursHandling, businessHours, calendar,
        tone, list, faq, ownNumbers, screenPopUrls);
  }
}
