package io.switchboard.core.queue;

import io.switchboard.core.CborSerializable;
import io.switchboard.core.calendar.CalendarId;
import io.switchboard.core.routing.Strategy;
import io.switchboard.core.routing.WrapUpPolicy;
import java.time.Duration;

/**
 * A queue's settings. Omitted values take contact-centre defaults: longest-idle routing, 80 %
 * answered within 20 s, 5 s short abandons, 20 s offer timeout, a missed offer pauses the agent,
 * no wrap-up, no maximum wait, always open.
 */
public record QueueConfig(
    String name,
    Strategy strategy,
    CalendarId calendarId,
    ClosedAction closedAction,
    Duration serviceLevelThreshold,
    Integer serviceLevelTargetPercent,
    Duration maxWait,
    OverflowTarget overflow,
    Duration shortAbandonThreshold,
    Duration offerTimeout,
    Boolean pauseOnMissedOffer,
    Duration tierDelay,
    WrapUpPolicy wrapUp,
    Menu menu,
    String hotPrompt,
    CustomerNumberEntry customerNumberEntry)
    implements CborSerializable {

  private static final java.util.regex.Pattern PROMPT = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");

  public QueueConfig {
    if (name == null || name.isBlank()) throw new IllegalArgumentException("name is required");
    if (strategy == null) strategy = Strategy.LONGEST_IDLE;
    if (closedAction == null) closedAction = new ClosedAction.NightMessage("closed");
    serviceLevelThreshold = positive(serviceLevelThreshold, Duration.ofSeconds(20), "serviceLevelThreshold");
    if (serviceLevelTargetPercent == null) serviceLevelTargetPercent = 80;
    if (serviceLevelTargetPercent < 0 || serviceLevelTargetPercent > 100)
      throw new IllegalArgumentException("serviceLevelTargetPercent must be 0-100, got " + serviceLevelTargetPercent);
    if (maxWait != null) {
      positive(maxWait, null, "maxWait");
      if (overflow == null)
        throw new IllegalArgumentException("overflow is required when maxWait is set (a queue or a closed action)");
    }
    if (shortAbandonThreshold == null) shortAbandonThreshold = Duration.ofSeconds(5);
    if (shortAbandonThreshold.isNegative())
      throw new IllegalArgumentException("shortAbandonThreshold must not be negative (0 = no short abandons)");
    offerTimeout = positive(offerTimeout, Duration.ofSeconds(20), "offerTimeout");
    if (pauseOnMissedOffer == null) pauseOnMissedOffer = true;
    if (tierDelay == null) tierDelay = Duration.ZERO;
    if (tierDelay.isNegative() || (!tierDelay.isZero() && tierDelay.compareTo(Duration.ofSeconds(1)) < 0))
      throw new IllegalArgumentException("tierDelay must be zero (no tiers) or at least 1 second, got " + tierDelay);
    if (wrapUp == null) wrapUp = WrapUpPolicy.none();
    if (hotPrompt != null && hotPrompt.isBlank()) hotPrompt = null;
    if (hotPrompt != null && !PROMPT.matcher(hotPrompt).matches())
      throw new IllegalArgumentException("hotPrompt must be a sound file's name (letters, digits, '_', '.', '-'), got "
          + hotPrompt);
  }

  private static Duration positive(Duration value, Duration fallback, String field) {
    if (value == null) return fallback;
    if (value.isNegative() || value.isZero())
      throw new IllegalArgumentException(field + " must be positive, got " + value);
    return value;
  }

  /** Without a menu: what every queue before menus was. */
  public QueueConfig(String name, Strategy strategy, CalendarId calendarId, ClosedAction closedAction,
      Duration serviceLevelThreshold, Integer serviceLevelTargetPercent, Duration maxWait, OverflowTarget overflow,
      Duration shortAbandonThreshold, Duration offerTimeout, Boolean pauseOnMissedOffer, Duration tierDelay,
      WrapUpPolicy wrapUp) {
    this(name, strategy, calendarId, closedAction, serviceLevelThreshold, serviceLevelTargetPercent, maxWait, overflow,
        shortAbandonThreshold, offerTimeout, pauseOnMissedOffer, tierDelay, wrapUp, null, null, null);
  }

  public static QueueConfig named(String name) {
    return new QueueConfig(name, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
        null);
  }

  public QueueConfig withStrategy(Strategy s) {
    return new QueueConfig(name, s, calendarId, closedAction, serviceLevelThreshold, serviceLevelTargetPercent,
        maxWait, overflow, shortAbandonThreshold, offerTimeout, pauseOnMissedOffer, tierDelay, wrapUp, menu, hotPrompt, customerNumberEntry);
  }

  public QueueConfig withCalendar(CalendarId c, ClosedAction closed) {
    return new QueueConfig(name, strategy, c, closed, serviceLevelThreshold, serviceLevelTargetPercent,
        maxWait, overflow, shortAbandonThreshold, offerTimeout, pauseOnMissedOffer, tierDelay, wrapUp, menu, hotPrompt, customerNumberEntry);
  }

  public QueueConfig withMaxWait(Duration max, OverflowTarget target) {
    return new QueueConfig(name, strategy, calendarId, closedAction, serviceLevelThreshold, serviceLevelTargetPercent,
        max, target, shortAbandonThreshold, offerTimeout, pauseOnMissedOffer, tierDelay, wrapUp, menu, hotPrompt, customerNumberEntry);
  }

  public QueueConfig withOfferTimeout(Duration timeout, boolean pauseOnMiss) {
    return new QueueConfig(name, strategy, calendarId, closedAction, serviceLevelThreshold, serviceLevelTargetPercent,
        maxWait, overflow, shortAbandonThreshold, timeout, pauseOnMiss, tierDelay, wrapUp, menu, hotPrompt, customerNumberEntry);
  }

  public QueueConfig withTierDelay(Duration delay) {
    return new QueueConfig(name, strategy, calendarId, closedAction, serviceLevelThreshold, serviceLevelTargetPercent,
        maxWait, overflow, shortAbandonThreshold, offerTimeout, pauseOnMissedOffer, delay, wrapUp, menu, hotPrompt, customerNumberEntry);
  }

  public QueueConfig withWrapUp(WrapUpPolicy policy) {
    return new QueueConfig(name, strategy, calendarId, closedAction, serviceLevelThreshold, serviceLevelTargetPercent,
        maxWait, overflow, shortAbandonThreshold, offerTimeout, pauseOnMissedOffer, tierDelay, policy, menu, hotPrompt, customerNumberEntry);
  }

  /** This queue as a control queue with an IVR menu (null: none). */
  public QueueConfig withMenu(Menu m) {
    return new QueueConfig(name, strategy, calendarId, closedAction, serviceLevelThreshold, serviceLevelTargetPercent,
        maxWait, overflow, shortAbandonThreshold, offerTimeout, pauseOnMissedOffer, tierDelay, wrapUp, m, hotPrompt, customerNumberEntry);
  }

  /** A temporary announcement (an outage, a holiday) every new caller hears first; null: none. */
  public QueueConfig withHotPrompt(String prompt) {
    return new QueueConfig(name, strategy, calendarId, closedAction, serviceLevelThreshold, serviceLevelTargetPercent,
        maxWait, overflow, shortAbandonThreshold, offerTimeout, pauseOnMissedOffer, tierDelay, wrapUp, menu, prompt, customerNumberEntry);
  }

  /** Callers key in their customer number before they are queued (null: not asked). */
  public QueueConfig withCustomerNumberEntry(CustomerNumberEntry entry) {
    return new QueueConfig(name, strategy, calendarId, closedAction, serviceLevelThreshold, serviceLevelTargetPercent,
        maxWait, overflow, shortAbandonThreshold, offerTimeout, pauseOnMissedOffer, tierDelay, wrapUp, menu, hotPrompt,
        entry);
  }

  public QueueConfig withServiceLevel(Duration threshold, int targetPercent, Duration shortAbandon) {
    return new QueueConfig(name, strategy, calendarId, closedAction, threshold, targetPercent,
        maxWait, overflow, shortAbandon, offerTimeout, pauseOnMissedOffer, tierDelay, wrapUp, menu, hotPrompt, customerNumberEntry);
  }

  /** The prompts (sound files) this queue names: hot prompt, night messages, menu. */
  public java.util.Set<String> prompts() {
    java.util.Set<String> names = new java.util.TreeSet<>();
    if (hotPrompt != null) names.add(hotPrompt);
    if (closedAction instanceof ClosedAction.NightMessage n) names.add(n.prompt());
    if (overflow instanceof OverflowTarget.Close c && c.action() instanceof ClosedAction.NightMessage n)
      names.add(n.prompt());
    if (menu != null && menu.prompt() != null) names.add(menu.prompt());
    if (customerNumberEntry != null) names.add(customerNumberEntry.prompt());
    return names;
  }

  /** The terms a contact is queued under; they travel with the call's facts. */
  public QueueTerms terms() {
    return new QueueTerms(maxWait, overflow, serviceLevelThreshold, shortAbandonThreshold);
  }
}
