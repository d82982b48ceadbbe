package agecnn.serve;

import agecnn.testing.TinyModels;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The page of {@code ./agecnn serve} in a real browser: Debian's headless chromium, driven by
 * Selenium through {@code /usr/bin/chromedriver} (never a driver Selenium Manager would fetch).
 * A scene composed at test time from three UTKFace faces is chosen in the file field; the page
 * must draw three boxes whose labels say what the API says for the same photo, with a bar chart
 * per face; a text file must give the server's message. Screenshots go to
 * {@code target/failsafe-reports/serve-page-*.png}.
 *
 * <p>Without chromium and chromedriver the test is skipped, saying so, except under CI
 * ({@code CI} set, as {@code .ci/run} runs), where it fails: {@code ./agecnn test} installs both
 * when it runs as root, so their absence there is a broken setup, not a reason to skip.
 */
class ServePageIT {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path REPORTS = Path.of("target", "failsafe-reports");

    @TempDir
    static Path tmp;

    static PredictServer server;
    static ChromeDriver browser;
    /** Selenium warns that it has no DevTools (CDP) support for this chromium's version: the test uses WebDriver only. */
    static final java.util.logging.Logger CDP_LOG = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");

    @BeforeAll
    static void start() throws IOException {
        requireBrowser();
        Path model = TinyModels.save(tmp.resolve("tiny.zip"), "tiny", 32, 7);
        server = PredictServer.start(ServeOptions.defaults().withPort(0).withWorkers(1, 4), Scenes.withDetector(model), line -> { });

        CDP_LOG.setLevel(java.util.logging.Level.SEVERE);
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // as root in a container: no sandbox; no network of its own (this machine has none to offer)
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--window-size=1280,1100", "--user-data-dir=" + tmp.resolve("chromium-profile"));
        browser = new ChromeDriver(service, options);
    }

    /** Skips without the browser, or fails under CI, saying how to install it. */
    static void requireBrowser() {
        boolean there = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (there) return;
        String msg = "the page's browser test needs Debian's chromium and chromium-driver (" + CHROMIUM + ", " + CHROMEDRIVER
                + "): ./agecnn test installs them when run as root; else: sudo apt-get install -y chromium chromium-driver";
        String ci = System.getenv("CI");
        if (ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false")) Assertions.fail("under CI " + msg);
        Assumptions.abort(msg);
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.quit();
        if (server != null) server.close();
    }

    static WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    static void screenshot(String name) throws IOException {
        Files.createDirectories(REPORTS);
        Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, REPORTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    static void open() {
        browser.get(server.uri().toString());
        waiting().until(d -> d.findElement(By.id("model")).getText().startsWith("Model tiny"));
    }

    @Test
    void aSceneOfThreeFacesIsBoxedAndLabelledAsTheApiSays() throws IOException {
        byte[] scene = Scenes.jpeg(Scenes.threeFaces());
        Path file = Files.write(tmp.resolve("scene.jpg"), scene);
        // what the API says for the same photo, as the page asks (all 12 bins)
        JsonObject api = Http.postImage(server.uri(), "?top=12", "image/jpeg", scene).json();
        JsonArray faces = api.getAsJsonArray("faces");
        assertEquals(3, faces.size(), api.toString());

        open();
        browser.findElement(By.id("file")).sendKeys(file.toString());
        waiting().until(d -> d.findElement(By.id("message")).getText().equals("3 faces found."));
        screenshot("serve-page-scene.png");

        List<WebElement> boxes = browser.findElements(By.cssSelector("#boxes .face-box"));
        List<WebElement> labels = browser.findElements(By.cssSelector("#boxes .face-label"));
        assertEquals(3, boxes.size());
        assertEquals(3, labels.size());
        WebElement photo = browser.findElement(By.id("photo"));
        double scale = photo.getRect().getWidth() / api.get("width").getAsDouble();
        for (int i = 0; i < 3; i++) {
            JsonObject f = faces.get(i).getAsJsonObject();
            String bin = f.getAsJsonArray("top").get(0).getAsJsonObject().get("bin").getAsString();
            String age = String.format(Locale.ROOT, "%.1f", f.get("expected_age").getAsDouble());
            assertEquals((i + 1) + ": " + bin + " · " + age + " y", labels.get(i).getText());
            // the box where the API put it, in the photo's pixels scaled to the page; WebDriver gives
            // whole pixels of positions set in percent, for the photo and for the box: 1 px each at most
            JsonArray b = f.getAsJsonArray("box");
            int x = boxes.get(i).getRect().getX() - photo.getRect().getX();
            int y = boxes.get(i).getRect().getY() - photo.getRect().getY();
            assertEquals(b.get(0).getAsInt() * scale, x, 2, "box " + i + " x");
            assertEquals(b.get(1).getAsInt() * scale, y, 2, "box " + i + " y");
            assertEquals(b.get(2).getAsInt() * scale, boxes.get(i).getRect().getWidth(), 2, "box " + i + " width");
        }
        // a bar chart per face: the 12 bins, the most probable one marked
        List<WebElement> charts = browser.findElements(By.cssSelector("#faces figure.face"));
        assertEquals(3, charts.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(12, charts.get(i).findElements(By.cssSelector(".bar-row")).size());
            String best = faces.get(i).getAsJsonObject().getAsJsonArray("top").get(0).getAsJsonObject().get("bin").getAsString();
            assertEquals(best, charts.get(i).findElement(By.cssSelector(".bar-row.best .bin")).getText());
            assertTrue(charts.get(i).findElement(By.tagName("figcaption")).getText().startsWith("Face " + (i + 1) + ": most likely " + best));
        }
        assertTrue(Files.size(REPORTS.resolve("serve-page-scene.png")) > 10_000);
    }

    @Test
    void aTextFileGetsTheServersMessage() throws IOException {
        Path notes = Files.writeString(tmp.resolve("notes.txt"), "not a photo", StandardCharsets.UTF_8);
        open();
        browser.findElement(By.id("file")).sendKeys(notes.toString());
        WebElement message = browser.findElement(By.id("message"));
        waiting().until(d -> message.getAttribute("class").contains("error"));
        screenshot("serve-page-text-file.png");
        assertEquals("Not usable (HTTP 400): notes.txt: not a JPEG or PNG image (starts with 6e 6f 74 20 61 20 70 68)",
                message.getText());
        assertFalse(browser.findElement(By.id("result")).isDisplayed());
    }
}
