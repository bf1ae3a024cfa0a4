package io.switchboard.core.instruction;

import com.fasterxml.jackson.annotation.JsonValue;
import io.switchboard.core.company.CompanyProfile;
import io.switchboard.core.company.Contact;
import io.switchboard.core.company.Redirect;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Which instruction the agent follows for a call (ANS-11…ANS-15), as a pure rule: a current
 * exception beats everything while it lasts; then the whole company's redirect; outside opening
 * hours the out-of-hours handling; then the picked contact's own handling; else standard
 * handling. Whatever wins, the agent also sees the phone tone, the business hours and the FAQ
 * entry the handling points at.
 */
public final class WorkInstruction {

  private WorkInstruction() {}

  public enum Source {
    EXCEPTION, COMPANY_REDIRECT, OUT_OF_HOURS, CONTACT, STANDARD, NONE;

    @JsonValue
    public String json() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * The resolved instruction. {@code text} is what to read; {@code handling} is null for a
   * contact's own free-text handling or a company redirect; {@code exceptionId} names the
   * exception that won, {@code faq} the FAQ entry the handling points at.
   */
  public record Resolved(Source source, String text, Handling handling, String exceptionId, Redirect redirect,
      PhoneTone tone, String information, String businessHours, FaqNode faq) {}

  /**
   * @param contact the contact the call is for or the agent picked (null for none)
   * @param companyRedirect the whole company's absence (null for none)
   * @param open whether the company is open now by its calendar (null when it has none)
   */
  public static Resolved resolve(CompanyProfile profile, Redirect companyRedirect, Contact contact, Instant now,
      Boolean open) {
    CompanyProfile p = profile == null ? CompanyProfile.EMPTY : profile;
    Optional<CurrentException> exception = p.exceptions().stream().filter(e -> e.activeAt(now)).findFirst();
    if (exception.isPresent()) {
      Handling h = exception.get().handling();
      return resolved(p, Source.EXCEPTION, h.text(), h, exception.get().id(), null);
    }
    if (companyRedirect != null && companyRedirect.activeAt(now))
      return resolved(p, Source.COMPANY_REDIRECT, companyRedirect.note(), null, null, companyRedirect);
    if (Boolean.FALSE.equals(open) && p.outOfHoursHandling() != null)
      return resolved(p, Source.OUT_OF_HOURS, p.outOfHoursHandling().text(), p.outOfHoursHandling(), null, null);
    if (contact != null && contact.handling() != null)
      return resolved(p, Source.CONTACT, contact.handling(), null, null, null);
    if (p.standardHandling() != null)
      return resolved(p, Source.STANDARD, p.standardHandling().text(), p.standardHandling(), null, null);
    return resolved(p, Source.NONE, null, null, null, null);
  }

  private static Resolved resolved(CompanyProfile p, Source source, String text, Handling h, String exceptionId,
      Redirect redirect) {
    FaqNode faq = h == null || h.faqEntry() == null ? null : FaqNode.find(p.faq(), h.faqEntry()).orElse(null);
    return new Resolved(source, text, h, exceptionId, redirect, p.tone(), p.information(), p.businessHours(), faq);
  }
}
