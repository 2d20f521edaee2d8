package dev.clawbus.infra.tenancy;

/**
 * Who presented a key: a tenant, or an admin. Admins see and cancel every tenant's requests and open
 * {@code /admin/*} and {@code /metrics}; their own chat requests run as tenant {@link Tenant#ADMIN}.
 */
public record Principal(Tenant tenant, boolean admin) {
  public static Principal of(Tenant tenant) {
    return new Principal(tenant, false);
  }

  public static Principal admin(Tenant adminTenant) {
    return new Principal(adminTenant, true);
  }

  public String tenantName() {
    return tenant.name();
  }

  /** Whether this principal may see or cancel a request owned by {@code owner}. */
  public boolean mayAccess(String owner) {
    return admin || tenant.name().equals(owner);
  }
}
