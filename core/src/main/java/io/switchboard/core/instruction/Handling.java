package io.switchboard.core.instruction;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.switchboard.core.CborSerializable;
import io.switchboard.core.company.Contact;

/**
 * What the agent does with a call after the greeting (ANS-11): take a note for the client, or
 * announce and put the caller through to a target number, a fallback if that fails, and a note
 * when neither answers. {@code text} is what the agent reads; {@code faqEntry} points into the
 * company's FAQ tree when the answer depends on the caller's request (ANS-14).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = Handling.Note.class, name = "note"),
  @JsonSubTypes.Type(value = Handling.WaitList.class, name = "waitList")
})
public sealed interface Handling extends CborSerializable {
  int MAX_TEXT = 2000;

  String text();

  String faqEntry();

  /** Give the client's information and write a call note that is sent to the client. */
  record Note(String text, String faqEntry) implements Handling {
    public Note {
      text = Handling.checked(text);
      faqEntry = faqEntry == null || faqEntry.isBlank() ? null : faqEntry.strip();
    }
  }

  /** Announce, then transfer to {@code target}; if that fails to {@code fallback}; else a note. */
  record WaitList(String text, String target, String fallback, String faqEntry) implements Handling {
    public WaitList {
      text = Handling.checked(text);
      target = Contact.phone("target", target);
      if (target == null) throw new IllegalArgumentException("target is required for a wait list");
      fallback = Contact.phone("fallback", fallback);
      faqEntry = faqEntry == null || faqEntry.isBlank() ? null : faqEntry.strip();
    }
  }

  private static String checked(String text) {
    String t = text == null || text.isBlank() ? null : text.strip();
    if (t != null && t.length() > MAX_TEXT)
      throw new IllegalArgumentException("text must be at most " + MAX_TEXT + " characters, got " + t.length());
    return t;
  }
}
