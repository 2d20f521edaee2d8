package dev.clawbus.infra.contract;

/**
 * Node-local, scheduler → runner ({@link Addresses#runner}): stream this request now.
 *
 * @param fast    a new request admitted the moment it arrived: its vLLM call starts at once, in parallel with
 *                the compare-and-set that marks it running (its output waits for both). Otherwise the run first
 *                takes the request (queued → running) and only then calls vLLM, so a request cancelled while it
 *                waited never reaches vLLM.
 * @param resumed the request ran before (a takeover): the run continues after what its journal holds
 */
public record RunCommand(RequestEnvelope envelope, boolean fast, boolean resumed) {}
