package io.offsetlab.claims;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A headless Chromium and one page in it, driven through the Chrome DevTools Protocol over a
 * WebSocket (JDK's java.net.http, JSON with Jackson). Started with its own empty profile and a
 * debugging port the browser picks (read from DevToolsActivePort); {@link #close()} kills the
 * browser and every process it started, whatever happened before.
 */
final class DevTools implements AutoCloseable {

    private static final Duration STARTUP = Duration.ofSeconds(30);
    private static final Duration COMMAND = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process browser;
    private final Path profile;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    /** Every event of the page's session, in order (console messages, exceptions, requests, load). */
    final List<JsonNode> events = new CopyOnWriteArrayList<>();
    private WebSocket socket;
    private String session;

    private DevTools(Process browser, Path profile) {
        this.browser = browser;
        this.profile = profile;
    }

    /** Starts {@code chromium} headless and opens a blank page with the console, log, network and page domains on. */
    static DevTools start(Path chromium) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("claims-report-chromium");
        ProcessBuilder command = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank")
                .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile());
        // Chromium makes its own temporary directories (the profile's SingletonSocket lives in
        // /tmp/org.chromium.Chromium.XXXXXX) in $TMPDIR, and a browser killed by close() never
        // removes them: inside the profile, they go with it.
        Path tmp = Files.createDirectory(profile.resolve("tmp"));
        command.environment().put("TMPDIR", tmp.toString());
        Process browser = command.start();
        DevTools devTools = new DevTools(browser, profile);
        try {
            devTools.connect(devTools.browserEndpoint());
            JsonNode target = devTools.send(null, "Target.createTarget", Map.of("url", "about:blank"));
            JsonNode attached = devTools.send(null, "Target.attachToTarget",
                    Map.of("targetId", target.get("targetId").asText(), "flatten", true));
            devTools.session = attached.get("sessionId").asText();
            for (String domain : List.of("Runtime", "Log", "Network", "Page")) {
                devTools.call(domain + ".enable", Map.of());
            }
            return devTools;
        } catch (IOException | InterruptedException | RuntimeException e) {
            devTools.close();
            throw e;
        }
    }

    /** ws://127.0.0.1:PORT/devtools/browser/ID, from the DevToolsActivePort file Chromium writes in its profile. */
    private URI browserEndpoint() throws IOException, InterruptedException {
        Path file = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + STARTUP.toNanos();
        while (System.nanoTime() < deadline && browser.isAlive()) {
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file);
                if (lines.size() >= 2) {
                    return URI.create("ws://127.0.0.1:" + lines.get(0).trim() + lines.get(1).trim());
                }
            }
            Thread.sleep(50); // polling for a file the browser writes once it listens
        }
        List<String> log = Files.readAllLines(profile.resolve("chromium.log"));
        throw new IOException("Chromium did not open its DevTools port within " + STARTUP.toSeconds() + " s"
                + (browser.isAlive() ? "" : " (it exited with " + browser.exitValue() + ")") + "; its last lines: "
                + String.join(" | ", log.subList(Math.max(0, log.size() - 5), log.size())));
    }

    private void connect(URI endpoint) {
        socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(endpoint, new Listener()).join();
    }

    /** A command to the page; its result. */
    JsonNode call(String method, Map<String, Object> params) {
        return send(session, method, params);
    }

    private JsonNode send(String sessionId, String method, Map<String, Object> params) {
        int id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", JSON.valueToTree(params));
        if (sessionId != null) {
            message.put("sessionId", sessionId);
        }
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        socket.sendText(message.toString(), true).join();
        JsonNode reply;
        try {
            reply = answer.get(COMMAND.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Chromium did not answer " + method + " within " + COMMAND.toSeconds() + " s", e);
        }
        if (reply.has("error")) {
            throw new IllegalStateException(method + " failed: " + reply.get("error"));
        }
        return reply.get("result");
    }

    /** Runs JavaScript in the page (the page itself has none) and returns its value, passed as JSON. */
    JsonNode evaluate(String expression) {
        JsonNode result = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("the check's script failed in the page: " + result.get("exceptionDetails"));
        }
        return result.get("result").get("value");
    }

    /** Waits until an event satisfies {@code test}, from {@code from} (an index into {@link #events}) on. */
    JsonNode await(int from, Function<JsonNode, Boolean> test, String what) throws InterruptedException {
        long deadline = System.nanoTime() + COMMAND.toNanos();
        while (System.nanoTime() < deadline) {
            for (int i = from; i < events.size(); i++) {
                if (test.apply(events.get(i))) {
                    return events.get(i);
                }
            }
            Thread.sleep(20); // polling the event list the socket's thread fills
        }
        throw new IllegalStateException("Chromium: no " + what + " within " + COMMAND.toSeconds() + " s");
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.abort();
        }
        browser.descendants().forEach(ProcessHandle::destroyForcibly);
        browser.destroyForcibly();
        try {
            browser.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        singletonDirectoryOutsideTheProfile().ifPresent(DevTools::deleteQuietly);
        deleteQuietly(profile);
    }

    /**
     * The directory of the profile's SingletonSocket when Chromium made it elsewhere than in the
     * profile's tmp (it follows TMPDIR, but if it did not): killed, it never removes it itself.
     */
    private java.util.Optional<Path> singletonDirectoryOutsideTheProfile() {
        try {
            Path socket = profile.resolve("SingletonSocket");
            Path directory = Files.isSymbolicLink(socket) ? Files.readSymbolicLink(socket).getParent() : null;
            boolean chromiums = directory != null && directory.getFileName().toString().startsWith("org.chromium.Chromium.");
            return chromiums && !directory.startsWith(profile) ? java.util.Optional.of(directory) : java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    private static void deleteQuietly(Path directory) {
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.out.println("Browser check: could not delete Chromium's profile " + directory + ": " + e.getMessage());
        }
    }

    /** Collects a message's parts; an answer completes its command, anything else is an event. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder parts = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            parts.append(data);
            if (last) {
                try {
                    JsonNode message = JSON.readTree(parts.toString());
                    if (message.has("id")) {
                        CompletableFuture<JsonNode> answer = pending.remove(message.get("id").asInt());
                        if (answer != null) {
                            answer.complete(message);
                        }
                    } else {
                        events.add(message);
                    }
                } catch (IOException e) {
                    System.out.println("Browser check: a DevTools message that is not JSON: " + e.getMessage());
                }
                parts.setLength(0);
            }
            webSocket.request(1);
            return null;
        }
    }
}
