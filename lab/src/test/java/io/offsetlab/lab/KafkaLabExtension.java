package io.offsetlab.lab;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

import java.util.Map;
import java.util.TreeMap;

/**
 * The JUnit side of {@link KafkaLab}: one broker per distinct broker config per JVM (kept in
 * the root store, which closes it when the run ends: the embedded broker's non-daemon threads
 * would otherwise keep the JVM alive), and one {@link LabKafka} per test class.
 */
public final class KafkaLabExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(KafkaLabExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        Map<String, String> overrides = brokerConfig(context);
        String key = "broker " + overrides;
        TestBrokers.Started broker = context.getRoot().getStore(NAMESPACE)
                .computeIfAbsent(key, k -> TestBrokers.start(overrides), TestBrokers.Started.class);
        broker.assumeCanApply(overrides);
        context.getStore(NAMESPACE).put(LabKafka.class, new LabKafka(broker.backend()));
    }

    private static Map<String, String> brokerConfig(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        // @Nested classes share their enclosing class's broker.
        KafkaLab annotation = AnnotationSupport.findAnnotation(testClass, KafkaLab.class, context.getEnclosingTestClasses())
                .orElseThrow(() -> new IllegalStateException(testClass + " is not annotated with @KafkaLab"));
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
