package dev.clawbus.infra.tenancy;

import dev.clawbus.infra.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tenants of a node and the keys that name them. Keys are kept only as SHA-256 digests; a presented key is hashed
 * once and compared with {@link MessageDigest#isEqual} against every entry, without stopping at a match, so the time
 * taken does not depend on which key (if any) matched. Neither keys nor digests appear in {@link #toString()}.
 */
public final class Tenants {
  /** One accepted key: its digest, whose it is, and where it was declared (for error messages). */
  record KeyEntry(byte[] digest, String tenant, boolean admin, String where) {}

  private final Map<String, Tenant> byName;
  private final List<KeyEntry> keys;
  private final Tenant adminTenant;

  Tenants(Map<String, Tenant> byName, List<KeyEntry> keys) {
    this.byName = Map.copyOf(byName);
    this.keys = List.copyOf(keys);
    this.adminTenant = byName.getOrDefault(Tenant.ADMIN, Tenant.withDefaults(Tenant.ADMIN));
  }

  /** No tenants, no keys: everyone is let in (loopback only). */
  public static Tenants open() {
    return new Tenants(Map.of(), List.of());
  }

  /**
   * Reads a tenants file, JSON or YAML ({@code .yaml}/{@code .yml}). A mistake is a {@link ConfigException} whose
   * one-line message names the file and the field, e.g.
   * {@code tenants file t.yaml: tenants[1].weight must be a whole number ≥ 1, got "x"}.
   */
  public static Tenants load(Path file) {
    return TenantsFile.read(file);
  }

  /**
   * The tenants of {@code --api-keys KEY=TENANT} (each with default settings) and {@code --admin-keys}.
   *
   * @param keyToTenant key → tenant name
   * @param adminKeys plain admin keys
   */
  public static Tenants fromApiKeys(Map<String, String> keyToTenant, List<String> adminKeys) {
    Builder b = new Builder("--api-keys");
    int i = 0;
    for (Map.Entry<String, String> e : keyToTenant.entrySet()) {
      String name = e.getValue();
      if (!Tenant.NAME.matcher(name).matches()) {
        throw new ConfigException("--api-keys: tenant name '" + shorten(name)
            + "' must be 1-64 of the characters A-Z a-z 0-9 . _ -");
      }
      b.tenant(Tenant.withDefaults(name), "--api-keys");
      b.key(sha256(e.getKey()), name, false, "--api-keys entry " + (++i));
    }
    int j = 0;
    for (String k : adminKeys) {
      b.key(sha256(k), null, true, "--admin-keys entry " + (++j));
    }
    return b.build();
  }

  /**
   * Both sources together: a tenant defined in both keeps this one's settings (the file's, by convention) and the keys
   * of both. A key given twice for different principals is a {@link ConfigException}.
   */
  public Tenants merge(Tenants other) {
    Builder b = new Builder("configuration");
    byName.values().forEach(t -> b.tenant(t, null));
    other.byName.values().forEach(t -> b.tenantIfAbsent(t));
    keys.forEach(k -> b.key(k.digest(), k.tenant(), k.admin(), k.where()));
    other.keys.forEach(k -> b.key(k.digest(), k.tenant(), k.admin(), k.where()));
    return b.build();
  }

  /** Whether any key is configured; without keys every request is let in (and the host must be loopback). */
  public boolean keysConfigured() {
    return !keys.isEmpty();
  }

  /** Whether any admin key is configured ({@code /metrics} and {@code /admin/*} need one when keys are). */
  public boolean adminKeysConfigured() {
    boolean any = false;
    for (KeyEntry k : keys) any |= k.admin();
    return any;
  }

  /**
   * Who {@code presentedKey} belongs to, in constant time over all entries (the presented key is hashed first, so its
   * length does not matter either). Empty for an unknown key, and for null.
   */
  public Optional<Principal> authenticate(String presentedKey) {
    if (presentedKey == null) return Optional.empty();
    byte[] given = sha256(presentedKey);
    KeyEntry found = null;
    for (KeyEntry k : keys) {
      // No early exit: every entry is compared whatever matched before.
      if (MessageDigest.isEqual(given, k.digest())) found = k;
    }
    if (found == null) return Optional.empty();
    return Optional.of(found.admin() ? Principal.admin(adminTenant) : Principal.of(tenant(found.tenant())));
  }

  /** The key of an {@code Authorization: Bearer <key>} header value, or null when there is none. */
  public static String bearerKey(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) return null;
    String key = authorization.substring(7).trim();
    return key.isEmpty() ? null : key;
  }

  /** {@link #authenticate} of the key in an {@code Authorization} header value. */
  public Optional<Principal> authenticateHeader(String authorization) {
    return authenticate(bearerKey(authorization));
  }

  /** The tenant called {@code name}; an unknown name gets default settings (open mode, or a tenant since removed). */
  public Tenant tenant(String name) {
    Tenant t = byName.get(name);
    return t != null ? t : Tenant.withDefaults(Tenant.NAME.matcher(name == null ? "" : name).matches() ? name
        : Tenant.DEFAULT);
  }

  public Collection<Tenant> all() {
    return byName.values();
  }

  @Override
  public String toString() {
    return "Tenants[" + byName.size() + " tenants, " + keys.size() + " keys]";
  }

  /** SHA-256 of the UTF-8 bytes of {@code key}. */
  public static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  public static String sha256Hex(String key) {
    return HexFormat.of().formatHex(sha256(key));
  }

  private static String shorten(String s) {
    return s.length() > 70 ? s.substring(0, 64) + "…" : s;
  }

  /** Collects tenants and keys, refusing a key that names two principals. */
  static final class Builder {
    private final String source;
    private final Map<String, Tenant> byName = new LinkedHashMap<>();
    private final List<KeyEntry> keys = new ArrayList<>();

    Builder(String source) {
      this.source = source;
    }

    /** Adds a tenant; {@code duplicateWhere} non-null makes a second definition of the name an error. */
    void tenant(Tenant t, String duplicateWhere) {
      if (byName.containsKey(t.name()) && duplicateWhere != null && !duplicateWhere.equals("--api-keys")) {
        throw new ConfigException(source + ": " + duplicateWhere + " defines tenant '" + t.name() + "' a second time");
      }
      byName.putIfAbsent(t.name(), t);
    }

    void tenantIfAbsent(Tenant t) {
      byName.putIfAbsent(t.name(), t);
    }

    void key(byte[] digest, String tenant, boolean admin, String where) {
      for (KeyEntry k : keys) {
        if (MessageDigest.isEqual(k.digest(), digest)) {
          if (k.admin() == admin && (admin || k.tenant().equals(tenant))) {
            return; // the same key for the same principal twice is harmless
          }
          throw new ConfigException(source + ": " + where + " is the same key as " + k.where()
              + " (one key cannot name two " + (admin || k.admin() ? "roles" : "tenants") + ")");
        }
      }
      keys.add(new KeyEntry(digest, tenant, admin, where));
    }

    Tenants build() {
      return new Tenants(byName, keys);
    }
  }
}
