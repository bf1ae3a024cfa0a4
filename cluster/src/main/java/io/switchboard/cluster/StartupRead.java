package io.switchboard.cluster;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first read a starting node makes of the cluster (are there users? is there a number plan?).
 * A node that rejoins while the cluster is still recovering from a crash (the old incarnation
 * being downed, its shard coordinators moving) may wait longer than one ask for an answer: the
 * read is asked again, up to {@link #WAIT}, instead of failing the start.
 */
final class StartupRead {
  private static final Logger log = LoggerFactory.getLogger(StartupRead.class);
  static final Duration ASK = Duration.ofSeconds(20);
  static final Duration WAIT = Duration.ofSeconds(180);

  private StartupRead() {}

  static <Req, Res> Res ask(ActorSystem<?> system, RecipientRef<Req> target, Function<ActorRef<Res>, Req> request)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (true) {
      try {
        return AskPattern.ask(target, request::apply, ASK, system.scheduler())
            .toCompletableFuture().get(ASK.toSeconds() + 5, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        if (System.nanoTime() > deadline)
          throw new TimeoutException(target + " did not answer within " + WAIT.toSeconds() + " s of the node's start");
        log.info("{} did not answer yet (the cluster may still be recovering); asking again", target);
      }
    }
  }
}
