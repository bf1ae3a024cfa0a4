package io.switchboard.core.company;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Finding a contact among a company's staff while the caller waits (ANS-13): every word of the
 * query must match the start of a word of the name, title or department, or part of a number or
 * e-mail; accents and case do not matter ("ostrom" finds Öström). Name matches come first, then
 * by name.
 */
public final class StaffSearch {

  private static final java.util.regex.Pattern PHONE_LIKE = java.util.regex.Pattern.compile("[+()0-9 \\-]+");

  private StaffSearch() {}

  public record Found(List<Contact> contacts, int total) {}

  public static Found search(Collection<Contact> staff, String query, int limit) {
    List<String> words = words(query);
    List<Scored> hits = new ArrayList<>();
    for (Contact c : staff) {
      int score = score(c, words);
      if (score >= 0) hits.add(new Scored(c, score));
    }
    hits.sort(Comparator.comparingInt(Scored::score).reversed()
        .thenComparing(s -> fold(s.contact().name())).thenComparing(s -> s.contact().id()));
    return new Found(hits.stream().limit(Math.max(0, limit)).map(Scored::contact).toList(), hits.size());
  }

  private record Scored(Contact contact, int score) {}

  /** -1 when a word matches nothing; otherwise higher for matches in the name. */
  static int score(Contact c, List<String> words) {
    if (words.isEmpty()) return 0;
    String name = fold(c.name());
    String other = fold(String.join(" ", nonNull(c.title(), c.department())));
    String numbers = String.join(" ", c.numbers()) + " " + (c.email() == null ? "" : c.email().toLowerCase(Locale.ROOT));
    int score = 0;
    for (String w : words) {
      if (startsAWord(name, w)) score += 2;
      else if (startsAWord(other, w)) score += 1;
      else if (w.length() >= 3 && numbers.contains(w)) score += 1;
      else return -1;
    }
    return score;
  }

  private static boolean startsAWord(String text, String word) {
    int i = text.indexOf(word);
    while (i >= 0) {
      if (i == 0 || !Character.isLetterOrDigit(text.charAt(i - 1))) return true;
      i = text.indexOf(word, i + 1);
    }
    return false;
  }

  private static List<String> nonNull(String... parts) {
    List<String> out = new ArrayList<>();
    for (String p : parts) if (p != null) out.add(p);
    return out;
  }

  /** The query's words, folded; a number as people write it is one word of its digits. */
  public static List<String> words(String query) {
    if (query == null || query.isBlank()) return List.of();
    // A number as people write it ("08-123 45 67") is one number, not three words.
    if (PHONE_LIKE.matcher(query.strip()).matches()) {
      String digits = query.replaceAll("[^0-9]", "");
      if (digits.length() >= 3) return List.of(digits);
    }
    List<String> out = new ArrayList<>();
    for (String w : fold(query).split("[\\s,]+")) if (!w.isEmpty()) out.add(w.startsWith("+") ? w.substring(1) : w);
    return out;
  }

  static String fold(String s) {
    if (s == null) return "";
    String d = Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}", "");
    return d.toLowerCase(Locale.ROOT).replace('ø', 'o').replace('æ', 'a').replace('ß', 's');
  }
}
