package io.switchboard.core.routing;

/** The media a contact arrives on; agents have a capacity per channel. */
public enum Channel {
  VOICE,
  CHAT,
  CASE
}
