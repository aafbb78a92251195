package io.offsetlab.lab;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

import java.util.List;
import java.util.Map;

/**
 * Labels every container and network the lab starts with the test JVM that started it, and
 * removes those whose JVM is gone. Testcontainers' own reaper (Ryuk, a container of its own)
 * removes them when a test JVM is killed; on a machine that cannot pull Ryuk's image it is
 * turned off (TESTCONTAINERS_RYUK_DISABLED), and a killed test JVM would leave its Kafka
 * containers running. The next test JVM that starts a container removes them first.
 */
final class ContainerOwner {

    static final String LABEL = "io.offsetlab.owner-pid";
    private static final Logger LOG = LoggerFactory.getLogger(ContainerOwner.class);
    private static boolean cleaned;

    private ContainerOwner() {
    }

    /** This JVM's label, for {@code withLabels}. */
    static Map<String, String> label() {
        return Map.of(LABEL, Long.toString(ProcessHandle.current().pid()));
    }

    /** Once per JVM, before its first container: removes the containers and networks of test JVMs that are gone. */
    static synchronized void removeThoseOfEndedJvms() {
        if (cleaned) {
            return;
        }
        cleaned = true;
        DockerClient docker = DockerClientFactory.instance().client();
        for (Container container : docker.listContainersCmd().withShowAll(true).withLabelFilter(List.of(LABEL)).exec()) {
            String owner = container.getLabels().get(LABEL);
            if (ended(owner)) {
                LOG.warn("Removing container {}: the test JVM {} that started it is gone", container.getId().substring(0, 12), owner);
                docker.removeContainerCmd(container.getId()).withForce(true).exec();
            }
        }
        docker.listNetworksCmd().withFilter("label", List.of(LABEL)).exec().stream()
                .filter(network -> ended(network.getLabels().get(LABEL)))
                .forEach(network -> docker.removeNetworkCmd(network.getId()).exec());
    }

    private static boolean ended(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).map(p -> !p.isAlive()).orElse(true);
        } catch (NumberFormatException e) {
            return false; // not a label of ours
        }
    }
}
