package io.switchboard.sip.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * baresip as an agent's desk phone: registers its account with the gateway (digest
 * authentication), answers every call by itself and sends back what it hears (its audio bridge
 * is both its speaker and its microphone).
 * Headless: no sound device, no console.
 */
final class Baresip {

  private Baresip() {}

  static Process start(Path dir, String user, String password, int sipPort, int gatewayPort) throws IOException {
    Path conf = Files.createDirectories(dir.toAbsolutePath().resolve("baresip-" + user));
    int rtp = Sipp.freeMediaPort();
    Files.writeString(conf.resolve("config"), String.join("\n",
        "poll_method poll",
        "sip_listen 127.0.0.1:" + sipPort,
        "net_interface 127.0.0.1",
        "audio_player aubridge,sink",
        "audio_source aubridge,sink",
        "audio_alert aubridge,sink",
        "rtp_ports " + rtp + "-" + (rtp + 3),
        "module_path /usr/lib/baresip/modules",
        "module g711.so",
        "module aubridge.so",
        "module_app account.so",
        "module_app menu.so",
        ""));
    Files.writeString(conf.resolve("accounts"), "<sip:" + user + "@127.0.0.1:" + gatewayPort
        + ";transport=udp>;auth_pass=" + password + ";answermode=auto;regint=600\n");
    return new ProcessBuilder("baresip", "-f", conf.toString())
        .redirectErrorStream(true)
        .redirectOutput(conf.resolve("baresip.out").toFile())
        .start();
  }
}
