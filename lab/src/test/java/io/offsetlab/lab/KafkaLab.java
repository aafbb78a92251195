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

    /** Broker settings on top of {@link LabBrokerConfig#defaults()}, each "key=value". */
    String[] brokerConfig() default {};
}
