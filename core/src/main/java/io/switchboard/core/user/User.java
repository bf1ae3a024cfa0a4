package io.switchboard.core.user;

import io.switchboard.core.CborSerializable;
import io.switchboard.core.agent.AgentId;
import io.switchboard.core.directory.AnsweringPointId;
import io.switchboard.core.directory.CompanyId;
import java.time.Instant;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A person who signs in. {@code answeringPoints} limits what the user sees and changes; empty
 * means every answering point. A client user (customer portal) has only the client role and is
 * limited to its {@code companies}, which must not be empty. {@code passwordHash} is a bcrypt hash, never the password.
 * {@code failedLogins} counts failures since {@code firstFailureAt}; {@code lockedUntil} is set
 * when they reached the limit.
 */
public record User(
    String username,
    String name,
    String passwordHash,
    Set<Role> roles,
    Set<AnsweringPointId> answeringPoints,
    Set<CompanyId> companies,
    AgentId agentId,
    int failedLogins,
    Instant firstFailureAt,
    Instant lockedUntil)
    implements CborSerializable {

  private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._@-]{1,63}");

  public User {
    requireUsername(username);
    if (name == null || name.isBlank()) throw new IllegalArgumentException("name is required");
    if (passwordHash == null || passwordHash.isBlank()) throw new IllegalArgumentException("password is required");
    roles = roles == null ? Set.of() : Set.copyOf(roles);
    if (roles.isEmpty()) throw new IllegalArgumentException("roles must name at least one of admin, supervisor, agent");
    answeringPoints = answeringPoints == null ? Set.of() : Set.copyOf(answeringPoints);
    companies = companies == null ? Set.of() : Set.copyOf(companies);
    if (roles.contains(Role.CLIENT) && roles.size() > 1)
      throw new IllegalArgumentException("roles: a client user has the role client only");
    if (roles.contains(Role.CLIENT) && companies.isEmpty())
      throw new IllegalArgumentException("companies must name the client's companies for a user with the client role");
    if (!roles.contains(Role.CLIENT) && !companies.isEmpty())
      throw new IllegalArgumentException("companies limits only client users; use answeringPoints for staff");
    if (roles.contains(Role.AGENT) && agentId == null)
      throw new IllegalArgumentException("agentId is required for a user with the agent role");
  }

  public static void requireUsername(String username) {
    if (username == null || !USERNAME.matcher(username).matches())
      throw new IllegalArgumentException(
          "username must be 2-64 characters: lower-case letters, digits, '.', '_', '@' or '-', got " + username);
  }

  public boolean lockedAt(Instant now) {
    return lockedUntil != null && now.isBefore(lockedUntil);
  }

  /** Whether the user sees things of this answering point; never for a client user. */
  public boolean covers(AnsweringPointId answeringPoint) {
    if (roles.contains(Role.CLIENT)) return false;
    return answeringPoints.isEmpty() || answeringPoints.contains(answeringPoint);
  }

  /** Whether the user sees this company of that answering point. */
  public boolean covers(CompanyId company, AnsweringPointId answeringPoint) {
    if (roles.contains(Role.CLIENT)) return companies.contains(company);
    return covers(answeringPoint);
  }

  User withFailures(int count, Instant first, Instant locked) {
    return new User(username, name, passwordHash, roles, answeringPoints, companies, agentId, count, first, locked);
  }
}
