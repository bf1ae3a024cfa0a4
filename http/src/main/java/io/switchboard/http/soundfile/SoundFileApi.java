package io.switchboard.http.soundfile;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.switchboard.core.soundfile.SoundFileAudio;
import io.switchboard.core.user.Role;
import io.switchboard.http.ApiError;
import io.switchboard.http.auth.Authenticator;
import io.switchboard.http.auth.Principal;
import io.switchboard.http.auth.SecuredRoutes;
import io.switchboard.http.directory.DirectoryCache;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * REST API v1 sound files (ACD-9, docs/rest-api.md): upload WAV, AU or GSM (at most 5 MB) under a
 * name, describe it, list, listen, remove. Queues name them as hot prompt, night message or menu;
 * an upload named like a bundled prompt (welcome, hold-music…) replaces that prompt. Sound files
 * serve the whole centre, so changing them needs an admin for every answering point.
 */
public final class SoundFileApi extends SecuredRoutes {

  /** FEATURES.md ACD-9. */
  public static final int MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

  private static final Set<String> GSM_TYPES = Set.of("audio/gsm", "audio/x-gsm");

  private final SoundFileStore store;
  private final GsmConverter gsm;
  private final DirectoryCache directory;
  private final Clock clock;
  private final Set<String> bundled;

  public SoundFileApi(ActorSystem<?> system, ObjectMapper json, Duration timeout, Authenticator auth,
      DirectoryCache directory, SoundFileStore store, String sox, Clock clock) {
    super(system, json, timeout, auth);
    this.store = store;
    this.gsm = new GsmConverter(sox);
    this.directory = directory;
    this.clock = clock;
    this.bundled = bundledPrompts();
  }

  /** An uploaded file, or a bundled prompt no upload replaces (only name and bundled then). */
  public record Listed(String name, boolean bundled, String description, String format, String uploadedFormat,
      Double seconds, Long bytes, String uploadedAt, String uploadedBy) {
    static Listed of(SoundFileStore.SoundFile f, boolean replacesBundled) {
      return new Listed(f.name(), replacesBundled, f.description(), f.format(), f.uploadedFormat(), f.seconds(),
          f.bytes(), f.uploadedAt().toString(), f.uploadedBy());
    }

    static Listed bundledPrompt(String name) {
      return new Listed(name, true, null, null, null, null, null, null, null);
    }
  }

  /** Routes under {@code /api/v1}, for a signed-in principal. */
  public Route routes(Principal p) {
    return pathPrefix("sound-files", () -> !p.has(Role.ADMIN, Role.SUPERVISOR)
        ? forbidden("sound files need the role admin or supervisor")
        : concat(
            pathEndOrSingleSlash(() -> get(this::list)),
            path(PathMatchers.segment(), name -> concat(
                get(() -> read(name)),
                put(() -> writer(p, () -> upload(p, name))),
                delete(() -> writer(p, () -> remove(name))))),
            path(PathMatchers.segment().slash("audio"), name -> get(() -> listen(name)))));
  }

  private Route writer(Principal p, java.util.function.Supplier<Route> inner) {
    return p.has(Role.ADMIN) && !p.scoped() ? inner.get()
        : forbidden("sound files serve the whole centre: changing them needs the role admin for every answering point");
  }

  private Route list() {
    List<Listed> out = new ArrayList<>();
    Set<String> uploaded = new TreeSet<>();
    for (SoundFileStore.SoundFile f : store.list()) {
      uploaded.add(f.name());
      out.add(Listed.of(f, bundled.contains(f.name())));
    }
    for (String b : bundled) if (!uploaded.contains(b)) out.add(Listed.bundledPrompt(b));
    out.sort(java.util.Comparator.comparing(Listed::name));
    return ok(out);
  }

  private Route read(String name) {
    Optional<SoundFileStore.SoundFile> f = store.get(name);
    if (f.isPresent()) return ok(Listed.of(f.get(), bundled.contains(name)));
    return bundled.contains(name) ? ok(Listed.bundledPrompt(name)) : notFound("sound file " + name);
  }

  private Route listen(String name) {
    return store.audio(name)
        .map(file -> {
          ContentType type = ContentTypes.create(file.toString().endsWith(".au") ? MediaTypes.AUDIO_BASIC
              : MediaTypes.AUDIO_WAV);
          return getFromFile(file.toFile(), type);
        })
        .orElseGet(() -> notFound("uploaded sound file " + name));
  }

  private Route upload(Principal p, String name) {
    if (!SoundFileStore.NAME.matcher(name).matches())
      return invalid("name", "a sound file's name is 1-100 letters, digits, '_', '.' or '-', starting with a letter "
          + "or digit, got '" + name + "'");
    return parameterOptional("description", description -> {
      if (description.isPresent() && description.get().length() > 200)
        return invalid("description", "description must be at most 200 characters");
      // The edge's 64 KB limit for JSON bodies is lifted to the sound files' 5 MB here.
      return bodyAtMost(MAX_UPLOAD_BYTES, ApiError.of(StatusCodes.PAYLOAD_TOO_LARGE, "a sound file is at most 5 MB ("
          + MAX_UPLOAD_BYTES + " bytes)", "body"), () -> extractRequest(request ->
          entity(Unmarshaller.entityToByteArray(), bytes -> store(p, name, description.orElse(""), bytes,
              request.entity().getContentType().mediaType().toString().toLowerCase(Locale.ROOT)))));
    });
  }

  private Route store(Principal p, String name, String description, byte[] bytes, String contentType) {
    if (bytes.length == 0) return invalid("body", "the request body must be the sound file (WAV, AU or GSM)");
    String uploadedFormat = sniff(bytes, contentType);
    if (uploadedFormat == null)
      return unsupported("send a WAV, AU or GSM 06.10 file (Content-Type audio/wav, audio/basic or audio/gsm)");
    byte[] audio = bytes;
    try {
      if (uploadedFormat.equals("gsm")) audio = gsm.toWav(bytes);
      short[] samples = SoundFileAudio.read("sound file '" + name + "'", new ByteArrayInputStream(audio));
      String format = uploadedFormat.equals("au") ? "au" : "wav";
      boolean existed = store.get(name).isPresent();
      SoundFileStore.SoundFile f = store.put(new SoundFileStore.SoundFile(name, description, format, uploadedFormat,
          Math.round(samples.length * 100.0 / SoundFileAudio.SAMPLE_RATE) / 100.0, audio.length, clock.instant(),
          p.user().username()), audio);
      return complete(existed ? StatusCodes.OK : StatusCodes.CREATED, Listed.of(f, bundled.contains(name)),
          Jackson.marshaller(json));
    } catch (IllegalArgumentException ex) {
      return unsupported(ex.getMessage());
    } catch (IOException ex) {
      throw new java.io.UncheckedIOException(ex);
    }
  }

  /** wav and au by their headers; GSM has none, so it is taken by its content type. */
  private static String sniff(byte[] b, String contentType) {
    if (b.length >= 12 && new String(b, 0, 4, StandardCharsets.US_ASCII).equals("RIFF")
        && new String(b, 8, 4, StandardCharsets.US_ASCII).equals("WAVE")) return "wav";
    if (b.length >= 4 && new String(b, 0, 4, StandardCharsets.US_ASCII).equals(".snd")) return "au";
    if (GSM_TYPES.contains(contentType)) return "gsm";
    return null;
  }

  private Route remove(String name) {
    if (store.get(name).isEmpty()) return notFound("uploaded sound file " + name);
    return onComplete(directory.plan().thenCompose(plan -> directory.queuesWhere(plan,
        c -> c.prompts().contains(name))), users -> {
          if (users.isFailure()) return unavailable();
          if (!users.get().isEmpty())
            return error(ApiError.of(StatusCodes.CONFLICT, "sound file " + name + " is still used by queues "
                + users.get(), null));
          store.remove(name);
          return complete(StatusCodes.NO_CONTENT);
        });
  }

  private Route unsupported(String message) {
    return error(ApiError.of(StatusCodes.UNSUPPORTED_MEDIA_TYPE, message, "body"));
  }

  /** The gateway's bundled prompts, when the gateway is on this node's classpath. */
  private static Set<String> bundledPrompts() {
    Set<String> names = new TreeSet<>();
    try (InputStream in = SoundFileApi.class.getResourceAsStream("/prompts/prompts.list")) {
      if (in == null) return names;
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
        if (!line.isBlank() && !line.startsWith("#")) names.add(line.strip());
    } catch (IOException ex) {
      return names;
    }
    return names;
  }
}
