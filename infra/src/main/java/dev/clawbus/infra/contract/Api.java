package dev.clawbus.infra.contract;

/** Which OpenAI wire API a client used: the journal is the same, the client's view differs. */
public enum Api {
  CHAT, RESPONSES;

  public String wire() {
    return name().toLowerCase();
  }

  public static Api parse(String s) {
    return "responses".equals(s) ? RESPONSES : CHAT;
  }
}
