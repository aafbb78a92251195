package io.offsetlab.lab;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test class that starts its own brokers ({@code ./run broker}, {@code ./run cluster}, or a
 * demo that starts its own cluster) and never uses the Kafka under test. It runs in the default
 * run ({@code kafka.backend} auto or embedded). A run that chooses {@code testcontainers} or
 * {@code external} would only repeat it on the same embedded brokers, so there it is skipped,
 * with that reason.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(StartsItsOwnBrokers.Condition.class)
public @interface StartsItsOwnBrokers {

    /** Enabled for kafka.backend auto or embedded, disabled (with the reason) for the others. */
    final class Condition implements ExecutionCondition {

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            String backend = TestBrokers.requestedBackend();
            if (backend.equals("auto") || backend.equals("embedded")) {
                return ConditionEvaluationResult.enabled("kafka.backend=" + backend + ": the run that starts its own brokers");
            }
            return ConditionEvaluationResult.disabled("this class starts its own embedded brokers whatever kafka.backend says;"
                    + " kafka.backend=" + backend + " would only repeat it, and the default run (auto or embedded) runs it");
        }
    }
}
