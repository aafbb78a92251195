package io.offsetlab.lab.run;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/** What the lab takes from this machine: ports on 127.0.0.1, and directories. */
public final class LocalMachine {

    private LocalMachine() {
    }

    /** The lowest port the lab picks: above the well-known and the usual registered ones (9092, 8080, ...). */
    private static final int LOWEST_PICKED = 10_000;
    /** Where Linux starts its range for outgoing connections when the range cannot be read. */
    private static final int DEFAULT_EPHEMERAL_START = 32_768;
    /** The ports {@link #freePort()} has given in this JVM. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    /**
     * A port nothing listens on right now, on 127.0.0.1, picked below the range the operating
     * system gives to the local end of outgoing connections ({@code net.ipv4.ip_local_port_range}).
     * A port picked now is often bound seconds later, by a node or a broker in a JVM that is still
     * starting; a port from that range can be taken meanwhile by any client's connection, and the
     * node then fails with "Address already in use" (seen once ./run cluster's test ran beside the
     * chapters' tests). Below it, only another bind can take it.
     *
     * <p>This JVM never hands out the same port twice: a port is bound only later, so two picks
     * in a row could otherwise give one port to a node's broker and controller listeners (a
     * 3-node cluster picks six; seen once in a run: "two listeners on the same port").
     */
    public static int freePort() {
        int ephemeralStart = ephemeralRangeStart();
        for (int attempt = 0; attempt < 100 && ephemeralStart > LOWEST_PICKED; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST_PICKED, ephemeralStart);
            if (!HANDED_OUT.contains(port) && portIsFree(port) && HANDED_OUT.add(port)) {
                return port;
            }
        }
        for (int attempt = 0; attempt < 100; attempt++) { // any free port, as a last resort: also never one given before
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free port on 127.0.0.1", e);
            }
        }
        throw new IllegalStateException("no port on 127.0.0.1 that this JVM has not handed out already");
    }

    /** The first port of this machine's range for outgoing connections (Linux: /proc/sys/net/ipv4/ip_local_port_range). */
    private static int ephemeralRangeStart() {
        try {
            // readAllLines, not readString: a /proc file says its size is 0, and readString read "3" of it here (JDK 17.0.15)
            String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0);
            return Integer.parseInt(range.trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return DEFAULT_EPHEMERAL_START; // not Linux, or not readable: Linux's default
        }
    }

    /** Whether nothing listens on {@code port} of 127.0.0.1. */
    public static boolean portIsFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A new temporary directory whose name starts with {@code prefix}. */
    public static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary directory", e);
        }
    }

    /** {@code dir} and its parents, created where missing. */
    public static Path directories(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Deletes {@code dir} and everything in it; best effort: a leftover temporary file is not worth failing for. */
    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
