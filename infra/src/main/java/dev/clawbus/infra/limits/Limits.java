package dev.clawbus.infra.limits;

import dev.clawbus.infra.tenancy.Tenant;
import java.io.Serializable;

/** The admission limits of one key (a tenant, or all tenants together): 0 means no limit. */
public record Limits(int maxQueued, int rpm, long tpm) implements Serializable {
  public static Limits of(Tenant t) {
    return new Limits(t.maxQueued(), t.rpm(), t.tpm());
  }

  public boolean rateLimited() {
    return rpm > 0 || tpm > 0;
  }

  public boolean any() {
    return maxQueued > 0 || rateLimited();
  }
}
