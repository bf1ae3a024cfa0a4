package io.switchboard.core.instruction;

import io.switchboard.core.CborSerializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One entry of a company's FAQ tree (ANS-14): a question or subject, what to do or say, and the
 * finer entries under it. Any organisation chart fits, so the tree is as deep as it needs.
 */
public record FaqNode(String id, String title, String answer, List<FaqNode> children) implements CborSerializable {

  public FaqNode {
    if (id == null || !id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}"))
      throw new IllegalArgumentException("faq: id must be 1-64 letters, digits, '.', '_' or '-', got " + id);
    if (title == null || title.isBlank()) throw new IllegalArgumentException("faq " + id + ": title is required");
    title = title.strip();
    answer = answer == null || answer.isBlank() ? null : answer.strip();
    children = children == null ? List.of() : List.copyOf(children);
  }

  /** The entry with this id in the trees, depth first. */
  public static Optional<FaqNode> find(List<FaqNode> roots, String id) {
    for (FaqNode n : roots) {
      if (n.id.equals(id)) return Optional.of(n);
      Optional<FaqNode> below = find(n.children, id);
      if (below.isPresent()) return below;
    }
    return Optional.empty();
  }

  /** Every id in the trees, in order; a repeated id is an error naming it. */
  public static List<String> ids(List<FaqNode> roots) {
    List<String> out = new ArrayList<>();
    collect(roots, out);
    return out;
  }

  private static void collect(List<FaqNode> nodes, List<String> out) {
    for (FaqNode n : nodes) {
      if (out.contains(n.id)) throw new IllegalArgumentException("faq: id " + n.id + " is used twice");
      out.add(n.id);
      collect(n.children, out);
    }
  }
}
