package io.offsetlab.lab;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives a test class a real Kafka broker; inject {@link LabKafka} into test methods,
 * {@code @BeforeAll} or {@code @BeforeEach}. Which broker: {@code -Dkafka.backend} (or env
 * {@code KAFKA_BACKEND}) = auto (default) | embedded | testcontainers | external.
 *
 * <p>Classes with equal {@link #brokerConfig()} share one broker per JVM; it is stopped when
 * the test run ends.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(KafkaLabExtension.class)
public @interface KafkaLab {

    /**
     * Broker settings on top of {@link LabBrokerConfig#defaults()}, each "key=value". An
     * external cluster cannot be given them: there the class runs only when the cluster already
     * has them (read with describeConfigs), and is skipped, naming the values, otherwise.
     */
    String[] brokerConfig() default {};

    /**
     * A secured broker: SASL_PLAINTEXT with PLAIN and ACLs (Kafka's StandardAuthorizer), a super
     * user (the clients of {@link LabKafka}) and an ordinary user ({@link LabKafka#ordinaryUser()}).
     * Embedded on the embedded and Testcontainers backends; on an external cluster, that cluster
     * when it is given an ordinary user's client properties with -Dkafka.user.command.config=FILE.
     */
    boolean secured() default false;

    /**
     * How many brokers: more than 1 gives a {@link Cluster} whose nodes a test can kill, wipe and
     * restart ({@link LabKafka#cluster()}): one process per node on the embedded backend, one
     * container per node on Testcontainers. On an external cluster such a class is skipped, with
     * the reason: a test must not kill its brokers.
     */
    int brokers() default 1;
}
