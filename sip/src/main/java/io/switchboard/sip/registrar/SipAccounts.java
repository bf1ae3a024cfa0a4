package io.switchboard.sip.registrar;

import java.util.Optional;

/** Looks up the SIP account of a digest user name. */
public interface SipAccounts {
  Optional<SipAccount> find(String user);
}
