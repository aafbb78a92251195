package io.offsetlab.lab;

import io.offsetlab.lab.broker.EmbeddedKafkaBroker;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The embedded broker itself: it listens on loopback only. */
@StartsItsOwnBrokers
class EmbeddedKafkaBrokerIT {

    @Test
    void listensOn127001Only() throws IOException {
        Optional<InetAddress> external = nonLoopbackAddress();
        assumeTrue(external.isPresent(), "this machine has no non-loopback IPv4 address to test against");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(Map.of())) {
            int port = Integer.parseInt(broker.bootstrapServers().substring(broker.bootstrapServers().lastIndexOf(':') + 1));
            try (Socket loopback = new Socket(InetAddress.getLoopbackAddress(), port)) {
                // connects: the broker is there
            }
            assertThrows(IOException.class, () -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress(external.get(), port), 2000);
                }
            }, "the broker must not accept connections on " + external.get() + ", only on 127.0.0.1");
        }
    }

    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .filter(nic -> {
                    try {
                        return nic.isUp() && !nic.isLoopback();
                    } catch (SocketException e) {
                        return false;
                    }
                })
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address)
                .findFirst();
    }
}
