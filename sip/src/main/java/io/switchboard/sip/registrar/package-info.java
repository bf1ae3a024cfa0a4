/**
 * Registration of agents' SIP phones: digest authentication of REGISTER (and any other request
 * the gateway challenges) and the location service that says where each account's phone can be
 * reached now.
 *
 * <p>Nothing here knows JAIN-SIP: the gateway passes header values and extracted fields as plain
 * strings and gets records back, so every rule is unit-testable without a stack.
 */
package io.switchboard.sip.registrar;
