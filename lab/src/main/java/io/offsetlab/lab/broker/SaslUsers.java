package io.offsetlab.lab.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The two users of a secured lab broker, as on a real cluster: {@value #ADMIN}, a super user
 * (every operation allowed), and {@value #USER}, an ordinary user who may do only what ACLs
 * grant. Clients authenticate with SASL/PLAIN over SASL_PLAINTEXT; the broker authorizes with
 * Kafka's StandardAuthorizer. The passwords are random per broker start and live only in the
 * broker's server.properties and in the two client properties files ({@link #writeClientFiles}),
 * readable by their owner only: never on a command line, never printed.
 */
public final class SaslUsers {

    public static final String ADMIN = "admin";
    public static final String USER = "alice";
    /** Kafka's StandardAuthorizer: ACLs kept in the cluster metadata (KRaft). */
    public static final String AUTHORIZER = "org.apache.kafka.metadata.authorizer.StandardAuthorizer";

    private final String adminPassword;
    private final String userPassword;

    private SaslUsers(String adminPassword, String userPassword) {
        this.adminPassword = adminPassword;
        this.userPassword = userPassword;
    }

    public static SaslUsers random() {
        return new SaslUsers(randomPassword(), randomPassword());
    }

    private static String randomPassword() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * The broker settings that turn security on for a node whose client listener is named
     * {@code SASL_PLAINTEXT} and whose controller listener is {@code CONTROLLER}: both speak
     * SASL/PLAIN, brokers and controllers log in to each other as {@value #ADMIN}, and only
     * {@value #ADMIN} is a super user (allow.everyone.if.no.acl.found stays false, Kafka's default).
     */
    Map<String, String> brokerSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("sasl.enabled.mechanisms", "PLAIN"); // default GSSAPI (Kerberos)
        settings.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        settings.put("sasl.mechanism.controller.protocol", "PLAIN");
        // PLAIN's server side: user_NAME="password" for every user; username/password: how this node logs in to others.
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"" + ADMIN + "\" password=\"" + adminPassword + "\""
                + " user_" + ADMIN + "=\"" + adminPassword + "\" user_" + USER + "=\"" + userPassword + "\";";
        settings.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas);
        settings.put("listener.name.controller.plain.sasl.jaas.config", jaas);
        settings.put("authorizer.class.name", AUTHORIZER);
        settings.put("super.users", "User:" + ADMIN);
        return settings;
    }

    /** The client properties of {@code user} ({@link #ADMIN} or {@link #USER}), as for Kafka's --command-config. */
    public Map<String, String> clientProperties(String user) {
        String password = switch (user) {
            case ADMIN -> adminPassword;
            case USER -> userPassword;
            default -> throw new IllegalArgumentException("no such user: " + user);
        };
        Map<String, String> props = new LinkedHashMap<>();
        props.put("security.protocol", "SASL_PLAINTEXT");
        props.put("sasl.mechanism", "PLAIN");
        props.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                + user + "\" password=\"" + password + "\";");
        return props;
    }

    /** Writes admin.properties and alice.properties into {@code dir}, readable by their owner only. */
    public void writeClientFiles(Path dir) {
        write(clientFile(dir, ADMIN), clientProperties(ADMIN));
        write(clientFile(dir, USER), clientProperties(USER));
    }

    /** Where {@link #writeClientFiles} puts {@code user}'s client properties. */
    public static Path clientFile(Path dir, String user) {
        return dir.resolve(user + ".properties");
    }

    private static void write(Path file, Map<String, String> props) {
        StringBuilder text = new StringBuilder("# written by Kafka Offset Lab: client settings for --command-config\n");
        props.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        try {
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
