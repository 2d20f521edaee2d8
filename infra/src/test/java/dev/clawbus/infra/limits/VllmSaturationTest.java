package dev.clawbus.infra.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clawbus.infra.config.ConfigException;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class VllmSaturationTest {
  /** As vLLM 0.10+ writes it (V1 engine, one model, one engine). */
  static final String V1 = """
      # HELP vllm:num_requests_running Number of requests in model execution batches.
      # TYPE vllm:num_requests_running gauge
      vllm:num_requests_running{engine="0",model_name="Qwen/Qwen3-Coder-Next-FP8"} 12.0
      # HELP vllm:num_requests_waiting Number of requests waiting to be processed.
      # TYPE vllm:num_requests_waiting gauge
      vllm:num_requests_waiting{engine="0",model_name="Qwen/Qwen3-Coder-Next-FP8"} 0.0
      # HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.
      # TYPE vllm:kv_cache_usage_perc gauge
      vllm:kv_cache_usage_perc{engine="0",model_name="Qwen/Qwen3-Coder-Next-FP8"} 0.4215
      # TYPE vllm:cache_config_info gauge
      vllm:cache_config_info{block_size="16",cache_dtype="fp8",enable_prefix_caching="True",num_gpu_blocks="31250"} 1.0
      # TYPE vllm:prompt_tokens_total counter
      vllm:prompt_tokens_total{engine="0",model_name="Qwen/Qwen3-Coder-Next-FP8"} 1.234567e+06
      """;

  @Test
  void readsRunningWaitingAndKvCacheFromVllmMetrics() {
    VllmSaturation.Snapshot s = VllmSaturation.parse(V1);
    assertEquals(12, s.running());
    assertEquals(0, s.waiting());
    assertEquals(0.4215, s.kvCacheUsage(), 1e-9);
    assertTrue(s.seen());
    assertEquals(OptionalInt.empty(), s.maxNumSeqs(), "stock vLLM does not label max_num_seqs");
    assertFalse(s.saturated(VllmSaturation.DEFAULT_KV_THRESHOLD));
    assertEquals(OptionalInt.empty(), s.capacityHint());
  }

  @Test
  void waitingRequestsOrAFullCacheMeanSaturated() {
    VllmSaturation.Snapshot s = VllmSaturation.parse(V1.replace("} 0.0", "} 3.0"));
    assertTrue(s.saturated(0.95));
    assertEquals(OptionalInt.of(12), s.capacityHint(), "with requests waiting, what runs is what fits");
    VllmSaturation.Snapshot full = VllmSaturation.parse(V1.replace("0.4215", "0.97"));
    assertTrue(full.saturated(0.95));
    assertFalse(full.saturated(0.99));
  }

  @Test
  void olderNamesSeveralEnginesTimestampsAndALabelledMaxNumSeqs() {
    String text = """
        vllm:num_requests_running{engine="0"} 3 1700000000000
        vllm:num_requests_running{engine="1"} 4
        vllm:num_requests_waiting 0
        vllm:gpu_cache_usage_perc{engine="0"} 0.5
        vllm:gpu_cache_usage_perc{engine="1"} 0.7
        vllm:scheduler_config_info{max_num_seqs="64",max_num_batched_tokens="8192"} 1.0
        other_metric{max_num_seqs="999"} 1
        garbage line
        """;
    VllmSaturation.Snapshot s = VllmSaturation.parse(text);
    assertEquals(7, s.running());
    assertEquals(0.7, s.kvCacheUsage(), 1e-9);
    assertEquals(OptionalInt.of(64), s.maxNumSeqs());
    assertEquals(OptionalInt.of(64), s.capacityHint());
    assertFalse(VllmSaturation.parse("").seen());
    assertTrue(Double.isNaN(VllmSaturation.parse("").kvCacheUsage()));
  }

  @Test
  void maxInflightIsANumberOrAuto() {
    assertEquals(new MaxInflight(8, false), MaxInflight.parse("8"));
    MaxInflight auto = MaxInflight.parse("auto");
    assertTrue(auto.auto());
    assertEquals(MaxInflight.AUTO_START, auto.fixed());
    assertEquals(64, auto.resolve(256, VllmSaturation.parse("vllm:x_info{max_num_seqs=\"64\"} 1")));
    assertEquals(256, auto.resolve(256, VllmSaturation.parse(V1)), "a reading without a hint keeps the cap");
    assertEquals(8, MaxInflight.parse("8").resolve(256, VllmSaturation.parse("vllm:x_info{max_num_seqs=\"64\"} 1")));
    assertEquals("--max-inflight must be a whole number ≥ 1 or 'auto', got '0'",
        assertThrows(ConfigException.class, () -> MaxInflight.parse("0")).getMessage());
    assertThrows(ConfigException.class, () -> MaxInflight.parse("lots"));
  }
}
