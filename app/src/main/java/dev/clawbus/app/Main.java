package dev.clawbus.app;

import dev.clawbus.app.bench.BenchCommand;
import dev.clawbus.app.bench.InstantBackend;
import dev.clawbus.app.ops.DlqCommand;
import dev.clawbus.app.ops.InspectCommand;
import dev.clawbus.app.ops.ReplayCommand;
import dev.clawbus.infra.Version;
import dev.clawbus.infra.config.ConfigException;
import dev.clawbus.infra.tenancy.KeysCommand;
import dev.clawbus.broker.KafkaCommand;
import dev.clawbus.sim.SimCommand;
import dev.clawbus.parser.ParseCommand;
import java.util.Arrays;
import java.util.List;

/** The one {@code clawbus} command; each subcommand lives in its own module and class. */
public final class Main {
  static final String USAGE = """
      clawbus %s: a durable OpenAI-compatible gateway in front of vLLM

      usage: clawbus <command> [options]     (clawbus <command> --help for its options)

      commands:
        serve      run a clawbus node (ingress, transformer, dispatcher) on embedded or external Kafka
        node       join the cluster as a node host that runs agents' exec commands under a policy
        sim-vllm   run the vLLM simulator (an OpenAI server that behaves like vLLM, for tests and demos)
        parse      extract tool calls from model output with a model family's parser
        kafka      run a standalone single-node Kafka broker for a local clawbus cluster
        keys       'keys new': a fresh random API key and its sha256 for the tenants file
        instant-vllm  a backend that replays one vLLM answer as fast as the socket takes it (benchmarks)
        openclaw-config  print the models.providers block of openclaw.json for a running clawbus
        bench      load-test an OpenAI-compatible server (TTFT, inter-token gap, tokens/s), optionally vs its backend
        dlq        'dlq list': requests that failed for good, from a running node's admin API
        replay     send failed requests again (by id or by time) under new ids of their tenants
        inspect    a request's timeline: attempts, continuations, takeovers, errors, how it ended
      """;

  private Main() {}

  public static void main(String[] args) {
    // Kafka brings log4j-api without a backend; its simple context keeps it from complaining at start.
    System.setProperty("log4j2.loggerContextFactory", "org.apache.logging.log4j.simple.SimpleLoggerContextFactory");
    System.exit(run(args));
  }

  static int run(String[] argv) {
    if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("-h") || argv[0].equals("help")) {
      System.out.print(USAGE.formatted(Version.VERSION));
      return argv.length == 0 ? 2 : 0;
    }
    if (argv[0].equals("--version")) {
      System.out.println("clawbus " + Version.VERSION);
      return 0;
    }
    List<String> args = Arrays.asList(argv).subList(1, argv.length);
    try {
      return switch (argv[0]) {
        case "serve" -> ServeCommand.run(args);
        case "node" -> NodeCommand.run(args);
        case "sim-vllm" -> SimCommand.run(args, System.out, System.err);
        case "parse" -> ParseCommand.run(args, System.in, System.out, System.err);
        case "kafka" -> KafkaCommand.run(args, System.out, System.err);
        case "bench" -> BenchCommand.run(args, System.out, System.err);
        case "keys" -> KeysCommand.run(args, System.out, System.err);
        case "openclaw-config" -> OpenClawConfigCommand.run(args, System.out, System.err);
        case "instant-vllm" -> InstantBackend.run(args, System.out, System.err);
        case "dlq" -> DlqCommand.run(args, System.getenv(), System.out, System.err);
        case "replay" -> ReplayCommand.run(args, System.getenv(), System.out, System.err);
        case "inspect" -> InspectCommand.run(args, System.getenv(), System.out, System.err);
        default -> {
          System.err.println("clawbus: unknown command '" + argv[0] + "' (see clawbus --help)");
          yield 2;
        }
      };
    } catch (ConfigException e) {
      System.err.println("clawbus: " + e.getMessage());
      return 2;
    }
  }
}
