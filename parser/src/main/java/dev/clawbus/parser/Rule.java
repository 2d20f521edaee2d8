package dev.clawbus.parser;

/**
 * One kind of tool-call block a family writes: where it starts, how its end is found, how it is decoded.
 *
 * @param start literal start marker
 * @param markerInBody the marker is the first char of the value (bare {@code [} or {@code {})
 * @param end how the end is found
 * @param endMarkers for {@link End#MARKER}: the first of these closes the block; for {@link End#JSON_MARKER}
 *     the first one outside a JSON string (a call's arguments may well mention the closing tag)
 * @param startOnly only at the start of the answer (nothing but blanks, reasoning and calls before it)
 * @param lenientEof at the end of output an unclosed block is still decoded (for models whose stop token
 *     replaces the closing tag); the decoder gets complete=false and must insist on inner completeness
 * @param afterCallOnly only right after a call, nothing but blanks between (LFM2's echo of the call it just
 *     made); with {@link End#PYTHON} its end marker must follow the list, or the list is ordinary text
 */
record Rule(String start, boolean markerInBody, End end, String[] endMarkers, BlockDecoder decoder,
            boolean startOnly, boolean lenientEof, boolean afterCallOnly) {

  /**
   * MARKER/JSON_MARKER: an end tag; JSON: one balanced JSON value; JSON_SEQ: JSON values separated by blanks,
   * {@code ;} or {@code ,}; PYTHON: one balanced Python list; MISTRAL: a name then its JSON arguments;
   * PY_LINES: Python calls {@code name(…)} one after another (OLMo 3 without its tags).
   */
  enum End { MARKER, JSON_MARKER, JSON, JSON_SEQ, PYTHON, MISTRAL, PY_LINES }

  Rule(String start, boolean markerInBody, End end, String[] endMarkers, BlockDecoder decoder, boolean startOnly,
       boolean lenientEof) {
    this(start, markerInBody, end, endMarkers, decoder, startOnly, lenientEof, false);
  }

  static Rule marker(String start, BlockDecoder d, String... ends) {
    return new Rule(start, false, End.MARKER, ends, d, false, true);
  }

  /** A JSON body closed by a tag; the tag inside a JSON string does not close it. */
  static Rule jsonMarker(String start, BlockDecoder d, String end) {
    return new Rule(start, false, End.JSON_MARKER, new String[] {end}, d, false, true);
  }

  static Rule json(String start, BlockDecoder d) {
    return new Rule(start, start.equals("{") || start.equals("["), End.JSON, new String[0], d, false, false);
  }

  /** One JSON value after the marker, which an optional tag may close (part of the block when present). */
  static Rule json(String start, BlockDecoder d, String optionalEnd) {
    return new Rule(start, false, End.JSON, new String[] {optionalEnd}, d, false, false);
  }

  /** OLMo 3's bare call lines: no marker at all, recognised by {@code identifier(} at the start. */
  static Rule pythonLines(BlockDecoder d) {
    return new Rule("", true, End.PY_LINES, new String[0], d, true, false);
  }

  Rule onlyAtStart() {
    return new Rule(start, markerInBody, end, endMarkers, decoder, true, lenientEof, afterCallOnly);
  }

  Rule withEnd(End e) {
    return new Rule(start, markerInBody, e, endMarkers, decoder, startOnly, lenientEof, afterCallOnly);
  }

  Rule strictEof() {
    return new Rule(start, markerInBody, end, endMarkers, decoder, startOnly, false, afterCallOnly);
  }
}
