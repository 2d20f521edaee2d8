package dev.clawbus.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.clawbus.app.TestNodes.Sse;
import dev.clawbus.infra.config.ClawbusConfig;
import dev.clawbus.infra.tenancy.TenancyOptions;
import dev.clawbus.infra.testing.Eventually;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard in a real browser: headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, installed
 * by {@code scripts/install-browser.sh}) driven through its WebDriver. An operator opens {@code /admin/}, gives the
 * admin key, finds the request that a vLLM outage longer than {@code --vllm-wait-seconds} failed, clicks Replay and
 * watches the replay complete with the answer the request would have had. Skipped, saying why, only where Chromium
 * is not installed. Leaves a screenshot in {@code app/target/dashboard.png} (the README's is a copy).
 */
class DashboardBrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final String A = "sk-browser-team-a";
  static final String ADMIN = "sk-browser-admin";
  static final Duration WAIT = Duration.ofSeconds(45);
  @TempDir static Path dir;
  @TempDir static Path profile;
  static ClawbusNode node;
  static String base;
  static ChromeDriver browser;

  static final String NO_BROWSER = "headless Chromium is not installed here (/usr/bin/chromium, "
      + "/usr/bin/chromedriver): the dashboard's browser test is skipped; scripts/install-browser.sh installs Debian's "
      + "chromium and chromium-driver";

  static boolean browserInstalled() {
    return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
  }

  @BeforeAll
  static void start() throws Exception {
    if (!browserInstalled()) return; // each test is skipped, saying why
    node = ClawbusNode.start(TestNodes.simNode(dir)
        .with(ClawbusConfig.API_KEYS, A + "=team-a")
        .with(TenancyOptions.ADMIN_KEYS, ADMIN)
        .with(ClawbusConfig.VLLM_WAIT_SECONDS, 3));
    base = node.url();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
        "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1400,1300");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().withLogFile(new File("/dev/null")).build();
    browser = new ChromeDriver(service, options);
    browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() {
    if (browser != null) browser.quit();
    if (node != null) node.close();
  }

  @Test
  void anOperatorReplaysAFailedRequestFromTheDashboardAndSeesItComplete() throws Exception {
    assumeTrue(browserInstalled(), NO_BROWSER);
    // A vLLM outage (the simulator's chaos API) longer than --vllm-wait-seconds fails the request.
    node.simulator().chaos().unavailableFor(6_000).toCompletionStage().toCompletableFuture()
        .get(5, java.util.concurrent.TimeUnit.SECONDS);
    JsonObject body = TestNodes.userChat("a question asked while vLLM was down [[sim words=14]]", true);
    HttpResponse<String> failed = TestNodes.post(base + "/v1/chat/completions", body.encode(),
        "authorization", "Bearer " + A, "X-Request-Id", "browser-outage-1");
    List<Sse> events = TestNodes.sse(failed.body());
    assertEquals("vllm_unavailable", new JsonObject(events.get(events.size() - 1).data()).getJsonObject("error")
        .getString("code"), failed.body());
    // vLLM comes back by itself; the answer the request should have had, asked anew.
    Eventually.until(() -> healthy(node.simulator().baseUrl()), WAIT);
    String expected = new JsonObject(TestNodes.post(base + "/v1/chat/completions", body.copy().put("stream", false)
        .encode(), "authorization", "Bearer " + A).body()).getJsonArray("choices").getJsonObject(0)
        .getJsonObject("message").getString("content");

    browser.get(base + "/admin/");
    assertEquals("clawbus operators", browser.getTitle());
    String refused = until(() -> text(By.id("login-state")), s -> !s.isEmpty());
    assertTrue(refused.contains("Incorrect API key"), "without a key the API refuses: " + refused);
    browser.findElement(By.id("admin-key")).sendKeys(ADMIN);
    browser.findElement(By.id("login-button")).click();
    until(() -> text(By.id("login-state")), "key accepted"::equals);
    assertEquals(ADMIN, ((JavascriptExecutor) browser).executeScript(
        "return sessionStorage.getItem('clawbus.adminKey')"), "the key is kept in this tab's sessionStorage");

    // The failed request is in the DLQ table, with its reason and a Replay button.
    By row = By.cssSelector("#dlq tr[data-key='team-a/browser-outage-1']");
    WebElement dead = until(() -> browser.findElements(row).stream().findFirst().orElse(null), r -> r != null);
    assertTrue(dead.getText().contains("unreachable"), dead.getText());
    until(() -> text(By.id("vllm-health")), "healthy"::equals);
    until(() -> {
      browser.findElement(By.cssSelector("#dlq tr[data-key='team-a/browser-outage-1'] button.replay")).click();
      return true;
    }, clicked -> clicked);

    // The replay's timeline opens and its answer is re-streamed live until done.
    until(() -> text(By.id("answer-state")), "done"::equals);
    assertEquals(expected, text(By.id("answer")), "the same answer, streamed to the dashboard");
    String newId = text(By.id("timeline-id"));
    assertFalse(newId.equals("browser-outage-1") || newId.isEmpty(), newId);
    until(() -> text(By.id("timeline-status")), "done"::equals);
    String timeline = until(() -> text(By.id("timeline-events")), t -> t.contains("done"));
    assertTrue(timeline.contains("received") && timeline.contains("started") && timeline.contains("replay of "
        + "browser-outage-1"), timeline);
    assertTrue(text(By.id("notice")).contains("Replayed browser-outage-1 as " + newId), text(By.id("notice")));
    JsonObject state = new JsonObject(TestNodes.get(base + "/v1/requests/" + newId, "authorization", "Bearer " + A)
        .body());
    assertEquals("done", state.getString("status"), "the tenant's own key reads it");
    until(() -> browser.findElement(row).getText(), t -> t.contains("replayed as " + newId));
    assertTrue(browser.findElements(By.cssSelector("#dlq tr[data-key='team-a/browser-outage-1'] button.replay"))
        .isEmpty(), "replayed once: its button is now 'Replay again' (force)");

    until(() -> text(By.id("inflight")), "0 running, 0 queued"::equals);
    assertTrue(text(By.id("errors")).contains("browser-outage-1"), "recent errors: " + text(By.id("errors")));

    byte[] png = browser.getScreenshotAs(OutputType.BYTES);
    Path shot = Path.of("target", "dashboard.png");
    Files.createDirectories(shot.getParent());
    Files.write(shot, png);
    System.out.println("dashboard screenshot: " + shot.toAbsolutePath() + " (" + png.length + " bytes)");
  }

  static boolean healthy(String sim) {
    try {
      return TestNodes.get(sim + "/health").statusCode() == 200;
    } catch (Exception e) {
      return false;
    }
  }

  static String text(By by) {
    List<WebElement> found = browser.findElements(by);
    return found.isEmpty() ? "" : found.get(0).getText().trim();
  }

  /** Reads the page until {@code done} holds (elements re-rendered meanwhile are read again), or fails. */
  static <T> T until(Callable<T> read, java.util.function.Predicate<T> done) throws Exception {
    T v = Eventually.until(() -> {
      try {
        return read.call();
      } catch (WebDriverException stale) {
        return null;
      }
    }, x -> x != null && done.test(x), WAIT);
    assertNotNull(v);
    return v;
  }
}
