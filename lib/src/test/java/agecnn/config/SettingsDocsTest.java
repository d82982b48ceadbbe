package agecnn.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The settings are documented from the one list of them, {@link Setting}: docs/settings.md holds
 * {@link Setting#markdownTable()} between two markers, and every setting the README's table names
 * is one the code reads. A setting added, renamed or dropped in the code without the docs fails here.
 */
class SettingsDocsTest {

    static final String BEGIN = "<!-- settings:begin (generated from agecnn.config.Setting; SettingsDocsTest checks it) -->\n";
    static final String END = "<!-- settings:end -->";
    private static final Path PROJECT = Path.of(System.getProperty("project.dir", "..")).toAbsolutePath().normalize();

    @Test
    void docsSettingsHoldsTheTableOfEverySetting() throws IOException {
        String doc = Files.readString(PROJECT.resolve("docs/settings.md"));
        int from = doc.indexOf(BEGIN), to = doc.indexOf(END);
        assertTrue(from >= 0 && to > from, "docs/settings.md has no settings table between the markers " + BEGIN.trim() + " and " + END);
        assertEquals(Setting.markdownTable(), doc.substring(from + BEGIN.length(), to),
                "docs/settings.md's table differs from agecnn.config.Setting; put the expected text between its markers");
    }

    @Test
    void everySettingTheReadmeNamesIsRead() throws IOException {
        String readme = Files.readString(PROJECT.resolve("README.md"));
        Matcher m = Pattern.compile("(?m)^\\| `([A-Z_]+)` \\|").matcher(readme);
        List<String> named = new ArrayList<>();
        while (m.find()) named.add(m.group(1));
        assertTrue(named.size() >= 5, "the README's settings table names " + named);
        for (String name : named) {
            try {
                Setting.valueOf(name);
            } catch (IllegalArgumentException e) {
                fail("README.md names the setting " + name + ", which the code does not read (see agecnn.config.Setting)");
            }
        }
    }
}
