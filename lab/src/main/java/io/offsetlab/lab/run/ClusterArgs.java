package io.offsetlab.lab.run;

import io.offsetlab.lab.broker.ExternalCluster;
import io.offsetlab.lab.broker.KafkaBackend;

import java.nio.file.Path;
import java.util.List;

/**
 * The cluster named at the front of a child JVM's command line, as
 * {@link KafkaBackend#commandLine()} writes it: {@code --bootstrap-server HOST:PORT
 * [--command-config FILE] REST...}. Child JVMs of the lab start with this, so that they reach
 * the cluster exactly as their parent does.
 *
 * @param cluster the cluster to reach
 * @param rest    the child's own arguments, after the cluster's
 */
public record ClusterArgs(ExternalCluster cluster, List<String> rest) {

    public static ClusterArgs parse(String[] args) {
        List<String> list = List.of(args);
        if (list.size() < 2 || !list.get(0).equals("--bootstrap-server")) {
            throw new IllegalArgumentException("expected --bootstrap-server HOST:PORT [--command-config FILE] first, got " + list);
        }
        boolean withFile = list.size() >= 4 && list.get(2).equals("--command-config");
        ExternalCluster cluster = new ExternalCluster(list.get(1), withFile ? Path.of(list.get(3)) : null);
        return new ClusterArgs(cluster, list.subList(withFile ? 4 : 2, list.size()));
    }
}
