package io.offsetlab.lab;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The claims-ledger rows a test proves, by their ids (the ledger's first column in the root
 * README, e.g. {@code "2.partition-change"}). Every test run records its outcome for each id
 * ({@link ClaimsRecorder}), and {@code mvn verify} ends with {@code target/claims-report.md}:
 * one row per ledger row, with its verdict in this run and the figures the tests measured
 * ({@link Claims#figure}).
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
public @interface Claim {

    String[] value();
}
