package io.switchboard.sip.media;

import io.switchboard.core.soundfile.SoundFileAudio;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prompts the engine can play, each decoded once and kept as G.711 frames ({@link Prompt}).
 *
 * <p>Sources, later ones winning for the same name: the bundled prompts under {@code /prompts} on
 * the classpath (listed in {@code /prompts/prompts.list}), directories of hot prompts (files named
 * {@code <name>.wav} or {@code <name>.au}) and single files added with {@link #with}. A directory is
 * looked at again when an unknown name is asked for, so a file dropped there later is found
 * without a restart; {@link #refresh} also reloads files that changed.
 *
 * <p>Thread-safe: lookups are lock-free, loading happens on the calling thread.
 */
public final class PromptLibrary {

  private static final Logger log = LoggerFactory.getLogger(PromptLibrary.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}");
  private static final String BUNDLED = "/prompts/";

  private record Entry(Prompt prompt, Path source, FileTime modified, long size) {}

  private final Map<String, Entry> prompts = new ConcurrentHashMap<>();
  private final List<Path> directories = new CopyOnWriteArrayList<>();

  private PromptLibrary() {}

  /** An empty library, to be filled with {@link #with} and {@link #withDirectory}. */
  public static PromptLibrary empty() {
    return new PromptLibrary();
  }

  /** The prompts bundled with the gateway. */
  public static PromptLibrary fromClasspath() {
    PromptLibrary library = new PromptLibrary();
    for (String name : bundledNames()) {
      String resource = BUNDLED + name + ".wav";
      try (InputStream in = PromptLibrary.class.getResourceAsStream(resource)) {
        if (in == null) throw new IllegalStateException("bundled prompt " + resource + " is listed but missing");
        library.prompts.put(name, new Entry(new Prompt(name, SoundFileAudio.read(resource, in)), null, null, -1));
      } catch (IOException ex) {
        throw new UncheckedIOException("cannot read bundled prompt " + resource, ex);
      }
    }
    log.debug("Loaded {} bundled prompts", library.prompts.size());
    return library;
  }

  /** The hot prompts of one directory; files added there later are found on first use. */
  public static PromptLibrary fromDirectory(Path dir) {
    return new PromptLibrary().withDirectory(dir);
  }

  /**
   * Adds the prompts of a directory, replacing same-named ones, and remembers it for names asked
   * for later. Files that cannot be read are skipped with a warning.
   */
  public PromptLibrary withDirectory(Path dir) {
    if (!Files.isDirectory(dir)) throw new IllegalArgumentException("prompt directory " + dir + " does not exist");
    directories.add(dir);
    scan(dir, false);
    return this;
  }

  /**
   * Adds or replaces one prompt from a file (a hot prompt).
   *
   * @throws IllegalArgumentException for a bad name or a file that is not usable audio (GSM
   *     included), naming the prompt and the file
   */
  public PromptLibrary with(String name, Path file) {
    checkName(name);
    SoundFileAudio.checkExtension("prompt '" + name + "' (" + file + ")", file.getFileName().toString());
    prompts.put(name, load(name, file));
    return this;
  }

  /** Loads files that appeared or changed in the directories since they were read. */
  public PromptLibrary refresh() {
    for (Path dir : directories) scan(dir, true);
    return this;
  }

  public boolean has(String name) {
    return find(name) != null;
  }

  /** @throws IllegalArgumentException naming the prompt when there is none of that name */
  public Prompt get(String name) {
    Entry e = find(name);
    if (e == null) throw new IllegalArgumentException("unknown prompt '" + name + "'");
    return e.prompt();
  }

  public Set<String> names() {
    return new TreeSet<>(prompts.keySet());
  }

  private Entry find(String name) {
    if (name == null) return null;
    Entry e = prompts.get(name);
    if (e != null || directories.isEmpty() || !NAME.matcher(name).matches()) return e;
    // A hot prompt dropped into a directory after start: the newest directory wins.
    for (int i = directories.size() - 1; i >= 0; i--) {
      for (String ext : SoundFileAudio.EXTENSIONS) {
        Path file = directories.get(i).resolve(name + "." + ext);
        if (!Files.isRegularFile(file)) continue;
        try {
          Entry loaded = load(name, file);
          Entry raced = prompts.putIfAbsent(name, loaded);
          return raced != null ? raced : loaded;
        } catch (RuntimeException ex) {
          log.warn("Hot prompt {} cannot be used: {}", file, ex.getMessage());
        }
      }
    }
    return null;
  }

  private void scan(Path dir, boolean onlyChanged) {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path p : stream) if (Files.isRegularFile(p)) files.add(p);
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot list prompt directory " + dir, ex);
    }
    files.sort(null);
    for (Path file : files) {
      String fileName = file.getFileName().toString();
      String ext = SoundFileAudio.extension(fileName);
      if (ext.equals("gsm")) {
        log.warn("Skipping prompt {}: GSM 06.10 is not supported, convert it to .wav", file);
        continue;
      }
      if (!SoundFileAudio.EXTENSIONS.contains(ext)) continue;
      String name = fileName.substring(0, fileName.length() - ext.length() - 1);
      if (!NAME.matcher(name).matches()) {
        log.warn("Skipping prompt {}: '{}' is not a usable prompt name", file, name);
        continue;
      }
      Entry known = prompts.get(name);
      if (onlyChanged && known != null && file.equals(known.source()) && unchanged(known, file)) continue;
      try {
        prompts.put(name, load(name, file));
      } catch (RuntimeException ex) {
        log.warn("Skipping prompt {}: {}", file, ex.getMessage());
      }
    }
  }

  private static boolean unchanged(Entry known, Path file) {
    try {
      return Files.getLastModifiedTime(file).equals(known.modified()) && Files.size(file) == known.size();
    } catch (IOException ex) {
      return true;
    }
  }

  private static Entry load(String name, Path file) {
    String what = "prompt '" + name + "' (" + file + ")";
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      long size = Files.size(file);
      try (InputStream in = Files.newInputStream(file)) {
        return new Entry(new Prompt(name, SoundFileAudio.read(what, in)), file, modified, size);
      }
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot read " + what, ex);
    }
  }

  private static void checkName(String name) {
    if (name == null || !NAME.matcher(name).matches())
      throw new IllegalArgumentException("'" + name + "' is not a usable prompt name (letters, digits, '_', '-', '.')");
  }

  private static List<String> bundledNames() {
    InputStream in = PromptLibrary.class.getResourceAsStream(BUNDLED + "prompts.list");
    if (in == null) throw new IllegalStateException("the bundled prompt list " + BUNDLED + "prompts.list is missing");
    List<String> names = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        line = line.strip();
        if (!line.isEmpty() && !line.startsWith("#")) names.add(line);
      }
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot read the bundled prompt list", ex);
    }
    return names;
  }
}
