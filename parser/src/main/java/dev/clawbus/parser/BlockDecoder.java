package dev.clawbus.parser;

import java.util.List;

/** Turns the text of one tool-call block into calls. */
@FunctionalInterface
interface BlockDecoder {
  /**
   * @param body the block's text after its start marker (including it when the marker is the value's opening
   *     bracket), without the end marker
   * @param complete false when the output ended before the block was closed
   * @return the calls, or null when the text is not a well-formed call (it then stays content)
   */
  List<RawCall> decode(String body, boolean complete, ParserOptions options);
}
