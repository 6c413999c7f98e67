package dev.palisade.streams.sink;

import dev.palisade.telemetry.Alert;
import dev.palisade.telemetry.Log;
import dev.palisade.telemetry.PodOwner;
import dev.palisade.telemetry.Telemetry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * JSON lines straight into a byte array, for the sinks every monitored event passes through. The output is byte
 * for byte what the data-binding mapper ({@code TelemetryJson}) writes from the records' annotations: same field
 * order, empty strings and zero numbers left out, the same escapes, UTF-8 (characters outside the BMP too, which
 * Jackson's byte generator would escape as surrogate pairs). {@code TelemetryByteEncoderTest} holds the two equal
 * on random records, so a field added to a record and forgotten here fails there.
 *
 * <p>Why not Jackson: a log line is mostly the same nine container fields (cluster, host, namespace, owner, pod,
 * labels, container id, name and image) and a few ASCII strings. Here the container block is encoded once per
 * container and copied afterwards (the published view hands every event of a container the same String objects,
 * so recognising it is a handful of reference comparisons). Other strings that repeat as the same objects (process
 * names and paths from the decoder's string table, constants) are kept encoded by identity from their second
 * sighting on and copied; the rest are scanned once. Nothing is allocated per record once the buffer has grown.
 *
 * <p>Not thread-safe: one per writing thread.
 */
public final class TelemetryByteEncoder {
    private static final byte[] TIMESTAMP = key("Timestamp"), UPDATED_TIME = key("UpdatedTime"),
            CLUSTER_NAME = key("ClusterName"), HOST_NAME = key("HostName"), NAMESPACE_NAME = key("NamespaceName"),
            OWNER = key("Owner"), POD_NAME = key("PodName"), LABELS = key("Labels"),
            CONTAINER_ID = key("ContainerID"), CONTAINER_NAME = key("ContainerName"),
            CONTAINER_IMAGE = key("ContainerImage"), HOST_PPID = key("HostPPID"), HOST_PID = key("HostPID"),
            PPID = key("PPID"), PID = key("PID"), UID = key("UID"), PARENT_PROCESS_NAME = key("ParentProcessName"),
            PROCESS_NAME = key("ProcessName"), POLICY_NAME = key("PolicyName"), SEVERITY = key("Severity"),
            TAGS = key("Tags"), ATAGS = key("ATags"), MESSAGE = key("Message"), TYPE = key("Type"),
            SOURCE = key("Source"), OPERATION = key("Operation"), RESOURCE = key("Resource"), DATA = key("Data"),
            EVENT_DATA = key("EventData"), ENFORCER = key("Enforcer"), ACTION = key("Action"),
            RESULT = key("Result"), CWD = key("Cwd"), TTY = key("TTY"), MAX_ALERTS = key("MaxAlertsPerSec"),
            DROPPING_INTERVAL = key("DroppingAlertsInterval"), REF = key("Ref"), NAME = key("Name"),
            NAMESPACE = key("Namespace");
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final int CONTAINER_SLOTS = 64;
    private static final int STRING_SLOTS = 1024;
    private static final int MAX_CACHED_STRING = 256;
    /** "00" to "99". */
    private static final byte[] DIGIT_PAIRS = new byte[200];

    static {
        for (int i = 0; i < 100; i++) {
            DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
            DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    /** The last large number written and its digits. */
    private long lastNumber = -1;
    private final byte[] lastNumberBytes = new byte[20];
    private int lastNumberLength;

    private byte[] buf;
    private int pos;
    /** Whether the object being written has a field yet (a comma goes before every other one). */
    private boolean hasField;
    private final ContainerBlock[] containers = new ContainerBlock[CONTAINER_SLOTS];
    // Quoted strings by identity: the pipeline hands out the same String objects for what repeats (process names
    // and paths from the decoder's string table, constants, cached Data texts), so a repeat is a copy, not a scan.
    private final String[] stringKeys = new String[STRING_SLOTS];
    private final byte[][] stringBytes = new byte[STRING_SLOTS][];
    /** A second encoder writing container blocks on a miss, so the cached bytes never include this line's start. */
    private TelemetryByteEncoder blockEncoder;

    public TelemetryByteEncoder() {
        this(64 * 1024);
    }

    public TelemetryByteEncoder(int initialCapacity) {
        buf = new byte[Math.max(64, initialCapacity)];
    }

    /** {@code "name":} as bytes. */
    private static byte[] key(String name) {
        return ('"' + name + "\":").getBytes(StandardCharsets.US_ASCII);
    }

    /** Bytes written since the last {@link #reset()}. */
    public int size() {
        return pos;
    }

    public void reset() {
        pos = 0;
    }

    /** Forgets what was written after {@code size} bytes (a record that failed half-way). */
    public void truncate(int size) {
        if (size < 0 || size > pos) throw new IllegalArgumentException("cannot truncate " + pos + " bytes to " + size);
        pos = size;
    }

    public void writeTo(OutputStream out) throws IOException {
        out.write(buf, 0, pos);
    }

    /** A copy of the bytes written since the last reset (tests, and sinks that keep one record per message). */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    /** A copy of the first {@code length} bytes written since the last reset. */
    public byte[] toByteArray(int length) {
        if (length < 0 || length > pos) throw new IllegalArgumentException(length + " of " + pos + " bytes");
        return Arrays.copyOf(buf, length);
    }

    /**
     * Appends a log or an alert as one JSON object and a newline; false (nothing appended) for any other record,
     * which the caller writes through the mapper.
     */
    public boolean appendLine(Telemetry record) {
        switch (record) {
            case Log l -> append(l);
            case Alert a -> append(a);
            default -> {
                return false;
            }
        }
        put((byte) '\n');
        return true;
    }

    /** Appends raw bytes (a line encoded elsewhere). */
    public void appendRaw(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, pos, bytes.length);
        pos += bytes.length;
    }

    void append(Log l) {
        start(l.timestamp(), l.updatedTime());
        container(l.clusterName(), l.hostName(), l.namespaceName(), l.owner(), l.podName(), l.labels(),
                l.containerId(), l.containerName(), l.containerImage());
        number(HOST_PPID, l.hostPpid());
        number(HOST_PID, l.hostPid());
        number(PPID, l.ppid());
        number(PID, l.pid());
        number(UID, l.uid());
        string(PARENT_PROCESS_NAME, l.parentProcessName());
        string(PROCESS_NAME, l.processName());
        string(TYPE, l.type());
        string(SOURCE, l.source());
        string(OPERATION, l.operation());
        string(RESOURCE, l.resource());
        string(DATA, l.data());
        map(EVENT_DATA, l.eventData());
        string(RESULT, l.result());
        string(CWD, l.cwd());
        string(TTY, l.tty());
        put((byte) '}');
    }

    void append(Alert a) {
        start(a.timestamp(), a.updatedTime());
        container(a.clusterName(), a.hostName(), a.namespaceName(), a.owner(), a.podName(), a.labels(),
                a.containerId(), a.containerName(), a.containerImage());
        number(HOST_PPID, a.hostPpid());
        number(HOST_PID, a.hostPid());
        number(PPID, a.ppid());
        number(PID, a.pid());
        number(UID, a.uid());
        string(PARENT_PROCESS_NAME, a.parentProcessName());
        string(PROCESS_NAME, a.processName());
        string(POLICY_NAME, a.policyName());
        string(SEVERITY, a.severity());
        string(TAGS, a.tags());
        list(ATAGS, a.atags());
        string(MESSAGE, a.message());
        string(TYPE, a.type());
        string(SOURCE, a.source());
        string(OPERATION, a.operation());
        string(RESOURCE, a.resource());
        string(DATA, a.data());
        map(EVENT_DATA, a.eventData());
        string(ENFORCER, a.enforcer());
        string(ACTION, a.action());
        string(RESULT, a.result());
        string(CWD, a.cwd());
        string(TTY, a.tty());
        number(MAX_ALERTS, a.maxAlertsPerSec());
        number(DROPPING_INTERVAL, a.droppingAlertsInterval());
        put((byte) '}');
    }

    private void start(long timestamp, String updatedTime) {
        put((byte) '{');
        hasField = false;
        if (timestamp != 0) {
            field(TIMESTAMP);
            longValue(timestamp);
        }
        if (updatedTime != null && !updatedTime.isEmpty()) { // new every microsecond: never worth caching
            field(UPDATED_TIME);
            quoted(updatedTime);
        }
    }

    /** The nine container fields, each with a leading comma; copied from the cache when seen before. */
    private record ContainerBlock(String cluster, String host, String namespace, PodOwner owner, String pod,
                                  String labels, String id, String name, String image, byte[] bytes) {
        boolean is(String cluster, String host, String namespace, PodOwner owner, String pod, String labels,
                   String id, String name, String image) {
            return this.id == id && this.cluster == cluster && this.host == host && this.namespace == namespace
                    && this.owner == owner && this.pod == pod && this.labels == labels && this.name == name
                    && this.image == image;
        }
    }

    private void container(String cluster, String host, String namespace, PodOwner owner, String pod, String labels,
                           String id, String name, String image) {
        int slot = id.hashCode() & (CONTAINER_SLOTS - 1);
        ContainerBlock b = containers[slot];
        if (b == null || !b.is(cluster, host, namespace, owner, pod, labels, id, name, image)) {
            if (blockEncoder == null) blockEncoder = new TelemetryByteEncoder(1024);
            TelemetryByteEncoder e = blockEncoder;
            e.reset();
            e.hasField = true; // every field of the block with its comma
            e.string(CLUSTER_NAME, cluster);
            e.string(HOST_NAME, host);
            e.string(NAMESPACE_NAME, namespace);
            e.owner(owner);
            e.string(POD_NAME, pod);
            e.string(LABELS, labels);
            e.string(CONTAINER_ID, id);
            e.string(CONTAINER_NAME, name);
            e.string(CONTAINER_IMAGE, image);
            b = new ContainerBlock(cluster, host, namespace, owner, pod, labels, id, name, image, e.toByteArray());
            containers[slot] = b;
        }
        byte[] bytes = b.bytes();
        if (bytes.length == 0) return;
        int from = hasField ? 0 : 1; // the block's leading comma only after another field
        int n = bytes.length - from;
        ensure(n);
        System.arraycopy(bytes, from, buf, pos, n);
        pos += n;
        hasField = true;
    }

    private void owner(PodOwner o) {
        if (o == null) return;
        field(OWNER);
        put((byte) '{');
        hasField = false;
        string(REF, o.ref());
        string(NAME, o.name());
        string(NAMESPACE, o.namespace());
        put((byte) '}');
        hasField = true;
    }

    private void field(byte[] key) {
        ensure(key.length + 1);
        if (hasField) buf[pos++] = ',';
        System.arraycopy(key, 0, buf, pos, key.length);
        pos += key.length;
        hasField = true;
    }

    private void string(byte[] key, String value) {
        if (value == null || value.isEmpty()) return;
        field(key);
        if (value.length() > MAX_CACHED_STRING) {
            quoted(value);
            return;
        }
        int slot = value.hashCode() & (STRING_SLOTS - 1);
        byte[] bytes = stringBytes[slot];
        if (stringKeys[slot] != value || bytes == null) {
            // Kept from its second sighting on: a string seen once (a fresh path) costs no copy.
            boolean again = stringKeys[slot] == value;
            int from = pos;
            quoted(value);
            stringKeys[slot] = value;
            stringBytes[slot] = again ? Arrays.copyOfRange(buf, from, pos) : null;
            return;
        }
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, pos, bytes.length);
        pos += bytes.length;
    }

    private void number(byte[] key, int value) {
        if (value == 0) return;
        field(key);
        if (value > 0) {
            intValue(value);
        } else {
            raw(Integer.toString(value));
        }
    }

    private void map(byte[] key, Map<String, String> m) {
        if (m == null || m.isEmpty()) return;
        field(key);
        put((byte) '{');
        boolean first = true;
        for (Map.Entry<String, String> e : m.entrySet()) {
            if (!first) put((byte) ',');
            first = false;
            quoted(e.getKey());
            put((byte) ':');
            if (e.getValue() == null) {
                raw("null");
            } else {
                quoted(e.getValue());
            }
        }
        put((byte) '}');
    }

    private void list(byte[] key, List<String> l) {
        if (l == null || l.isEmpty()) return;
        field(key);
        put((byte) '[');
        for (int i = 0; i < l.size(); i++) {
            if (i > 0) put((byte) ',');
            String s = l.get(i);
            if (s == null) {
                raw("null");
            } else {
                quoted(s);
            }
        }
        put((byte) ']');
    }

    /**
     * A JSON string. The common case, printable ASCII without quote or backslash, is copied in one tight loop;
     * anything else is rewritten with Jackson's escapes (short escapes for \b \t \n \f \r, six-character u00XX escapes for
     * other control characters) and UTF-8 for the rest.
     */
    private void quoted(String s) {
        int n = s.length();
        ensure(n + 2);
        byte[] b = buf;
        int p = pos;
        b[p++] = '"';
        int start = p;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
                pos = start;
                escaped(s, i);
                put((byte) '"');
                return;
            }
            b[p++] = (byte) c;
        }
        b[p++] = '"';
        pos = p;
    }

    /** Writes chars from {@code from} on with escapes (the first {@code from} chars are plain and already in place). */
    private void escaped(String s, int from) {
        pos += from;
        int n = s.length();
        for (int i = from; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                put((byte) c);
            } else if (c < 0x80) {
                escape(c);
            } else if (c < 0x800) {
                ensure(2);
                buf[pos++] = (byte) (0xC0 | (c >> 6));
                buf[pos++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                ensure(4);
                buf[pos++] = (byte) (0xF0 | (cp >> 18));
                buf[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                buf[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                buf[pos++] = (byte) (0x80 | (cp & 0x3F));
            } else {
                if (Character.isSurrogate(c)) {
                    throw new IllegalArgumentException("a lone surrogate (U+" + Integer.toHexString(c) + ") in a string");
                }
                ensure(3);
                buf[pos++] = (byte) (0xE0 | (c >> 12));
                buf[pos++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[pos++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }

    private void escape(char c) {
        ensure(6);
        buf[pos++] = '\\';
        switch (c) {
            case '"' -> buf[pos++] = '"';
            case '\\' -> buf[pos++] = '\\';
            case '\b' -> buf[pos++] = 'b';
            case '\t' -> buf[pos++] = 't';
            case '\n' -> buf[pos++] = 'n';
            case '\f' -> buf[pos++] = 'f';
            case '\r' -> buf[pos++] = 'r';
            default -> {
                buf[pos++] = 'u';
                buf[pos++] = '0';
                buf[pos++] = '0';
                buf[pos++] = HEX[(c >> 4) & 0xF];
                buf[pos++] = HEX[c & 0xF];
            }
        }
    }

    private void longValue(long v) {
        if (v == lastNumber) { // the timestamp (its only caller): the same second for every event in it
            ensure(lastNumberLength);
            System.arraycopy(lastNumberBytes, 0, buf, pos, lastNumberLength);
            pos += lastNumberLength;
            return;
        }
        int start = pos;
        if (v >= 0 && v <= Integer.MAX_VALUE) {
            intValue((int) v);
        } else {
            raw(Long.toString(v)); // negative or past 2^31: not on the hot path
        }
        if (v > 99_999) {
            lastNumber = v;
            lastNumberLength = pos - start;
            System.arraycopy(buf, start, lastNumberBytes, 0, lastNumberLength);
        }
    }

    /** Digits of a non-negative int, two at a time (one division by 100 per pair). */
    private void intValue(int v) {
        int digits = v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : v < 10_000 ? 4 : v < 100_000 ? 5 : v < 1_000_000 ? 6
                : v < 10_000_000 ? 7 : v < 100_000_000 ? 8 : v < 1_000_000_000 ? 9 : 10;
        ensure(digits);
        int i = pos + digits;
        pos = i;
        byte[] b = buf;
        while (v >= 100) {
            int q = v / 100;
            int r = (v - q * 100) * 2;
            v = q;
            b[--i] = DIGIT_PAIRS[r + 1];
            b[--i] = DIGIT_PAIRS[r];
        }
        if (v >= 10) {
            b[--i] = DIGIT_PAIRS[v * 2 + 1];
            b[--i] = DIGIT_PAIRS[v * 2];
        } else {
            b[--i] = (byte) ('0' + v);
        }
    }

    private void raw(String ascii) {
        ensure(ascii.length());
        for (int i = 0; i < ascii.length(); i++) buf[pos++] = (byte) ascii.charAt(i);
    }

    private void put(byte b) {
        ensure(1);
        buf[pos++] = b;
    }

    private void ensure(int more) {
        if (pos + more > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
    }
}
