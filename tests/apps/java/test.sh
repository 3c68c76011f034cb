#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# java on A: com.sun.net.httpserver.HttpServer; on B: java.net.http.HttpClient. JDK 17.
. "$(dirname "$0")/../lib.sh"
J=/usr/lib/jvm/java-17-openjdk-amd64/bin
[ -x $J/java ] || J=$(dirname "$(readlink -f "$(command -v java)")")
app_init java "OpenJDK $($J/java -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p')"
[ -x $J/java ] || app_skip "no JDK"
PORT=8083
net_up || { app_done; exit 1; }
cat >"$W/Srv.java" <<'JAVA'
import com.sun.net.httpserver.HttpServer; import java.net.InetSocketAddress;
public class Srv { public static void main(String[] a) throws Exception {
  HttpServer s = HttpServer.create(new InetSocketAddress(a[1], Integer.parseInt(a[0])), 128);
  s.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(4));
  s.createContext("/", x -> { byte[] b = x.getRequestBody().readAllBytes();
    java.security.MessageDigest md; try { md = java.security.MessageDigest.getInstance("SHA-256"); } catch (Exception e) { throw new RuntimeException(e); }
    byte[] r = ("java-ok " + x.getRequestURI() + " " + b.length + " " + java.util.HexFormat.of().formatHex(md.digest(b)) + "\n").getBytes();
    x.sendResponseHeaders(200, r.length); x.getResponseBody().write(r); x.close(); });
  s.start(); } }
JAVA
cat >"$W/Cli.java" <<'JAVA'
import java.net.URI; import java.net.http.*; import java.nio.file.*;
public class Cli { public static void main(String[] a) throws Exception {
  HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  String base = "http://" + a[0] + ":" + a[1];
  int good = 0;
  for (int i = 0; i < 20; i++) {
    HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create(base + "/r" + i)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 200 && r.body().startsWith("java-ok /r" + i + " 0 ")) good++;
  }
  System.out.println("get " + good);
  HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create(base + "/post")).POST(HttpRequest.BodyPublishers.ofFile(Path.of(a[2]))).build(), HttpResponse.BodyHandlers.ofString());
  System.out.print("post " + r.statusCode() + " " + r.body());
} }
JAVA
serve "$A" java $J/java "$W/Srv.java" $PORT "$IA"
until_ok 8 wait_port "$B" "$IA" $PORT || { not_ok "B reaches java on A"; evidence "$W/java.log"; }
head -c 4194304 /dev/urandom >"$W/post.bin"
on "$B" $J/java "$W/Cli.java" "$IA" $PORT "$W/post.bin" >"$W/cli.out" 2>&1
sed 's/^/#   /' "$W/cli.out" | tee -a "$EV"
grep -qx 'get 20' "$W/cli.out" && ok "HttpClient on B: 20 GETs answered by HttpServer on A" || not_ok "HttpClient GETs"
grep -qx "post 200 java-ok /post 4194304 $(hsha "$W/post.bin")" "$W/cli.out" &&
	ok "HttpClient POST 4 MB: the server's sha256 equals the sender's" || not_ok "HttpClient POST 4 MB"
evidence "$W/java.log" 4
app_done
