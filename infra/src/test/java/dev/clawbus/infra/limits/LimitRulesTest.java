package dev.clawbus.infra.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.infra.limits.Admission.Outcome;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LimitRulesTest {
  private static final long T0 = 1_700_000_000_000L;

  @Test
  void requestsPerMinuteRefuseTheRequestOverTheLimitWithHeadersAndRetryAfter() {
    LimitState s = new LimitState();
    Limits l = new Limits(0, 3, 0);
    for (int i = 0; i < 3; i++) {
      Admission a = LimitRules.admit(s, l, "r" + i, 10, T0 + 60_000, T0);
      assertTrue(a.admitted());
      assertEquals(Integer.toString(2 - i), a.headers().get("x-ratelimit-remaining-requests"));
    }
    Admission no = LimitRules.admit(s, l, "r3", 10, T0 + 60_000, T0);
    assertEquals(Outcome.REQUESTS_PER_MINUTE, no.outcome());
    assertEquals(Map.of("x-ratelimit-limit-requests", "3", "x-ratelimit-remaining-requests", "0",
        "x-ratelimit-reset-requests", "1m0s"), no.headers());
    assertEquals(20_000, no.retryAfterMillis(), "one request comes back every 60/3 s");
    assertEquals("20", no.responseHeaders().get("retry-after"));
    assertEquals(429, no.error().status());
    assertEquals("requests", no.error().type());
    assertEquals("rate_limit_exceeded", no.error().code());
    assertTrue(no.error().getMessage().contains("Please try again in 20s"), no.error().getMessage());
    // 20 s later exactly one more passes.
    assertTrue(LimitRules.admit(s, l, "r4", 10, 0, T0 + 20_000).admitted());
    assertFalse(LimitRules.admit(s, l, "r5", 10, 0, T0 + 20_001).admitted());
    // A full minute refills the bucket to the limit, not beyond.
    assertEquals("3", LimitRules.peek(s, l, T0 + 10 * 60_000).get("x-ratelimit-remaining-requests"));
    assertEquals("0s", LimitRules.peek(s, l, T0 + 10 * 60_000).get("x-ratelimit-reset-requests"));
  }

  @Test
  void tokensPerMinuteChargeTheEstimateAndSettleTheActualUse() {
    LimitState s = new LimitState();
    Limits l = new Limits(0, 0, 1000);
    Admission a = LimitRules.admit(s, l, "a", 600, 0, T0); // prompt 100 + max_tokens 500
    assertTrue(a.admitted());
    assertEquals("400", a.headers().get("x-ratelimit-remaining-tokens"));
    assertEquals("36s", a.headers().get("x-ratelimit-reset-tokens"));
    assertEquals(3, a.headers().size(), "no request headers without rpm");
    Admission b = LimitRules.admit(s, l, "b", 600, 0, T0);
    assertEquals(Outcome.TOKENS_PER_MINUTE, b.outcome());
    assertEquals("tokens", b.error().type());
    assertEquals(12_000, b.retryAfterMillis(), "200 tokens at 1000/min");
    // "a" really used 150 tokens: 450 come back.
    LimitRules.settle(s, l, 600, 150, T0);
    assertEquals(850, s.tokensLevel(), 1e-9);
    assertTrue(LimitRules.admit(s, l, "b", 600, 0, T0).admitted());
    // An under-estimate leaves a debt that the refill pays.
    LimitRules.settle(s, l, 600, 1000, T0);
    assertEquals(-150, s.tokensLevel(), 1e-9);
    assertEquals("0", LimitRules.peek(s, l, T0).get("x-ratelimit-remaining-tokens"));
    Admission tooLarge = LimitRules.admit(s, l, "c", 1001, 0, T0 + 3_600_000);
    assertEquals(Outcome.TOO_LARGE, tooLarge.outcome());
    assertTrue(tooLarge.error().getMessage().contains("Requested 1001"));
  }

  @Test
  void queueCapCountsWaitingRequestsUntilTheyLeaveOrExpire() {
    LimitState s = new LimitState();
    Limits l = new Limits(2, 0, 0);
    assertTrue(LimitRules.admit(s, l, "a", 1, T0 + 1000, T0).admitted());
    assertTrue(LimitRules.admit(s, l, "b", 1, T0 + 5000, T0).admitted());
    assertTrue(LimitRules.admit(s, l, "b", 1, T0 + 5000, T0).admitted(), "the same id again takes no second place");
    Admission full = LimitRules.admit(s, l, "c", 1, T0 + 5000, T0);
    assertEquals(Outcome.TENANT_QUEUE_FULL, full.outcome());
    assertEquals(Map.of(), full.headers());
    assertEquals(Map.of("retry-after", "5"), full.responseHeaders());
    assertEquals("queue_full", full.error().code());
    assertTrue(LimitRules.leave(s, "b"));
    assertFalse(LimitRules.leave(s, "b"));
    assertTrue(LimitRules.admit(s, l, "c", 1, T0 + 5000, T0).admitted());
    assertFalse(LimitRules.admit(s, l, "d", 1, T0 + 5000, T0 + 999).admitted());
    assertTrue(LimitRules.admit(s, l, "d", 1, T0 + 5000, T0 + 1000).admitted(), "a's place expired at its deadline");
    assertEquals(2, s.queuedCount());
  }

  @Test
  void aRefusedRequestChangesNothing() {
    LimitState s = new LimitState();
    Limits l = new Limits(1, 10, 100);
    assertTrue(LimitRules.admit(s, l, "a", 50, T0 + 1000, T0).admitted());
    assertFalse(LimitRules.admit(s, l, "b", 10, T0 + 1000, T0).admitted()); // queue full
    assertEquals(9, s.requestsLevel(), 1e-9);
    assertEquals(50, s.tokensLevel(), 1e-9);
    LimitRules.leave(s, "a");
    assertFalse(LimitRules.admit(s, l, "big", 60, T0 + 1000, T0).admitted()); // tokens
    assertEquals(0, s.queuedCount());
    assertEquals(9, s.requestsLevel(), 1e-9);
  }

  @Test
  void aClockThatGoesBackRefillsNothing() {
    LimitState s = new LimitState();
    Limits l = new Limits(0, 60, 0);
    LimitRules.admit(s, l, "a", 1, 0, T0);
    LimitRules.admit(s, l, "b", 1, 0, T0 - 30_000);
    assertEquals(58, s.requestsLevel(), 1e-9);
  }

  @Test
  void durationsAreWrittenAsOpenAiDoes() {
    assertEquals("0s", LimitRules.duration(0));
    assertEquals("20ms", LimitRules.duration(20));
    assertEquals("1s", LimitRules.duration(1000));
    assertEquals("1.5s", LimitRules.duration(1500));
    assertEquals("1.025s", LimitRules.duration(1025));
    assertEquals("6m0s", LimitRules.duration(360_000));
    assertEquals("1m30.5s", LimitRules.duration(90_500));
    assertEquals("2h0m1s", LimitRules.duration(7_201_000));
  }
}
