package dev.clawbus.infra.contract;

/**
 * Node-local, runner → scheduler ({@link Addresses#RUN_ENDED}): a run is over and its slot is free.
 *
 * @param status       the request's status as the run left it (null when the run never took the request)
 * @param actualTokens prompt plus completion tokens vLLM reported (0 when none): what the run really cost
 */
public record RunEnded(String key, Status status, long actualTokens) {}
