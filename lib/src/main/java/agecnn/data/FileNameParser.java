package agecnn.data;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code AGE_GENDER_RACE_DATETIME.jpg.chip.jpg}. The published data has eight names
 * that break the pattern (a missing race field, a space or a missing dot before
 * {@code jpg}, a date-time of 16 or 18 digits): each is parsed as far as it goes and every
 * deviation is reported by field, so nothing is silently dropped or silently trusted.
 */
public final class FileNameParser {

    public static final String SUFFIX = ".jpg.chip.jpg";
    private static final Pattern DIGITS = Pattern.compile("\\d+");
    /** yyyyMMddHHmmssSSS */
    private static final int TIMESTAMP_DIGITS = 17;
    private static final Pattern OTHER_IMAGE = Pattern.compile("(?i)(.*)\\.(jpe?g|png)");

    private FileNameParser() {}

    public static ParsedName parse(String file) {
        List<NameProblem> problems = new ArrayList<>();
        String stem = stripSuffix(file, problems);
        if (!stem.equals(stem.strip())) {
            problems.add(new NameProblem(file, "file name", "white space before the suffix"));
            stem = stem.strip();
        }
        String[] f = stem.split("_", -1);
        Integer age = null, gender = null, race = null;
        String timestamp = null;

        if (f.length == 4) {
            age = age(file, f[0], problems);
            gender = code(file, "gender", f[1], 1, problems);
            race = code(file, "race", f[2], 4, problems);
            timestamp = timestamp(file, f[3], problems);
        } else if (f.length == 3 && f[2].length() > 4 && DIGITS.matcher(f[2]).matches()) {
            // AGE_GENDER_DATETIME: the race field is the one left out.
            age = age(file, f[0], problems);
            gender = code(file, "gender", f[1], 1, problems);
            problems.add(new NameProblem(file, "race", "missing (3 fields: AGE_GENDER_DATETIME)"));
            timestamp = timestamp(file, f[2], problems);
        } else {
            problems.add(new NameProblem(file, "file name",
                    "expected 4 fields AGE_GENDER_RACE_DATETIME separated by '_', found " + f.length));
            // The age is always the first field in UTKFace: read it if it is there.
            age = age(file, f[0], problems);
        }
        return new ParsedName(file, age, gender, race, timestamp, List.copyOf(problems));
    }

    private static String stripSuffix(String file, List<NameProblem> problems) {
        if (file.endsWith(SUFFIX)) return file.substring(0, file.length() - SUFFIX.length());
        String noDot = SUFFIX.substring(1);
        if (file.endsWith(noDot)) {
            problems.add(new NameProblem(file, "suffix", "expected '" + SUFFIX + "', found no '.' before 'jpg.chip.jpg'"));
            return file.substring(0, file.length() - noDot.length());
        }
        Matcher m = OTHER_IMAGE.matcher(file);
        problems.add(new NameProblem(file, "suffix", "expected '" + SUFFIX + "'"));
        return m.matches() ? m.group(1) : file;
    }

    private static Integer age(String file, String s, List<NameProblem> problems) {
        if (!DIGITS.matcher(s).matches()) {
            problems.add(new NameProblem(file, "age", "not a whole number: '" + s + "'"));
            return null;
        }
        try {
            return Integer.valueOf(s);
        } catch (NumberFormatException e) {
            problems.add(new NameProblem(file, "age", "too large: '" + s + "'"));
            return null;
        }
    }

    private static Integer code(String file, String field, String s, int max, List<NameProblem> problems) {
        if (s.length() == 1 && s.charAt(0) >= '0' && s.charAt(0) <= '0' + max) return s.charAt(0) - '0';
        problems.add(new NameProblem(file, field, "expected a digit 0-" + max + ", found '" + s + "'"));
        return null;
    }

    private static String timestamp(String file, String s, List<NameProblem> problems) {
        if (!DIGITS.matcher(s).matches()) {
            problems.add(new NameProblem(file, "timestamp", "expected digits (yyyyMMddHHmmssSSS), found '" + s + "'"));
        } else if (s.length() != TIMESTAMP_DIGITS) {
            problems.add(new NameProblem(file, "timestamp",
                    "expected " + TIMESTAMP_DIGITS + " digits (yyyyMMddHHmmssSSS), found " + s.length()));
        }
        return s;
    }
}
