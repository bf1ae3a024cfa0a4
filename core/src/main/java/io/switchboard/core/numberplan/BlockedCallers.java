package io.switchboard.core.numberplan;

import io.switchboard.core.CborSerializable;
import io.switchboard.core.company.Contact;
import io.switchboard.core.queue.ClosedAction;
import java.util.ArrayList;
import java.util.List;

/**
 * Callers a client does not take calls from (ANS-15: advertisers): their numbers, and what is
 * done with such a call instead of queueing it (refused by default, or a night message, a
 * forward, voicemail). Kept in the number plan because routing reads it on every arrival.
 */
public record BlockedCallers(List<String> numbers, ClosedAction action) implements CborSerializable {

  public static final int MAX = 1000;

  public BlockedCallers {
    List<String> out = new ArrayList<>();
    for (String raw : numbers == null ? List.<String>of() : numbers) {
      String n = Contact.phone("numbers", raw);
      if (n != null && !out.contains(n)) out.add(n);
    }
    if (out.size() > MAX) throw new IllegalArgumentException("numbers: at most " + MAX + ", got " + out.size());
    numbers = List.copyOf(out);
    action = action == null ? new ClosedAction.Reject() : action;
  }

  public boolean blocks(String callerNumber) {
    if (callerNumber == null || numbers.isEmpty()) return false;
    String n;
    try {
      n = Contact.phone("callerNumber", callerNumber);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return numbers.contains(n);
  }
}
