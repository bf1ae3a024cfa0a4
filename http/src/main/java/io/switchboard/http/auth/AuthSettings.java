package io.switchboard.http.auth;

import com.typesafe.config.Config;
import io.switchboard.core.user.LockoutPolicy;
import java.time.Duration;
import java.util.List;

/** {@code switchboard.auth} and the origins browsers may open sockets from. */
public record AuthSettings(
    Duration sessionTtl, LockoutPolicy lockout, int bcryptCost, boolean secureCookie, List<String> allowedOrigins) {

  public static final String COOKIE = "sb_session";

  public static AuthSettings from(Config root) {
    Config c = root.getConfig("switchboard.auth");
    return new AuthSettings(
        c.getDuration("session-ttl"),
        new LockoutPolicy(c.getInt("max-failed-logins"), c.getDuration("failure-window"), c.getDuration("lockout")),
        c.getInt("bcrypt-cost"),
        c.getBoolean("secure-cookie"),
        root.getStringList("switchboard.http.allowed-origins"));
  }
}
