package io.switchboard.core;

/**
 * Marker for everything that crosses a node boundary or is written to the journal: commands,
 * replies, events and snapshots. Bound to Jackson CBOR in {@code reference.conf}; Java
 * serialization is switched off.
 */
public interface CborSerializable {}
