package io.switchboard.sip.registrar;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** In-memory {@link SipAccounts}, safe to read while another thread provisions accounts. */
public final class SipAccountDirectory implements SipAccounts {

  private final ConcurrentMap<String, SipAccount> byUser = new ConcurrentHashMap<>();

  public SipAccountDirectory() {}

  public SipAccountDirectory(Iterable<SipAccount> accounts) {
    accounts.forEach(this::put);
  }

  @Override
  public Optional<SipAccount> find(String user) {
    return user == null ? Optional.empty() : Optional.ofNullable(byUser.get(user));
  }

  /** Adds the account or replaces the one with the same user name; returns the replaced one. */
  public Optional<SipAccount> put(SipAccount account) {
    Objects.requireNonNull(account, "account");
    return Optional.ofNullable(byUser.put(account.user(), account));
  }

  public Optional<SipAccount> remove(String user) {
    return user == null ? Optional.empty() : Optional.ofNullable(byUser.remove(user));
  }

  public int size() {
    return byUser.size();
  }

  public List<SipAccount> all() {
    return List.copyOf(byUser.values());
  }
}
