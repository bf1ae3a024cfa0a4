package io.switchboard.http.auth;

import io.switchboard.core.agent.AgentId;
import io.switchboard.core.directory.AnsweringPointId;
import io.switchboard.core.user.Role;
import io.switchboard.core.user.User;
import java.time.Instant;
import java.util.Arrays;

/** Who is calling: the user as of now and the session they signed in with. */
public record Principal(User user, String sessionId, Instant expiresAt) {

  public boolean has(Role... roles) {
    return Arrays.stream(roles).anyMatch(user.roles()::contains);
  }

  public boolean covers(AnsweringPointId answeringPoint) {
    return answeringPoint != null && user.covers(answeringPoint);
  }

  /** An agent is in scope through any of its queues (the directory places queues). */
  public boolean covers(io.switchboard.core.numberplan.NumberPlan.Plan plan,
      io.switchboard.core.numberplan.NumberPlan.AgentListing agent) {
    if (!scoped()) return true;
    return agent.queues().stream().map(plan.queues()::get).anyMatch(q -> q != null && covers(q.answeringPoint()));
  }

  /** Whether the principal sees this company (of that answering point): a client only its own. */
  public boolean covers(io.switchboard.core.directory.CompanyId company, AnsweringPointId answeringPoint) {
    return company != null && user.covers(company, answeringPoint);
  }

  /**
   * Limited to some answering points (an empty list in the user means all), or to some
   * companies (a client user).
   */
  public boolean scoped() {
    return !user.answeringPoints().isEmpty() || user.roles().contains(Role.CLIENT);
  }

  public AgentId agentId() {
    return user.agentId();
  }

  /**
   * The agent login this session holds: every socket of one browser session shares it (a
   * reconnect or another tab resumes), a login from another session replaces it.
   */
  public String loginId() {
    return "s-" + sessionId.substring(0, 16);
  }
}
