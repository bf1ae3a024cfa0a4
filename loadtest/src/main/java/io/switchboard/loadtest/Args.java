package io.switchboard.loadtest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The {@code --key value} / {@code --key=value} / {@code --flag} command lines the runners share:
 * the loop, and the checks of the values most of them take. A bad argument is an
 * {@link IllegalArgumentException} naming the option.
 */
final class Args {

  private Args() {}

  /**
   * Walks the arguments: each known option with a value goes to {@code value}, each flag (a name
   * in {@code flags}) to {@code flag}; {@code help} maps every known option name to its help.
   */
  static void parse(String[] args, Map<String, String> help, Collection<String> flags, BiConsumer<String, String> value,
      Consumer<String> flag) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--"))
        throw new IllegalArgumentException("unexpected argument '" + arg + "': options are --key value (see --help)");
      String key = arg.substring(2);
      String inline = null;
      int eq = key.indexOf('=');
      if (eq >= 0) {
        inline = key.substring(eq + 1);
        key = key.substring(0, eq);
      }
      if (!help.containsKey(key))
        throw new IllegalArgumentException("unknown option --" + key + " (known: --" + String.join(", --", help.keySet()) + ")");
      if (flags.contains(key)) {
        if (inline != null) throw new IllegalArgumentException("option --" + key + " takes no value");
        flag.accept(key);
        continue;
      }
      String v = inline;
      if (v == null) {
        if (i + 1 >= args.length) throw new IllegalArgumentException("option --" + key + " needs a value");
        v = args[++i];
      }
      value.accept(key, v);
    }
  }

  static int number(String key, String value, int min) {
    int n;
    try {
      n = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("option --" + key + ": expected a whole number, got '" + value + "'");
    }
    if (n < min) throw new IllegalArgumentException("option --" + key + ": must be at least " + min + ", got " + n);
    return n;
  }

  static Options.Db db(String value) {
    return switch (value.toLowerCase()) {
      case "h2" -> Options.Db.H2;
      case "postgres", "postgresql", "pg" -> Options.Db.POSTGRES;
      default -> throw new IllegalArgumentException("option --db: expected h2 or postgres, got '" + value + "'");
    };
  }

  static String heap(String key, String value) {
    if (!value.matches("[0-9]+[kKmMgG]?"))
      throw new IllegalArgumentException("option --" + key + ": expected a size like 512m or 4g, got '" + value + "'");
    return value;
  }

  /** JVM options, space separated; blank is none. */
  static List<String> jvmOptions(String value) {
    return value.isBlank() ? List.of() : new ArrayList<>(Arrays.asList(value.trim().split("\\s+")));
  }

  static String notBlank(String key, String value) {
    if (value.isBlank()) throw new IllegalArgumentException("option --" + key + ": must not be empty");
    return value;
  }

  /** The usage text: a title line, then one line per option. */
  static String usage(String title, Map<String, String> help, int width) {
    StringBuilder b = new StringBuilder(title).append("\nOptions:\n");
    help.forEach((k, v) -> b.append(String.format("  --%-" + width + "s %s%n", k, v)));
    return b.toString();
  }
}
