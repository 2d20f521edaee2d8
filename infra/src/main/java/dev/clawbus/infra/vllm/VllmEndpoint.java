package dev.clawbus.infra.vllm;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;

/** Where vLLM is: host, port, TLS and path prefix, parsed once from the configured URL. */
public record VllmEndpoint(String host, int port, boolean ssl, String basePath) {

  public static VllmEndpoint parse(String url) {
    URI u = URI.create(url);
    boolean ssl = "https".equalsIgnoreCase(u.getScheme());
    int port = u.getPort() > 0 ? u.getPort() : (ssl ? 443 : 80);
    String path = u.getRawPath() == null ? "" : u.getRawPath();
    if (path.endsWith("/")) path = path.substring(0, path.length() - 1);
    // Operators often paste the OpenAI base URL (".../v1"); the paths we call already start with /v1.
    if (path.endsWith("/v1")) path = path.substring(0, path.length() - 3);
    return new VllmEndpoint(u.getHost(), port, ssl, path);
  }

  /** Request options for {@code path} (which starts with "/"), e.g. {@code /v1/chat/completions}. */
  public RequestOptions options(HttpMethod method, String path) {
    return new RequestOptions().setMethod(method).setHost(host).setPort(port).setSsl(ssl).setURI(basePath + path);
  }

  public String url() {
    return (ssl ? "https://" : "http://") + host + ":" + port + basePath;
  }
}
