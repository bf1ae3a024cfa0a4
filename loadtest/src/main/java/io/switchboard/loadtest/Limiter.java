package io.switchboard.loadtest;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/** At most {@code permits} async tasks at once; the rest wait their turn in order (never dropped). */
final class Limiter {
  private final Semaphore permits;
  private final ConcurrentLinkedQueue<Runnable> waiting = new ConcurrentLinkedQueue<>();

  Limiter(int permits) {
    this.permits = new Semaphore(permits);
  }

  <T> CompletableFuture<T> submit(Supplier<CompletableFuture<T>> task) {
    CompletableFuture<T> result = new CompletableFuture<>();
    waiting.add(() -> {
      CompletableFuture<T> f;
      try {
        f = task.get();
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      f.whenComplete((v, e) -> {
        permits.release();
        drain();
        if (e != null) result.completeExceptionally(e);
        else result.complete(v);
      });
    });
    drain();
    return result;
  }

  private void drain() {
    while (!waiting.isEmpty() && permits.tryAcquire()) {
      Runnable next = waiting.poll();
      if (next == null) {
        permits.release();
        return;
      }
      next.run();
    }
  }
}
