package agecnn.data;

import java.util.List;

/**
 * What a UTKFace file name says, parsed as far as it can be. A field that could not be read
 * is null and has a {@link NameProblem} saying why.
 */
public record ParsedName(String file, Integer age, Integer gender, Integer race, String timestamp,
                         List<NameProblem> problems) {

    /** An image is usable when its age could be read: the label is all the model needs. */
    public boolean usable() {
        return age != null;
    }

    /** The problems as one readable cell, "; "-separated; empty when none. */
    public String problemText() {
        return String.join("; ", problems.stream().map(NameProblem::toString).toList());
    }
}
