package dev.clawbus.parser;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Runs one family's corpus, non-streaming and streamed; the per-family classes name the family. */
abstract class FamilyCasesTest {
  private final String format;

  FamilyCasesTest(String format) {
    this.format = format;
  }

  @TestFactory
  Stream<DynamicTest> corpus() {
    return ParserCases.load(format).stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
      ParserCases.assertExpected(c);
      ParserCases.assertStreamingEquivalent(c, c.name().hashCode());
    }));
  }
}
