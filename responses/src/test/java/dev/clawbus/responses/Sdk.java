package dev.clawbus.responses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.core.ObjectMappers;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseStreamEvent;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The official OpenAI Java SDK as the judge: objects are read with the SDK's own Jackson mapper and
 * {@code validate()}d, and every SDK model object reached must have no fields the SDK does not know
 * (a misspelt optional field would otherwise pass unnoticed). Shared with the end-to-end tests (test jar).
 */
public final class Sdk {
  /**
   * Fields OpenAI sends that this SDK version does not model: {@code store} in a response (OpenAI's own
   * responses carry it) and {@code name} in {@code response.function_call_arguments.done} (in OpenAI's
   * current API reference).
   */
  private static final Map<String, Set<String>> KNOWN_EXTRAS = Map.of("Response", Set.of("store"),
      "ResponseFunctionCallArgumentsDoneEvent", Set.of("name"));
  /** Free-form maps (JSON schemas, metadata, tool-choice lists) whose keys are data. */
  private static final Set<String> FREE_FORM = Set.of("Parameters", "Metadata", "Schema");

  private Sdk() {}

  public static Response response(String json) {
    Response r = read(json, Response.class);
    r.validate();
    return checked(r);
  }

  public static ResponseStreamEvent event(String data) {
    ResponseStreamEvent e = read(data, ResponseStreamEvent.class);
    e.validate();
    return checked(e);
  }

  private static <T> T read(String json, Class<T> type) {
    try {
      return ObjectMappers.jsonMapper().readValue(json, type);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }

  private static <T> T checked(T sdkObject) {
    noUnknownFields(sdkObject, sdkObject.getClass().getSimpleName(),
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
    return sdkObject;
  }

  public static void events(List<Sse.Frame> frames) {
    for (Sse.Frame f : frames) {
      if (!"keepalive".equals(f.type())) event(f.data());
    }
  }

  /** Walks SDK model objects: unions into their present variant, objects into their fields. */
  @SuppressWarnings("unchecked")
  static void noUnknownFields(Object o, String path, Set<Object> seen) {
    if (o == null) return;
    if (o instanceof Optional<?> opt) {
      opt.ifPresent(v -> noUnknownFields(v, path, seen));
      return;
    }
    if (o instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) noUnknownFields(list.get(i), path + "[" + i + "]", seen);
      return;
    }
    Class<?> c = o.getClass();
    if (!c.getName().startsWith("com.openai.models") || !seen.add(o)) return;
    if (path.length() > 600) throw new AssertionError("too deep: " + path);
    for (String ff : FREE_FORM) {
      if (c.getSimpleName().endsWith(ff)) return;
    }
    try {
      Method extra = c.getMethod("_additionalProperties");
      Map<String, ?> props = (Map<String, ?>) extra.invoke(o);
      for (String k : props.keySet()) {
        assertTrue(KNOWN_EXTRAS.getOrDefault(c.getSimpleName(), Set.of()).contains(k), path + " (" + c.getSimpleName() + ") has a field the SDK does not know: " + k);
      }
    } catch (NoSuchMethodException union) {
      // a union: its variant is reached through the Optional getters below
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
    for (Method m : c.getMethods()) {
      if (m.getParameterCount() != 0 || m.getName().startsWith("_") || m.getDeclaringClass() != c
          || java.lang.reflect.Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      String n = m.getName();
      if (n.startsWith("is") || n.startsWith("as") || n.equals("validate") || n.equals("toBuilder") || n.equals("known")
          || n.equals("value") || n.equals("hashCode") || n.equals("toString") || n.equals("validity")) continue;
      Object v;
      try {
        v = m.invoke(o);
      } catch (ReflectiveOperationException e) {
        continue;
      }
      if (v instanceof Optional || v instanceof List || (v != null && v.getClass().getName().startsWith("com.openai.models"))) {
        noUnknownFields(v, path + "." + n, seen);
      }
    }
  }

  public static void assertContiguous(List<Sse.Frame> frames, long first) {
    long expect = first;
    for (Sse.Frame f : frames) {
      if ("keepalive".equals(f.type())) continue;
      assertEquals(expect++, f.seq(), "sequence numbers must count up without gaps: " + f.data());
    }
  }
}
