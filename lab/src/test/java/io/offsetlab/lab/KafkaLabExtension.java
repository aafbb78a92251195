package io.offsetlab.lab;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

import java.util.Map;
import java.util.TreeMap;

/**
 * The JUnit side of {@link KafkaLab}: one broker per distinct broker config per JVM (kept in
 * the root store, which closes it when the run ends: the embedded broker's non-daemon threads
 * would otherwise keep the JVM alive), a cluster of several brokers per class, and one
 * {@link LabKafka} per test class.
 */
public final class KafkaLabExtension implements ExecutionCondition, BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaLabExtension.class);

    /**
     * Disables a test class, with the reason, when its broker cannot be what it asks for (an
     * external cluster without the settings it needs): JUnit then reports every test of the
     * class as skipped with that reason, where an assumption failing in beforeAll would leave
     * them out of the reports altogether.
     */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (context.getTestMethod().isPresent()) {
            return ConditionEvaluationResult.enabled("decided for the class");
        }
        TestBrokers.Wanted wanted = wanted(context);
        return broker(context, wanted).whyNot(wanted).map(ConditionEvaluationResult::disabled)
                .orElse(ConditionEvaluationResult.enabled("the broker has what the class needs"));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        TestBrokers.Started broker = broker(context, wanted(context));
        context.getStore(NAMESPACE).put(LabKafka.class, new LabKafka(broker.backend(), broker.ordinaryUser()));
    }

    private static TestBrokers.Wanted wanted(ExtensionContext context) {
        KafkaLab annotation = annotation(context);
        return new TestBrokers.Wanted(brokerConfig(annotation), annotation.secured(), annotation.brokers());
    }

    /**
     * A single broker is shared by every class that wants the same one (the root store closes it
     * at the end of the run); a cluster of several nodes, a few JVMs or containers, belongs to its
     * class alone and is closed when the class is done.
     */
    private static TestBrokers.Started broker(ExtensionContext context, TestBrokers.Wanted wanted) {
        ExtensionContext owner = wanted.brokers() > 1 ? classContext(context) : context.getRoot();
        return owner.getStore(NAMESPACE).computeIfAbsent(wanted, TestBrokers::start, TestBrokers.Started.class);
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext c = context;
        while (c.getTestMethod().isPresent()) {
            c = c.getParent().orElseThrow();
        }
        return c;
    }

    private static KafkaLab annotation(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        // @Nested classes share their enclosing class's broker.
        return AnnotationSupport.findAnnotation(testClass, KafkaLab.class, context.getEnclosingTestClasses())
                .orElseThrow(() -> new IllegalStateException(testClass + " is not annotated with @KafkaLab"));
    }

    private static Map<String, String> brokerConfig(KafkaLab annotation) {
        Map<String, String> config = new TreeMap<>();
        for (String entry : annotation.brokerConfig()) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("@KafkaLab brokerConfig entries are key=value, got '" + entry + "'");
            }
            config.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
        }
        return config;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == LabKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return extensionContext.getStore(NAMESPACE).get(LabKafka.class, LabKafka.class);
    }
}
