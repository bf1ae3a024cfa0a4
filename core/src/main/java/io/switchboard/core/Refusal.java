package io.switchboard.core;

/**
 * Why an entity refused a command. Refusals change nothing: the entity replies and persists no
 * event. {@code field} names the input at fault when there is one.
 */
public record Refusal(Code code, String message, String field) implements CborSerializable {

  public enum Code {
    /** The input is malformed or out of range. */
    INVALID,
    /** The addressed thing does not exist (unknown agent, queue, call, dialled number...). */
    NOT_FOUND,
    /** The command does not fit the entity's current state (already logged in, not on that call...). */
    CONFLICT,
    /** The offer was withdrawn or answered by someone else before this command arrived. */
    GONE,
    /**
     * Another entity the command needed did not answer in time. Unlike the others this may not
     * be final: the command may still take effect, so the caller reads the state or repeats it.
     */
    UNAVAILABLE
  }

  public static Refusal invalid(String field, String message) {
    return new Refusal(Code.INVALID, message, field);
  }

  public static Refusal notFound(String message) {
    return new Refusal(Code.NOT_FOUND, message, null);
  }

  public static Refusal conflict(String message) {
    return new Refusal(Code.CONFLICT, message, null);
  }

  public static Refusal gone(String message) {
    return new Refusal(Code.GONE, message, null);
  }

  public static Refusal unavailable(String message) {
    return new Refusal(Code.UNAVAILABLE, message, null);
  }
}
