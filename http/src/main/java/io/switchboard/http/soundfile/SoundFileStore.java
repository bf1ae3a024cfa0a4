package io.switchboard.http.soundfile;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Uploaded sound files (ACD-9) in one directory: {@code <name>.wav} or {@code <name>.au}, the
 * SIP gateway's prompt directory (conf/sip.conf {@code sound-files}), with what the API knows of
 * each beside it in {@code <name>.json}. Files are written under a temporary name and moved into
 * place, so the gateway never reads half a file. Nodes of a cluster share the directory.
 */
public final class SoundFileStore {

  /** As the gateway's prompt names: a file name without its extension. */
  public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");

  /** What the API shows of an uploaded file. */
  public record SoundFile(String name, String description, String format, String uploadedFormat, double seconds,
      long bytes, Instant uploadedAt, String uploadedBy) {}

  private final Path dir;
  private final ObjectMapper json;

  public SoundFileStore(Path dir, ObjectMapper json) {
    this.dir = dir;
    this.json = json;
  }

  public Path directory() {
    return dir;
  }

  public List<SoundFile> list() {
    if (!Files.isDirectory(dir)) return List.of();
    List<SoundFile> out = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
      for (Path f : files) {
        String name = f.getFileName().toString().replaceFirst("\\.json$", "");
        get(name).ifPresent(out::add);
      }
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot list sound files in " + dir, ex);
    }
    out.sort(Comparator.comparing(SoundFile::name));
    return out;
  }

  public Optional<SoundFile> get(String name) {
    if (!NAME.matcher(name).matches()) return Optional.empty();
    Path meta = dir.resolve(name + ".json");
    if (!Files.isRegularFile(meta) || audio(name).isEmpty()) return Optional.empty();
    try {
      return Optional.of(json.readValue(meta.toFile(), SoundFile.class));
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot read " + meta, ex);
    }
  }

  /** The stored audio of {@code name}, if any. */
  public Optional<Path> audio(String name) {
    if (!NAME.matcher(name).matches()) return Optional.empty();
    for (String ext : List.of("wav", "au")) {
      Path p = dir.resolve(name + "." + ext);
      if (Files.isRegularFile(p)) return Optional.of(p);
    }
    return Optional.empty();
  }

  /** Stores (or replaces) {@code name}; {@code format} is the stored file's: wav or au. */
  public SoundFile put(SoundFile file, byte[] audio) {
    try {
      Files.createDirectories(dir);
      String other = file.format().equals("wav") ? "au" : "wav";
      write(dir.resolve(file.name() + "." + file.format()), audio);
      Files.deleteIfExists(dir.resolve(file.name() + "." + other));
      write(dir.resolve(file.name() + ".json"), json.writeValueAsBytes(file));
      return file;
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot store sound file " + file.name() + " in " + dir, ex);
    }
  }

  public boolean remove(String name) {
    if (!NAME.matcher(name).matches()) return false;
    try {
      boolean any = Files.deleteIfExists(dir.resolve(name + ".json"));
      for (String ext : List.of("wav", "au")) any |= Files.deleteIfExists(dir.resolve(name + "." + ext));
      return any;
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot remove sound file " + name + " from " + dir, ex);
    }
  }

  private static void write(Path target, byte[] bytes) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + ".part");
    Files.write(tmp, bytes);
    try {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException ex) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
