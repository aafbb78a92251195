package io.offsetlab.lab.client;

import io.offsetlab.lab.broker.KafkaBackend;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.resource.ResourceType;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kafka's failures told to the person at the terminal: what failed, where, and what to check.
 * Authentication and authorization failures name the file and the ACL involved; anything
 * else is its root cause in one line.
 */
public final class KafkaFailures {

    private static final Pattern USERNAME = Pattern.compile("username=\"([^\"]*)\"");

    private KafkaFailures() {
    }

    /**
     * A permission the client lacks for what a tool is about to do, found before Kafka refused it
     * or named after it did. {@link #explain} puts the principal in front: "User:alice lacks READ
     * on topic t (needed to commit offsets for its partitions)".
     */
    public static final class MissingAclException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public MissingAclException(AclOperation operation, ResourceType type, String name, String purpose) {
            super("lacks " + operation + " on " + type.name().toLowerCase(Locale.ROOT) + (name == null ? "" : " " + name)
                    + " (needed to " + purpose + ")");
        }
    }

    /** One paragraph: why talking to {@code kafka} failed, and what to check. */
    public static String explain(Throwable failure, KafkaBackend kafka) {
        Throwable root = rootCause(failure);
        if (root instanceof MissingAclException) {
            return principal(kafka) + " " + root.getMessage() + ". Grant it (kafka-acls.sh --add) or run as a user who has it.";
        }
        if (root instanceof AuthenticationException) {
            return authenticationFailed(root, kafka);
        }
        if (root instanceof AuthorizationException) {
            return principal(kafka) + " is not allowed to use " + resource(root) + ": an ACL is missing (Kafka said: "
                    + root.getMessage() + ").";
        }
        if (root instanceof ConfigException && String.valueOf(root.getMessage()).contains("No resolvable bootstrap urls")) {
            return "cannot resolve any host in " + kafka.bootstrapServers() + ": no such host name (check its spelling and DNS).";
        }
        return describe(root);
    }

    private static String authenticationFailed(Throwable root, KafkaBackend kafka) {
        String file = kafka.clientPropertiesFile() == null ? "the file given with --command-config"
                : kafka.clientPropertiesFile().toString();
        String check = root instanceof SaslAuthenticationException
                ? "check the username and password in sasl.jaas.config in " + file
                : "check the security settings in " + file;
        return "authentication failed at " + kafka.bootstrapServers() + " (" + root.getMessage() + "): " + check + ".";
    }

    /** The resource an authorization failure is about, as far as Kafka's exception names it. */
    private static String resource(Throwable e) {
        if (e instanceof GroupAuthorizationException g) {
            return g.groupId() == null ? "the group" : "group " + g.groupId();
        }
        if (e instanceof TopicAuthorizationException t) {
            return t.unauthorizedTopics().isEmpty() ? "a topic" : "topic " + String.join(", ", t.unauthorizedTopics());
        }
        if (e instanceof TransactionalIdAuthorizationException) {
            return "its transactional id";
        }
        if (e instanceof ClusterAuthorizationException) {
            return "the cluster";
        }
        return "a resource";
    }

    /**
     * The principal a client logs in as: "User:NAME" from the username of its
     * sasl.jaas.config (PLAIN and SCRAM), else "this client". Never the password.
     */
    public static String principal(KafkaBackend kafka) {
        String jaas = kafka.clientProperties().get("sasl.jaas.config");
        Matcher m = jaas == null ? null : USERNAME.matcher(jaas);
        return m != null && m.find() ? "User:" + m.group(1) : "this client";
    }

    /** The root cause of {@code e}, as "Type: message", for a one-line failure report. */
    public static String describe(Throwable e) {
        Throwable root = rootCause(e);
        String message = root.getMessage() == null ? "" : ": " + root.getMessage();
        return root.getClass().getSimpleName() + message;
    }

    public static Throwable rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
