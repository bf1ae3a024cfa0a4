package io.switchboard.sip.gateway;

import io.switchboard.core.engine.EngineContext;
import io.switchboard.core.engine.Notification;
import io.switchboard.core.voicemail.VoicemailDelivery;
import io.switchboard.sip.media.MediaEngine;
import io.switchboard.sip.media.PromptLibrary;
import io.switchboard.sip.registrar.DigestAuthenticator;
import io.switchboard.sip.registrar.Registrar;
import io.switchboard.sip.registrar.SipAccount;
import io.switchboard.sip.registrar.SipAccountDirectory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.pubsub.Topic;

/**
 * The SIP gateway of one node: the stack, the media engine, the registrar and the gateway actor,
 * started together and stopped together.
 */
public final class SipGateway implements AutoCloseable {

  private final ActorSystem<?> system;
  private final SipEndpoint sip;
  private final MediaEngine media;
  private final Registrar registrar;
  private final SipAccountDirectory accounts;
  private final ActorRef<Gateway.Command> gateway;
  private final org.apache.pekko.actor.Cancellable purge;
  private final org.apache.pekko.actor.Cancellable reload;

  private SipGateway(ActorSystem<?> system, SipEndpoint sip, MediaEngine media, Registrar registrar,
      SipAccountDirectory accounts, ActorRef<Gateway.Command> gateway, org.apache.pekko.actor.Cancellable purge,
      org.apache.pekko.actor.Cancellable reload) {
    this.purge = purge;
    this.reload = reload;
    this.system = system;
    this.sip = sip;
    this.media = media;
    this.registrar = registrar;
    this.accounts = accounts;
    this.gateway = gateway;
  }

  public static SipGateway start(ActorSystem<?> system, EngineContext engine,
      ActorRef<Topic.Command<Notification>> notifications, SipSettings settings, Clock clock) throws Exception {
    return start(system, engine, notifications, settings, clock, null);
  }

  /** @param voicemail where recorded messages go; null: no voicemail (callers hear the closed message) */
  public static SipGateway start(ActorSystem<?> system, EngineContext engine,
      ActorRef<Topic.Command<Notification>> notifications, SipSettings settings, Clock clock,
      VoicemailDelivery voicemail) throws Exception {
    PromptLibrary prompts = PromptLibrary.fromClasspath();
    if (settings.soundFiles() != null)
      prompts.withDirectory(java.nio.file.Files.createDirectories(settings.soundFiles()));
    MediaEngine media = new MediaEngine(InetAddress.getByName(settings.host().equals("0.0.0.0")
        ? "0.0.0.0" : settings.host()), settings.rtpPortMin(), settings.rtpPortMax(), prompts);
    SipEndpoint sip;
    try {
      sip = new SipEndpoint(settings);
    } catch (Exception ex) {
      media.close();
      throw ex;
    }
    SipAccountDirectory accounts = new SipAccountDirectory();
    for (SipSettings.Account a : settings.accounts())
      accounts.put(SipAccount.withPassword(a.user(), a.password(), settings.realm(), a.agent()));
    Registrar registrar = new Registrar(clock);
    byte[] secret = settings.nonceSecret().getBytes(StandardCharsets.UTF_8);
    if (secret.length == 0) {
      secret = new byte[32];
      new java.security.SecureRandom().nextBytes(secret);
    }
    DigestAuthenticator auth = new DigestAuthenticator(settings.realm(), secret, clock, settings.nonceLifetime());
    // Expired bindings are already invisible; this only frees their memory.
    org.apache.pekko.actor.Cancellable purge = system.scheduler().scheduleAtFixedRate(Duration.ofMinutes(1),
        Duration.ofMinutes(1), registrar::purgeExpired, system.executionContext());
    // A sound file replaced by an upload (here or on another node) plays from the next call on.
    org.apache.pekko.actor.Cancellable reload = settings.soundFiles() == null ? null
        : system.scheduler().scheduleAtFixedRate(SOUND_FILE_RELOAD, SOUND_FILE_RELOAD, prompts::refresh,
            system.executionContext());
    ActorRef<Gateway.Command> gateway = system.systemActorOf(
        Gateway.create(settings, sip, media, engine, notifications, registrar, auth, accounts, voicemail),
        "sip-gateway-" + settings.port(), Props.empty());
    // Set here, not in the router's setup: a request that comes before the actor has started
    // waits in its mailbox instead of being dropped.
    sip.deliverTo(e -> gateway.tell(new Gateway.Sip(e)));
    return new SipGateway(system, sip, media, registrar, accounts, gateway, purge, reload);
  }

  static final Duration SOUND_FILE_RELOAD = Duration.ofSeconds(3);

  public int port() {
    return sip.port();
  }

  public Registrar registrar() {
    return registrar;
  }

  public PromptLibrary prompts() {
    return media.prompts();
  }

  public SipAccountDirectory accounts() {
    return accounts;
  }

  public CompletionStage<Gateway.Counts> counts() {
    return AskPattern.ask(gateway, Gateway.GetCounts::new, Duration.ofSeconds(5), system.scheduler());
  }

  @Override
  public void close() {
    purge.cancel();
    if (reload != null) reload.cancel();
    sip.close();
    media.close();
  }
}
